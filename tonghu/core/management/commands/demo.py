"""``tonghu demo``: migrate, load the demo county if the database is empty, print the accounts, serve."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tonghu.core.demo_loader import DEMO_PASSWORD, load_demo
from tonghu.core.models import Region
from tonghu.core.runner import supervise


class Command(BaseCommand):
    help = "Create and migrate the database, load the demo county when it is empty, then start the web server and a job worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and print the accounts, then exit")
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the demo's size (tests use less)")
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args, host, port, no_serve, scale, web_workers, **options):
        db = settings.DATABASES["default"]
        self.stdout.write(f"数据库 / database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
        call_command("migrate", interactive=False, verbosity=0)
        if not Region.objects.exists():
            self.stdout.write("正在生成演示县数据（全部为虚构数据）… / generating the demo county (all fictional)…")
            ctx = load_demo(scale=scale, out=self.stdout)
            accounts = ctx.accounts
        else:
            self.stdout.write("数据库已有数据，跳过演示数据生成。 / database not empty: demo data not loaded again.")
            accounts = _existing_accounts()
        url = f"http://{host}:{port}/"

        def print_accounts():
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"童护 tonghu 已就绪 / ready: {url}"))
            self.stdout.write(f"演示账号（密码均为 / password for all: {DEMO_PASSWORD}）:")
            for username, role, region in accounts:
                self.stdout.write(f"  {username:<10} {role:<12} {region}")
            self.stdout.write("  （每个村都有儿童主任 zhuren001…，每个乡镇都有督导员 dudao01…）")
            if not no_serve:
                self.stdout.write("按 Ctrl+C 停止。 / Press Ctrl+C to stop.")
            self.stdout.flush()

        if no_serve:
            print_accounts()
            return
        if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):
            os.environ["TONGHU_ALLOWED_HOSTS"] = ",".join(settings.ALLOWED_HOSTS + [host])
        if host in ("0.0.0.0", "::"):
            os.environ.setdefault("TONGHU_ALLOWED_HOSTS", "*")
        os.environ["TONGHU_DEMO_MODE"] = "1"  # the web and job processes it starts accept the demo accounts
        # The demo's history queues some 500 notifications; the worker's console channel would print a line for
        # each after the account list. They stay on the notifications page; the log only shows warnings.
        os.environ.setdefault("TONGHU_NOTIFY_LOG_LEVEL", "WARNING")
        raise SystemExit(supervise(host=host, port=port, web_workers=web_workers, job_workers=1, out=self.stdout,
                                   on_ready=print_accounts))


def _existing_accounts():
    from django.contrib.auth import get_user_model

    User = get_user_model()

    rows = []
    seen_roles = set()
    for user in User.objects.select_related("region").order_by("username"):
        if user.role in seen_roles and user.role in ("child_director", "supervisor"):
            continue
        seen_roles.add(user.role)
        rows.append((user.username, user.get_role_display(), user.region.path_display() if user.region else ""))
    return rows

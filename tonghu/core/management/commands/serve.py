"""``tonghu serve``: production start — gunicorn with N web workers plus M background job workers."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tonghu.core.runner import default_web_workers, supervise


def demo_account_warnings() -> list[str]:
    """Lines to print at a production start while demo accounts (public password) exist (issue 10 §13)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()

    demo = User.objects.filter(is_demo=True, is_active=True)
    count = demo.count()
    if not count:
        return []
    names = ", ".join(demo.order_by("username").values_list("username", flat=True)[:5])
    return [
        f"警告：数据库中有 {count} 个演示账号（{names}{' …' if count > 5 else ''}），其密码是公开的演示密码。"
        "正式使用前请在“用户管理”中停用或删除这些账号。",
        f"WARNING: {count} demo account(s) with the published demo password exist ({names}{' …' if count > 5 else ''}); "
        "deactivate or delete them before real use.",
    ]


class Command(BaseCommand):
    help = "Start gunicorn and the job workers (run `tonghu migrate` first; refuses to start with unapplied migrations)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("TONGHU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TONGHU_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS or default_web_workers(),
                            help="gunicorn processes (default: TONGHU_WEB_WORKERS, or one per CPU core, at least 2)")
        parser.add_argument("--threads", type=int, default=settings.WEB_THREADS,
                            help="threads per process, gthread worker (default: TONGHU_WEB_THREADS or 8; 1 = sync worker)")
        parser.add_argument("--job-workers", type=int, default=int(os.environ.get("TONGHU_JOB_WORKERS", "1")),
                            help="background workers on this machine (0 to run workers elsewhere)")
        parser.add_argument("--migrate", action="store_true", help="apply migrations first")

    def handle(self, *args, host, port, workers, threads, job_workers, migrate, **options):
        if migrate:
            call_command("migrate", interactive=False)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库有未应用的迁移，请先运行 `tonghu migrate`。 / Unapplied migrations: run `tonghu migrate` first.")
        for line in demo_account_warnings():
            self.stderr.write(self.style.WARNING(line))
        self.stdout.write(f"tonghu serving on http://{host}:{port}/ with {workers} web workers × {threads} threads and {job_workers} job workers")
        self.stdout.flush()
        raise SystemExit(supervise(host=host, port=port, web_workers=workers, web_threads=threads, job_workers=job_workers, out=self.stdout))

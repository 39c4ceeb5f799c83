"""``tonghu policy-daily [--on DATE] [--region PREFIX]``: re-evaluate children whose next change date has come.

Cron (Asia/Shanghai), every day at 01:30::

    30 1 * * *  tonghu-user  TONGHU_DATA_DIR=/var/lib/tonghu /opt/tonghu/.venv/bin/tonghu policy-daily
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tonghu.policy.services import classification_daily


class Command(BaseCommand):
    help = "Daily re-evaluation of classifications that change with time (16th/18th birthdays, 3 or 6 months reached, new profile versions)."

    def add_arguments(self, parser):
        parser.add_argument("--on", default=None, help="evaluation date YYYY-MM-DD (default: today)")
        parser.add_argument("--region", default="", help="limit to region codes starting with this prefix")
        parser.add_argument("--all", action="store_true", dest="everyone", help="re-evaluate every open file, not only the due ones")

    def handle(self, *args, on=None, region="", everyone=False, **options):
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise CommandError(f"--on：日期格式应为 YYYY-MM-DD / bad date {on!r}") from None
        result = classification_daily(on=day, region_prefix=region, everyone=everyone)
        self.stdout.write(f"checked={result['checked']} due={result['due']} new={result['new']} changed={result['changed']}")

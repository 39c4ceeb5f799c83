"""``tonghu figures-snapshot [--month YYYY-MM] [--region CODE]``: store the month's figures per region (issue 13 §2).
Daily from cron (``30 1 * * * tonghu figures-snapshot``) after ``visits-refresh``."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tonghu.supervision.services import snapshot_take


def _month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value + "-01") if len(value) == 7 else dt.date.fromisoformat(value).replace(day=1)
    except ValueError as exc:
        raise CommandError(f"--month: expected YYYY-MM, got {value!r}") from exc


class Command(BaseCommand):
    help = "Store the monthly figures per region (current month: provisional; closed months: frozen, never rewritten)."

    def add_arguments(self, parser):
        parser.add_argument("--month", type=_month, default=None, help="YYYY-MM (default: the current month)")
        parser.add_argument("--region", default="", help="limit to one area: its significant code prefix (e.g. 451027)")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="pretend today is YYYY-MM-DD")

    def handle(self, *args, month, region, today, **options):
        from django.core.exceptions import ValidationError

        try:
            result = snapshot_take(today=today, month=month, prefix=region)
            if month is None and not region:
                from django.utils import timezone

                from tonghu.supervision.calendar import deadline_reminders

                result["report_reminders"] = deadline_reminders(today=today or timezone.localdate())
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))

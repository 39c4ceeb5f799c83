"""``tonghu visits-refresh``: the daily run of the visits app (cron: ``15 1 * * * tonghu visits-refresh``)."""

import datetime as dt

from django.core.management.base import BaseCommand

from tonghu.visits.services import refresh_all


class Command(BaseCommand):
    help = "Move task states, escalate overdue problems, send census reminders, store monthly figures (--full: recompute every schedule)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute every active child's schedule from the profiles")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="pretend today is YYYY-MM-DD (tests, catch-up)")

    def handle(self, *args, full, today, **options):
        result = refresh_all(today=today, full=full)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))

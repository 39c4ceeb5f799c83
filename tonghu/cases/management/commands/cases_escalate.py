"""``tonghu cases-escalate``: escalate every overdue acceptance/handling step one level up (idempotent).

Cron (every 15 minutes; immediate-danger reports have hour deadlines):
    */15 * * * *  tonghu cases-escalate
"""

from django.core.management.base import BaseCommand

from tonghu.cases.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue mandatory-report and case steps (强制报告逾期上报)."

    def handle(self, *args, **options):
        n = escalate_overdue()
        self.stdout.write(f"escalated {n}")

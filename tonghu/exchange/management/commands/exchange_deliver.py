"""``tonghu exchange-deliver``: find reports filed by partners whose status changed and send the due webhooks
(run every minute by cron or a systemd timer; docs/exchange.md)."""

from django.core.management.base import BaseCommand

from tonghu.exchange import services


class Command(BaseCommand):
    help = "Send partner webhooks that are due (status changes of reports they filed)."

    def handle(self, *args, **options):
        made = services.changes_scan()
        counts = services.deliveries_send()
        self.stdout.write(f"new {made}, delivered {counts['delivered']}, retry later {counts['retry']}, failed {counts['failed']}")

"""Demo: monthly snapshots of the demo county for the past year, so the dashboards' trend charts show a trend (the
visit figures come from the visits app's stored monthly figures of its generated history). Runs after the visit
history (order 80); nothing here is a real person's data."""

from __future__ import annotations

from tonghu.core.demo_loader import demo_step


@demo_step(80)
def figure_snapshots(ctx):
    from django.utils import timezone

    from tonghu.core.indicators import month_start
    from tonghu.policy.dates import add_months

    from .services import snapshot_take

    today = timezone.localdate()
    current = month_start(today)
    written = 0
    for back in range(12, 0, -1):
        written += snapshot_take(today=today, month=add_months(current, -back))["written"]
    written += snapshot_take(today=today)["written"]
    ctx.say(f"    {written} monthly figure snapshots (12 closed months and the current one)")

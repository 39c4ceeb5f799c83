from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "tonghu.visits"
    label = "visits"
    verbose_name = _("走访与任务")

    def ready(self):
        from tonghu.core.events import subscribe

        from . import services

        # A child's facts changed (tonghu.core.events): recompute the schedules after policy's classification.
        subscribe(services.schedule_facts_changed, order=20, name="visits.schedules")

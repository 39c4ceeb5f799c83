from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "tonghu.visits"
    label = "visits"
    verbose_name = _("走访与任务")

    def ready(self):
        from tonghu.accounts.roles import Role
        from tonghu.core import landing
        from tonghu.core.events import subscribe

        from . import services

        # A child's facts changed (tonghu.core.events): recompute the schedules after policy's classification.
        subscribe(services.schedule_facts_changed, order=20, name="visits.schedules")
        # A child director lands on today's tasks (issue 18 §1).
        landing.register([Role.CHILD_DIRECTOR], "visit_tasks", capability="visits.view")

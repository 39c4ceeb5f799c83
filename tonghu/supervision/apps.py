from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tonghu.supervision"
    label = "supervision"
    verbose_name = _("督导与统计")

    def ready(self):
        from tonghu.accounts.roles import Role
        from tonghu.core import landing

        # Every role above the village lands on its area's dashboard (issue 13 §3, issue 18 §1).
        landing.register([Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF, Role.PROVINCE_STAFF],
                         "supervision_dashboard", capability="supervision.view")

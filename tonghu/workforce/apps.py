from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "tonghu.workforce"
    label = "workforce"
    verbose_name = _("儿童主任和儿童督导员队伍")

    def ready(self):
        from tonghu.core import assignment

        from .services import account_refusal

        assignment.register("workforce.background_check", account_refusal)

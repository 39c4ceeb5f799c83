from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "tonghu.workforce"
    label = "workforce"
    verbose_name = _("儿童主任和儿童督导员队伍")

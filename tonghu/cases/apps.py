from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tonghu.cases"
    label = "cases"
    verbose_name = _("强制报告与个案")

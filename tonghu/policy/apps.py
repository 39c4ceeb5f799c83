from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "tonghu.policy"
    label = "policy"
    verbose_name = _("认定规则")

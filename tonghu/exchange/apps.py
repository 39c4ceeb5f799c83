from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tonghu.exchange"
    label = "exchange"
    verbose_name = _("与其他系统交换")

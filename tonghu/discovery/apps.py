from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "tonghu.discovery"
    label = "discovery"
    verbose_name = _("主动发现")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 (job handlers)

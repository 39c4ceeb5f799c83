from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tonghu.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        # Every app declares its capabilities, navigation and endpoints in an `access` module.
        autodiscover_modules("access")
        from . import checks, handlers  # noqa: F401  (registers the view check and the job handlers)

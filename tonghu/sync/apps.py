from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "tonghu.sync"
    label = "sync"
    verbose_name = _("离线使用与同步")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a logout rotates the user's offline key)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tonghu.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from tonghu.core import auditing

        from .services import audit_log

        auditing.plug(audit_log)  # core's own writes are audited through this (tonghu.core.auditing)

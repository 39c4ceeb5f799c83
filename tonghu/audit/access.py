from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

grant("audit.view", [Role.AUDITOR], _("查阅本辖区的审计记录（只读）"))

nav(_("审计记录"), "audit_list", "audit.view", order=75, group="system")


def _entry_marker(ctx):
    from .services import audit_log

    audit_log(actor=ctx.stranger, action="view", object_type="registry.child", object_id="0", object_repr=f"marker-{ctx.region.code}", region_code=ctx.region.code)
    return {}


endpoint("audit_list", "audit.view", make_object=_entry_marker, list_marker=lambda ctx, kw: f"marker-{ctx.region.code}")
endpoint("audit_export", "audit.view")

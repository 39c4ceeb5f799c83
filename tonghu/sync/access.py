"""Capabilities, navigation and endpoints of the offline app (see tonghu.core.capabilities for the mechanism)."""

from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

grant("sync.use", [Role.CHILD_DIRECTOR, Role.SUPERVISOR], _("离线使用：把本辖区走访所需信息保存在手机上（加密），离线记录，联网后同步"))

# in the menu for directors (their day's work); supervisors open /offline/ from the link on their task list or directly
nav(_("离线走访"), "sync_app", "sync.use", order=6, roles=[Role.CHILD_DIRECTOR])

def _child(ctx):
    from tonghu.registry.models import Child

    child = Child.objects.create(name=f"离线矩阵{ctx.region.code[-4:]}{ctx.serial()}", sex="F", birth_date="2013-05-01", village=ctx.region)
    ctx.remember("child", child)
    return child


endpoint("sync_app", "sync.use")
endpoint("sync_sw", None)
endpoint("sync_manifest", None)
endpoint("sync_key", "sync.use")
endpoint("sync_bundle", "sync.use", make_object=lambda ctx: (_child(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("sync_push", "sync.use", methods=("POST",))

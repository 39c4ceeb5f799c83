from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

FILE_READERS = [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF, Role.PROVINCE_STAFF]

grant("registry.view_children", FILE_READERS, _("查看本辖区儿童档案"))
grant("registry.edit_children", [Role.CHILD_DIRECTOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("新建、修改本辖区儿童档案"))
grant("registry.view_sensitive", [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("查看敏感信息（艾滋病感染、受侵害史、父母服刑或戒毒）"))
grant("registry.view_id_numbers", [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("查看完整身份证号码（其他角色只见脱敏号码）"))

nav(_("儿童档案"), "child_list", "registry.view_children", order=10)


def _child(ctx):
    from .models import Child

    child = Child.objects.create(name=f"矩阵儿童{ctx.region.code[-4:]}{ctx.serial()}", sex="F", birth_date="2015-06-01", village=ctx.region)
    ctx.remember("child", child)
    return {"pk": child.pk}


def _child_list(ctx):
    _child(ctx)
    return {}


endpoint("child_list", "registry.view_children", make_object=_child_list, list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("child_detail", "registry.view_children", make_object=_child, list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("child-list", "registry.view_children", make_object=_child_list, list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("child-detail", "registry.view_children", make_object=_child)

from . import access_ledger  # noqa: E402,F401  (ledger import/export and printing)

from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

FILE_READERS = [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF, Role.PROVINCE_STAFF]

grant("registry.view_children", FILE_READERS, _("查看本辖区儿童档案"))
grant("registry.edit_children", [Role.CHILD_DIRECTOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("新建、修改本辖区儿童档案"))
grant("registry.view_sensitive", [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("查看敏感信息（艾滋病感染、受侵害史、父母服刑或戒毒）"))
grant("registry.view_id_numbers", [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("查看完整身份证号码（其他角色只见脱敏号码）"))

nav(_("儿童档案"), "child_list", "registry.view_children", order=10, group="files")
nav(_("台账汇总"), "registry_overview", "registry.view_children", order=11, group="files")

VIEW = "registry.view_children"
EDIT = "registry.edit_children"


def _child(ctx):
    from .models import Child

    child = Child.objects.create(name=f"矩阵儿童{ctx.region.code[-4:]}{ctx.serial()}", sex="F", birth_date="2015-06-01", village=ctx.region)
    ctx.remember("child", child)
    return {"pk": child.pk}


def _child_list(ctx):
    _child(ctx)
    return {}


def _guardian(ctx):
    from .models import Guardian

    kw = _child(ctx)
    g = Guardian.objects.create(child=ctx.recalled("child"), role="mother", name="矩阵母亲")
    return kw | {"gpk": g.pk}


def _care(ctx):
    from .models import CareArrangement

    kw = _child(ctx)
    c = CareArrangement.objects.create(child=ctx.recalled("child"), caregiver_kind="grandparents", caregiver_name="矩阵祖母")
    return kw | {"cpk": c.pk}


def _assistance(ctx):
    from .models import Assistance

    kw = _child(ctx)
    a = Assistance.objects.create(child=ctx.recalled("child"), scheme="dibao", amount_month=300)
    return kw | {"apk": a.pk}


def _attachment(ctx):
    from django.core.files.base import ContentFile

    from .models import Attachment

    kw = _child(ctx)
    a = Attachment(child=ctx.recalled("child"), kind="other", title="矩阵附件", content_type="application/pdf", size=8)
    a.file.save("matrix.pdf", ContentFile(b"%PDF-1.4"), save=False)
    a.save()
    return kw | {"apk": a.pk}


def _household(ctx):
    from .models import Child, Household

    h = Household.objects.create(village=ctx.region, head_name=f"矩阵户主{ctx.serial()}")
    child = Child.objects.create(name=f"矩阵同户{ctx.serial()}", sex="M", birth_date="2014-03-01", village=ctx.region, household=h)
    ctx.remember("child", child)
    return {"pk": h.pk}


def _village_ledger(ctx):
    _child(ctx)
    return {"code": ctx.region.code}


def _marker(ctx, kw):
    return ctx.recalled("child").name


endpoint("child_list", VIEW, make_object=_child_list, list_marker=_marker)
endpoint("child_detail", VIEW, make_object=_child, list_marker=_marker)
endpoint("child-list", VIEW, make_object=_child_list, list_marker=_marker)
endpoint("child-detail", VIEW, make_object=_child)
endpoint("child-guardians", EDIT, make_object=_child, methods=("POST",), post_data=lambda ctx: {"role": "other", "relation": "姑妈", "name": "矩阵姑妈"})
endpoint("child-guardian", EDIT, make_object=_guardian, methods=("PATCH",), post_data=lambda ctx: {"version": 1, "phone": "13907760001"})
endpoint("child-care", EDIT, make_object=_child, methods=("POST",), post_data=lambda ctx: {"caregiver_kind": "grandparents", "caregiver_name": "矩阵祖母"})
endpoint("child-care-row", EDIT, make_object=_care, methods=("PATCH",), post_data=lambda ctx: {"version": 1, "quality": "good"})
endpoint("child-assistance", EDIT, make_object=_child, methods=("POST",), post_data=lambda ctx: {"scheme": "dibao", "amount_month": "300"})
endpoint("child-assistance-row", EDIT, make_object=_assistance, methods=("PATCH",), post_data=lambda ctx: {"version": 1, "amount_month": "350"})
endpoint("child_create", EDIT)
endpoint("child_edit", EDIT, make_object=_child)
endpoint("child_status", EDIT, make_object=_child)
endpoint("child_transfer", EDIT, make_object=_child)
endpoint("child_join_household", EDIT, make_object=_child)
endpoint("child_leave_household", EDIT, make_object=_child)
endpoint("guardian_create", EDIT, make_object=_child)
endpoint("guardian_edit", EDIT, make_object=_guardian)
endpoint("restriction_create", EDIT, make_object=_guardian)
endpoint("problem_create", EDIT, make_object=_child)
endpoint("care_create", EDIT, make_object=_child)
endpoint("care_edit", EDIT, make_object=_care)
endpoint("departure_create", EDIT, make_object=_child)
endpoint("assistance_create", EDIT, make_object=_child)
endpoint("assistance_edit", EDIT, make_object=_assistance)
endpoint("attachment_create", EDIT, make_object=_child)
endpoint("attachment_download", VIEW, make_object=_attachment)
endpoint("attachment_withdraw", EDIT, make_object=_attachment)
endpoint("household_detail", VIEW, make_object=_household, list_marker=_marker)
endpoint("household_edit", EDIT, make_object=_household)
endpoint("registry_overview", VIEW)
endpoint("township_ledger", VIEW, make_object=_village_ledger, list_marker=_marker)

from . import access_ledger  # noqa: E402,F401  (ledger import/export and printing)

"""Capabilities, navigation and endpoints of the policy app (docs/policy.md § Who may do what)."""

from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav
from tonghu.registry.filters import register_category_filter

CIVIL_AFFAIRS = [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF,
                 Role.PROVINCE_STAFF, Role.SYSADMIN]
FILE_READERS = [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF, Role.PROVINCE_STAFF]

# Not child directors: the rule sets are officers' material; a director reads the plain-words reasons on each
# child's file (issue 18 §4).
PROFILE_READERS = [r for r in CIVIL_AFFAIRS if r != Role.CHILD_DIRECTOR]

grant("policy.view_profiles", PROFILE_READERS, _("查看适用于本辖区的认定规则方案及其依据"))
grant("policy.edit_profiles", [Role.PROVINCE_STAFF, Role.SYSADMIN], _("建立本辖区的认定规则方案，为其新建版本（设定生效日期）"))
grant("policy.view_gaps", FILE_READERS, _("查看本辖区应保尽保（应享未享）清单"))
grant("policy.decide_gaps", [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("登记应享未享保障的处理结果"))
grant("policy.recompute", [Role.CHILD_DIRECTOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("按现行规则重新认定本辖区儿童类别"))

nav(_("应保尽保"), "policy_gap_list", "policy.view_gaps", order=40, group="assistance")
nav(_("认定规则"), "policy_profile_list", "policy.view_profiles", order=70, group="assistance")


# ------------------------------------------------------------------------------ permission-matrix objects


def _profile(ctx):
    """A profile for the matrix's village (inside every in-scope user's region, outside the stranger's)."""
    from tonghu.policy.models import PolicyProfile, PolicyProfileVersion
    from tonghu.policy.services import policy_load

    if not PolicyProfile.objects.filter(key="national").exists():
        policy_load()
    key = f"m{ctx.region.code}-{ctx.serial()}"
    row = PolicyProfile.objects.create(key=key, name_zh=f"矩阵方案{key}", name_en=key, parent=PolicyProfile.objects.get(key="national"),
                                       region_prefix=ctx.region.code, region_source="test")
    PolicyProfileVersion.objects.create(profile=row, version="1", effective_from="2024-01-01", source="test", settings={})
    ctx.remember("profile", row)
    return {"key": key}


def _profile_list(ctx):
    _profile(ctx)
    return {}


def _child(ctx):
    from tonghu.registry.models import Child

    child = Child.objects.create(name=f"规则儿童{ctx.region.code[-4:]}{ctx.serial()}", sex="F", birth_date="2015-06-01", village=ctx.region)
    ctx.remember("child", child)
    return child


def _gap(ctx):
    from tonghu.policy.models import EntitlementGap

    gap = EntitlementGap.objects.create(child=_child(ctx), scheme="orphan_allowance", status="eligible", reason_zh="测试",
                                        rule="in_category", source="test", first_seen_on="2026-01-01")
    return {"pk": gap.pk}


def _gap_list(ctx):
    _gap(ctx)
    return {}


endpoint("policy_profile_list", "policy.view_profiles", make_object=_profile_list, list_marker=lambda ctx, kw: ctx.recalled("profile").name_zh)
endpoint("policy_profile_detail", "policy.view_profiles", make_object=_profile)
endpoint("policy_profile_edit", "policy.edit_profiles", make_object=_profile)
endpoint("policy_profile_create", "policy.edit_profiles")
endpoint("policy_gap_list", "policy.view_gaps", make_object=_gap_list)
endpoint("policy_gap_decide", "policy.decide_gaps", make_object=_gap)
endpoint("policy_child_refresh", "policy.recompute", make_object=lambda ctx: {"pk": _child(ctx).pk}, methods=("POST",))
endpoint("policy_region_refresh", "policy.recompute", methods=("POST",))

from . import handlers  # noqa: E402,F401  (job kinds)
from . import sections  # noqa: E402,F401  (the file-page section)
from .selectors import CATEGORY_CHOICES, filter_children_by_category  # noqa: E402


# The registry list's 儿童类别 filter reads the stored classification (policy plugs it into the registry below it).
register_category_filter(filter_children_by_category, CATEGORY_CHOICES)

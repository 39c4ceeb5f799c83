"""Capabilities, navigation and endpoints of discovery (issue 12 item 8; docs/discovery.md, "Who sees what").

Rosters are among the most sensitive data in the system: only county civil-affairs officers of the data set's
county (and province staff, the province's data officers) upload, link and decide; a village's child director
sees only the findings sent to his village for verification; department reporters never see matches.
"""

from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

R = Role
MANAGE = [R.COUNTY_OFFICER, R.COUNTY_MANAGER, R.PROVINCE_STAFF]

grant("discovery.manage", MANAGE, _("上传部门名单（教育、公安、司法、法院、卫健、残联、民政、妇联），查看比对结果，确认、排除或交儿童主任核实发现的线索"))
grant("discovery.verify", [R.CHILD_DIRECTOR], _("查看县级交本村（社区）核实的线索，入户核实后回复"))

nav(_("部门数据比对"), "discovery_datasets", "discovery.manage", group="files", order=15)
nav(_("发现线索"), "discovery_candidates", "discovery.manage", group="files", order=16)
nav(_("待核实线索"), "discovery_tasks", "discovery.verify", group="files", order=17)


# -------------------------------------------------------------------------------- permission-matrix fixtures


def _uploader(county):
    from tonghu.accounts.models import User

    user, _created = User.objects.get_or_create(username=f"matrix-discovery-{county.code}", defaults={"role": R.COUNTY_OFFICER, "region": county})
    return user


def _dataset(ctx):
    import datetime as dt

    from tonghu.core.models import Region

    from .models import Dataset

    county = Region.objects.get(code=ctx.region.code[:6].ljust(12, "0"))
    ds = Dataset.objects.create(source="education", period=f"矩阵{ctx.serial()}", county=county, uploaded_by=_uploader(county),
                                retention_until=dt.date.today() + dt.timedelta(days=30), status="linked")
    ctx.remember("dataset", ds)
    return ds


def _candidate(ctx, status="open"):
    from .models import Candidate, RosterRow

    ds = _dataset(ctx)
    name = f"矩阵线索{ctx.serial()}"
    row = RosterRow.objects.create(dataset=ds, row_no=2, name=name, region_code=ctx.region.code)
    c = Candidate.objects.create(dataset=ds, row=row, region=ctx.region, kind="new_child", status=status, band="new",
                                 evidence={"name": name, "row_no": 2})
    ctx.remember("candidate", c)
    return c


def _list(maker):
    def make(ctx):
        maker(ctx)
        return {}

    return make


endpoint("discovery_datasets", "discovery.manage", make_object=_list(_dataset), list_marker=lambda ctx, kw: ctx.recalled("dataset").period)
endpoint("discovery_upload", "discovery.manage")
endpoint("discovery_dataset", "discovery.manage", make_object=lambda ctx: {"pk": _dataset(ctx).pk})
endpoint("discovery_candidates", "discovery.manage", make_object=_list(_candidate), list_marker=lambda ctx, kw: ctx.recalled("candidate").evidence["name"])
endpoint("discovery_candidate", "discovery.manage", make_object=lambda ctx: {"pk": _candidate(ctx).pk})
endpoint("discovery_confirm", "discovery.manage", make_object=lambda ctx: {"pk": _candidate(ctx).pk})
endpoint("discovery_dismiss", "discovery.manage", make_object=lambda ctx: {"pk": _candidate(ctx).pk})
endpoint("discovery_send", "discovery.manage", make_object=lambda ctx: {"pk": _candidate(ctx).pk})
endpoint("discovery_figures", "discovery.manage")
endpoint("discovery_tasks", "discovery.verify", make_object=_list(lambda ctx: _candidate(ctx, "sent")),
         list_marker=lambda ctx, kw: ctx.recalled("candidate").evidence["name"])
endpoint("discovery_task", "discovery.verify", make_object=lambda ctx: {"pk": _candidate(ctx, "sent").pk})
endpoint("discovery_verify", "discovery.verify", make_object=lambda ctx: {"pk": _candidate(ctx, "sent").pk})

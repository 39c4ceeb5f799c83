"""Capabilities, navigation and endpoints of the core app (see tonghu.core.capabilities for the mechanism)."""

from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

ALL_ROLES = list(Role.values)

grant("core.view_regions", ALL_ROLES, _("查看本辖区的行政区划"))
grant("core.run_jobs", ALL_ROLES, _("查看自己发起的后台任务"))
grant("core.import_regions", [Role.SYSADMIN], _("导入、更新行政区划"))

nav(_("首页"), "home", "core.view_regions", order=0)
# Everyone may open these; only the people who manage regions or start jobs need them in the menu (issue 18 §6).
REGION_USERS = [Role.SYSADMIN, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF, Role.PROVINCE_STAFF]


def _has_jobs(user) -> bool:
    from tonghu.core.models import Job

    return Job.objects.filter(created_by=user).exists()


nav(_("行政区划"), "region_list", "core.view_regions", order=80, group="system", roles=REGION_USERS)
nav(_("后台任务"), "job_list", "core.run_jobs", order=90, group="system", show=_has_jobs)


def _region(ctx):
    return {"code": ctx.region.code}


def _job(ctx):
    from tonghu.core.models import Job

    owner = ctx.user if ctx.in_scope else ctx.stranger
    job = Job.objects.create(kind="regions_import", label=f"matrix-job-{ctx.region.code}", created_by=owner)
    return {"pk": job.pk}


endpoint("home", None)
endpoint("healthz", None)
endpoint("region_list", "core.view_regions", make_object=lambda ctx: {}, list_marker=None)
endpoint("region_detail", "core.view_regions", make_object=_region, list_marker=lambda ctx, kw: ctx.region.name)
endpoint("region_import", "core.import_regions")
endpoint("job_list", "core.run_jobs")
endpoint("job_detail", "core.run_jobs", make_object=_job)

"""Capabilities, navigation and endpoints of the supervision app (see tonghu.core.capabilities)."""

from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

WORKING = [Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER]  # they act on villages' tasks
READ_ONLY = [Role.CITY_STAFF, Role.PROVINCE_STAFF]  # figures only: no village task lists (issue 13 §3)

grant("supervision.view", [*WORKING, *READ_ONLY], _("查看本辖区的督导看板和统计指标"))
grant("supervision.view_tasks", WORKING, _("查看本辖区逾期的走访任务清单"))
grant("supervision.remind", WORKING, _("提醒儿童主任完成逾期任务"))

nav(_("督导看板"), "supervision_dashboard", "supervision.view", order=2)
nav(_("逾期任务"), "supervision_overdue", "supervision.view_tasks", order=26, group="visits")
nav(_("指标口径"), "supervision_indicators", "supervision.view", order=70, group="system")


def _overdue_task(ctx):
    import datetime as dt

    from django.utils import timezone

    from tonghu.registry.models import Child
    from tonghu.visits.models import Schedule

    child = Child.objects.create(name=f"督导矩阵{ctx.region.code[-4:]}{ctx.serial()}", sex="F", birth_date="2013-05-01", village=ctx.region)
    ctx.remember("child", child)
    today = timezone.localdate()
    return Schedule.objects.create(child=child, village=ctx.region, kind="home_visit", interval_months=3, interval_label="每3个月入户走访",
                                   opens_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=9), state="overdue")


endpoint("supervision_dashboard", "supervision.view")
endpoint("supervision_area", "supervision.view", make_object=lambda ctx: {"code": ctx.region.code})
endpoint("supervision_export", "supervision.view", make_object=lambda ctx: {"code": ctx.region.code})
endpoint("supervision_indicators", "supervision.view")
endpoint("supervision_overdue", "supervision.view_tasks", make_object=lambda ctx: (_overdue_task(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("supervision_remind", "supervision.remind", make_object=lambda ctx: {"pk": _overdue_task(ctx).pk}, methods=("POST",))
endpoint("figure-list", "supervision.view")
endpoint("figure-detail", "supervision.view", make_object=lambda ctx: {"code": ctx.region.code})
from . import handlers  # noqa: E402,F401  (registers the figures_snapshot job kind)

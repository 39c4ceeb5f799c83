"""Pages of the supervision app: each area's dashboard with drill-down, the indicator catalogue, the overdue task
list (paged, filtered, exported) with "remind the director"."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from tonghu.audit.services import audit_log
from tonghu.core import indicators
from tonghu.core.capabilities import has_capability
from tonghu.core.views import CapabilityMixin, ScopedListView
from tonghu.core.viewkit import KitTemplateView, unscoped

from . import selectors, services


def _fmt(ind, value) -> str:
    if value is None:
        return "—"
    return f"{value}%" if ind.is_rate else str(value)


class DashboardView(KitTemplateView):
    """An area's figures: headline cards, monthly trend (chart + table), units below worst first (chart + table),
    each unit a click deeper; at a village, the tasks behind the numbers (roles that work with them)."""

    capability = "supervision.view"
    template_name = "supervision/dashboard.html"
    scope_note = ("the area is the user's own region or one inside it (selectors.area_for: Region.visible_to, 404 "
                  "outside); its figures are counted within that area's code range or read from its own snapshot rows")

    def dispatch(self, request, *args, **kwargs):
        self.deny_with_404 = "code" in kwargs  # one's own area: 403 without the capability; another area: 404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        region = selectors.area_for(user, self.kwargs.get("code"))
        data = selectors.dashboard(user, region, sort=self.request.GET.get("sort") or "visits.contacts_on_time")
        ctx.update(data)
        ctx["ancestors"] = [r for r in region.ancestors() if r.code.startswith(user.region.prefix) and r.code != region.code]
        ctx["can_see_tasks"] = has_capability(user, "supervision.view_tasks")
        for card in ctx["cards"]:
            card["text"] = _fmt(card["indicator"], card["value"])
        sort = data["sort"]
        ctx["table_indicators"] = [i for i in data["catalogue"] if i.headline]
        for row in ctx["ranking"]:
            row["text"] = _fmt(sort, row["values"][sort.key])
            row["cells"] = [_fmt(i, row["values"][i.key]) for i in ctx["table_indicators"]]
        for row in ctx["trend"]:
            row["cells"] = [_fmt(i, row["values"][i.key]) for i in ctx["trend_indicators"]]
        ctx["chart"] = {
            "months": [r["month"].strftime("%Y-%m") for r in ctx["trend"]],
            "series": [{"name": str(i.label), "data": [r["values"][i.key] for r in ctx["trend"]]} for i in ctx["trend_indicators"]],
            "units": [r["region"].name for r in ctx["ranking"]],
            "unit_values": [r["values"][sort.key] for r in ctx["ranking"]],
            "unit_codes": [r["region"].code for r in ctx["ranking"]],
            "sort_label": str(sort.label),
            "pct": sort.is_rate,
            "drill": reverse("supervision_area", kwargs={"code": "000000000000"}),
        }
        ctx["overdue_total"] = data["values"].get("visits.tasks_overdue")
        from .calendar import calendar

        ctx["calendar"] = calendar(region.code, today=data["today"]) if region.level in ("province", "city", "county") else None
        ctx["title"] = _("督导看板")
        return ctx


@unscoped("an xlsx download of the dashboard's tables: the area comes from selectors.area_for (404 outside the "
          "user's region), the rows from selectors.dashboard, as on the page")
class ExportView(CapabilityMixin, View):
    """The table behind each chart as xlsx (``?table=trend|ranking``); audited."""

    capability = "supervision.view"
    deny_with_404 = True

    def get(self, request, code):
        from openpyxl import Workbook

        region = selectors.area_for(request.user, code)
        table = request.GET.get("table", "ranking")
        data = selectors.dashboard(request.user, region, sort=request.GET.get("sort") or "visits.contacts_on_time")
        catalogue = data["catalogue"]
        wb = Workbook()
        ws = wb.active
        ws.title = "figures"
        if table == "trend":
            ws.append([_("月份"), *[str(i.label) for i in catalogue]])
            for row in data["trend"]:
                ws.append([row["month"].strftime("%Y-%m"), *[row["values"][i.key] for i in catalogue]])
        else:
            ws.append([_("区划代码"), _("名称"), *[str(i.label) for i in catalogue]])
            for row in data["ranking"]:
                ws.append([row["region"].code, row["region"].name, *[row["values"][i.key] for i in catalogue]])
        defs = wb.create_sheet("definitions")
        defs.append([_("指标"), _("口径"), _("计算公式"), _("来源表"), _("依据")])
        for i in catalogue:
            defs.append([str(i.label), str(i.definition), str(i.formula), "、".join(i.sources), "、".join(i.seeds)])
        buf = io.BytesIO()
        wb.save(buf)
        audit_log(actor=request.user, action="export", obj=region, summary=_("导出督导统计（%(table)s）") % {"table": table})
        response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="figures-{region.code}-{table}.xlsx"'
        return response


class IndicatorListView(KitTemplateView):
    """Every figure with its definition, formula, source tables and citation (统一口径, R-L1)."""

    capability = "supervision.view"
    template_name = "supervision/indicators.html"
    scope_note = "definitions only (the registered indicators): no data of any region"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["catalogue"] = indicators.catalogue()
        ctx["measures"] = indicators.measure_labels()
        return ctx


class OverdueListView(ScopedListView):
    """Every overdue task of the user's area (issue 18 §2): paged, filtered by township, village and kind,
    exported (``?export=xlsx``, audited), each with "remind the director"."""

    capability = "supervision.view_tasks"
    template_name = "supervision/overdue.html"
    paginate_by = 50
    context_object_name = "tasks"

    def get_queryset(self):
        from tonghu.visits.models import Schedule

        self.today = timezone.localdate()
        self.filterset = None
        qs = (Schedule.objects.visible_to(self.request.user, "visits.supervise").filter(due_on__lt=self.today)
              .select_related("child", "village", "village__parent").order_by("due_on", "id"))
        area = self.request.GET.get("area", "")
        if area.isdigit() and len(area) == 12:
            region = selectors.area_for(self.request.user, area, capability=self.capability)
            qs = qs.in_region(region.prefix)
        kind = self.request.GET.get("kind", "")
        if kind in ("contact", "home_visit"):
            qs = qs.filter(kind=kind)
        if not has_capability(self.request.user, "visits.supervise"):
            return qs.none()
        return qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        from openpyxl import Workbook

        from tonghu.visits.views import task_label

        wb = Workbook()
        ws = wb.active
        ws.append([_("儿童"), _("乡镇（街道）"), _("村（社区）"), _("任务"), _("截止日期"), _("逾期天数")])
        n = 0
        for t in self.get_queryset().iterator(chunk_size=1000):
            ws.append([t.child.name, t.village.parent.name if t.village.parent else "", t.village.name, task_label(t),
                       t.due_on, (self.today - t.due_on).days])
            n += 1
        buf = io.BytesIO()
        wb.save(buf)
        audit_log(actor=self.request.user, action="export", obj=self.request.user.region,
                  summary=_("导出逾期任务 %(n)d 条") % {"n": n})
        response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="overdue-tasks.xlsx"'
        return response

    def get_context_data(self, **kwargs):
        from tonghu.core.models import Region
        from tonghu.visits.views import due_text, task_label

        ctx = super().get_context_data(**kwargs)
        for t in ctx["tasks"]:
            t.label = task_label(t)
            t.due_text = due_text(t, self.today)
        region = self.request.user.region
        ctx["areas"] = list(Region.objects.filter(code__range=(region.prefix.ljust(12, "0"), region.prefix.ljust(12, "9")),
                                                  level__in=["township", "village"]).order_by("code")) if region else []
        ctx["area"] = self.request.GET.get("area", "")
        ctx["kind"] = self.request.GET.get("kind", "")
        ctx["can_remind"] = has_capability(self.request.user, "supervision.remind")
        ctx["title"] = _("逾期任务")
        return ctx


@unscoped("a POST calling one service (services.remind_director); the task comes from Schedule.visible_to, 404 outside")
class RemindView(CapabilityMixin, View):
    capability = "supervision.remind"
    deny_with_404 = True

    def post(self, request, pk):
        from tonghu.visits.models import Schedule

        task = get_object_or_404(Schedule.objects.visible_to(request.user, "visits.supervise").select_related("child", "village"), pk=pk)
        try:
            n, sent = services.remind_director(actor=request.user, task=task)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            if sent:
                messages.success(request, _("已提醒儿童主任：%(child)s") % {"child": task.child.name})
            else:
                messages.info(request, _("今天已经提醒过这项任务，没有重复发送。"))
        back = request.POST.get("next", "")
        if not back.startswith("/") or back.startswith("//"):
            back = reverse("supervision_overdue")
        return redirect(back)

"""Pages of the policy app: profiles (read, new version), 应保尽保 gaps (county list, decision), re-evaluation."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from tonghu.core.capabilities import has_capability
from tonghu.core.idempotency import IdempotentViewMixin
from tonghu.core.models import Region
from tonghu.core.forms import add_service_errors
from tonghu.core.views import CapabilityMixin, CapabilityView

from . import engine, services
from .forms import GapDecisionForm, ProfileCreateForm, ProfileVersionForm, plain_value, value_text
from .labels import SECTION_LABELS, setting_label
from .models import ChangeTrigger, EntitlementGap, PolicyProfile
from .profile import ProfileError
from .selectors import gap_view


def _visible_profile(user, key: str) -> PolicyProfile:
    for p in services.profiles_visible_to(user):
        if p.key == key:
            return p
    raise Http404


def _date_param(request, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return default


class ProfileListView(CapabilityView):
    capability = "policy.view_profiles"
    template_name = "policy/profile_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["profiles"] = services.profiles_visible_to(user)
        ctx["mine"] = None
        if user.region_id:
            try:
                ctx["mine"] = engine.profile_for_region(user.region_id)
            except ProfileError:
                pass
        return ctx


class ProfileDetailView(CapabilityView):
    """Every value in force on a date, with its citation and the version it comes from; the version history."""

    capability = "policy.view_profiles"
    deny_with_404 = True
    template_name = "policy/profile_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        row = _visible_profile(self.request.user, self.kwargs["key"])
        on = _date_param(self.request, timezone.localdate())
        try:
            profile = engine.load_profile(row.key)
        except ProfileError:
            raise Http404 from None
        rp = profile.at(on)
        sections: dict[str, list] = {}
        for path, s in rp.walk():
            section = path.split(".", 1)[0]
            sections.setdefault(section, []).append({
                "path": path, "label": setting_label(path, s.value), "value": value_text(s.value), "plain": plain_value(s.value),
                "citation": s.citation, "origin": s.origin, "note": s.note,
            })
        ctx.update(
            row=row, profile=profile, rp=rp, on=on,
            calendar=engine.calendar_items(profile, on, on + dt.timedelta(days=366)),
            sections=[(SECTION_LABELS.get(k, k), items) for k, items in sections.items()],
            chain=[p for p in profile.chain()],
            versions=row.versions.select_related("created_by").order_by("-effective_from"),
            can_edit=services.can_edit_profile(self.request.user, row),
        )
        return ctx


class ProfileVersionCreateView(IdempotentViewMixin, CapabilityMixin, FormView):
    capability = "policy.edit_profiles"
    deny_with_404 = True
    template_name = "policy/profile_edit.html"
    form_class = ProfileVersionForm

    def dispatch(self, request, *args, **kwargs):
        if has_capability(request.user, self.capability):
            self.row = _visible_profile(request.user, kwargs["key"])
            if not services.can_edit_profile(request.user, self.row):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.profile = engine.load_profile(self.row.key)
        kwargs = super().get_form_kwargs()
        kwargs["resolved"] = self.profile.at(timezone.localdate())
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        path = self.request.GET.get("setting")
        if path:
            try:
                s = self.profile.at(timezone.localdate()).setting(path)
            except ProfileError:
                return initial
            initial.update(setting=path, value=value_text(s.value))
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["row"] = self.row
        return ctx

    def form_valid(self, form):
        path = form.cleaned_data["setting"]
        try:
            changes = services.overlay_for(path, form.cleaned_data["value"], form.cleaned_data["source"].strip())
            version = self.create_once(lambda: services.profile_version_create(
                actor=self.request.user, profile=self.row, effective_from=form.cleaned_data["effective_from"],
                changes=changes, source=form.cleaned_data["source"], reason=form.cleaned_data["reason"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存新版本 %(v)s，自 %(d)s 起生效。") % {"v": version, "d": version.effective_from})
        return redirect("policy_profile_detail", key=self.row.key)

    def get_repeat_url(self, version):
        return reverse("policy_profile_detail", kwargs={"key": self.row.key})


class ProfileCreateView(IdempotentViewMixin, CapabilityMixin, FormView):
    """A province, city or county gets a profile of its own (inheriting everything, then changed by versions)."""

    capability = "policy.edit_profiles"
    template_name = "policy/profile_create.html"
    form_class = ProfileCreateForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        taken = set(PolicyProfile.objects.values_list("region_prefix", flat=True))
        regions = Region.objects.visible_to(self.request.user, "core.view_regions").filter(
            level__in=["province", "city", "county"]).order_by("code")
        kwargs["regions"] = [r for r in regions if r.prefix not in taken]
        return kwargs

    def form_valid(self, form):
        try:
            row = self.create_once(lambda: services.profile_create(
                actor=self.request.user, region=form.cleaned_data["region"], source=form.cleaned_data["source"],
                effective_from=form.cleaned_data["effective_from"], name_zh=form.cleaned_data["name_zh"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已建立方案“%(n)s”。请逐项修改需要不同于上级的规则。") % {"n": row.name_zh})
        return redirect("policy_profile_detail", key=row.key)

    def get_repeat_url(self, row):
        return reverse("policy_profile_detail", kwargs={"key": row.key})


# ------------------------------------------------------------------------------------------------ gaps


def _open_gaps(user):
    return EntitlementGap.objects.visible_to(user, "policy.view_gaps").filter(open=True)


class GapListView(CapabilityView):
    """应保尽保 (R-E1): undecided gaps counted by the next level down (township → village), then the children."""

    capability = "policy.view_gaps"
    template_name = "policy/gap_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        home = user.region
        region = home
        code = self.request.GET.get("region")
        if code and home is not None:
            region = Region.objects.visible_to(user, "core.view_regions").filter(code=code).first() or home
        decided = self.request.GET.get("decided") == "1"
        qs = _open_gaps(user).exclude(decision="") if decided else _open_gaps(user).filter(decision="")
        if region is not None:
            qs = qs.in_region(region.prefix)
        ctx.update(region=region, decided=decided, total=qs.count(), rows=None)
        if region is not None and region.level != "village" and not decided:
            by_village = Counter(qs.values_list("child__village_id", flat=True))
            by_scheme = Counter(qs.values_list("scheme", flat=True))
            rows = []
            for sub in Region.objects.filter(parent=region).order_by("code"):
                n = sum(c for v, c in by_village.items() if v.startswith(sub.prefix))
                rows.append({"region": sub, "count": n})
            ctx["rows"] = rows
            sensitive_ok = has_capability(user, "registry.view_sensitive")
            ctx["schemes"] = sorted(((gap_view({"scheme": s, "reason_zh": "", "source": "", "status": ""}, sensitive_ok)["label"], n)
                                     for s, n in by_scheme.items()), key=lambda x: -x[1])
        else:
            sensitive_ok = has_capability(user, "registry.view_sensitive")
            gaps = list(qs.select_related("child", "child__village", "decided_by").order_by("child__village_id", "child__name", "scheme")[:500])
            ctx["gaps"] = [(g, gap_view(g, sensitive_ok)) for g in gaps]
        ctx["can_decide"] = has_capability(user, "policy.decide_gaps")
        ctx["can_recompute"] = has_capability(user, "policy.recompute")
        return ctx


class GapDecideView(IdempotentViewMixin, CapabilityMixin, FormView):
    capability = "policy.decide_gaps"
    deny_with_404 = True
    template_name = "policy/gap_decide.html"
    form_class = GapDecisionForm

    def dispatch(self, request, *args, **kwargs):
        if has_capability(request.user, self.capability):
            self.gap = get_object_or_404(EntitlementGap.objects.visible_to(request.user, self.capability).select_related("child", "child__village"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["gap"] = self.gap
        ctx["view_gap"] = gap_view(self.gap, has_capability(self.request.user, "registry.view_sensitive"))
        ctx["history"] = self.gap.decisions.select_related("decided_by")
        return ctx

    def form_valid(self, form):
        try:
            self.create_once(lambda: services.gap_decide(actor=self.request.user, gap=self.gap, decision=form.cleaned_data["decision"],
                                                         note=form.cleaned_data["note"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已记录处理结果。"))
        return redirect(self.get_repeat_url(None))

    def get_repeat_url(self, decision):
        nxt = self.request.POST.get("next", "")
        if nxt.startswith("/") and not nxt.startswith("//"):
            return nxt
        return reverse("policy_gap_list")


class ChildRefreshView(CapabilityMixin, FormView):
    """POST: re-evaluate one child now (the file page's 重新认定 button)."""

    capability = "policy.recompute"
    deny_with_404 = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from tonghu.registry.models import Child

        child = get_object_or_404(Child.objects.visible_to(request.user, self.capability), pk=kwargs["pk"])
        services.classification_refresh(child=child, trigger=ChangeTrigger.MANUAL, actor=request.user)
        messages.success(request, _("已按现行规则重新认定。"))
        return redirect("child_detail", pk=child.pk)


class RegionRefreshView(CapabilityMixin, FormView):
    """POST: re-evaluate every open file of the user's region now, as a background job."""

    capability = "policy.recompute"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from tonghu.core.jobs import job_start

        job = job_start(kind="policy_daily", user=request.user, label=_("重新认定本辖区儿童类别"),
                        params={"region_prefix": request.user.region.prefix if request.user.region else "x", "everyone": True})
        return redirect("job_detail", pk=job.pk)

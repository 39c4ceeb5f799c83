"""Pages of the policy app: profiles (read, new version), 应保尽保 gaps (county list, decision), re-evaluation."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonghu.core.capabilities import has_capability
from tonghu.core.models import Region
from tonghu.core.viewkit import KitObjectView, KitTemplateView, ServiceFormView

from . import engine, services
from .forms import GapDecisionForm, ProfileCreateForm, ProfileVersionForm, plain_value, value_text
from .labels import SECTION_LABELS, setting_label
from .models import ChangeTrigger, EntitlementGap, PolicyProfile
from .profile import ProfileError
from .selectors import gap_view


def _visible_profile(*, user, key: str, **kwargs) -> PolicyProfile:
    """A profile the user may read (their region's chain and those below it), or 404."""
    for p in services.profiles_visible_to(user):
        if p.key == key:
            return p
    raise Http404


def _profile_for_edit(*, user, key: str, **kwargs) -> PolicyProfile:
    row = _visible_profile(user=user, key=key)
    if not services.can_edit_profile(user, row):
        raise Http404
    return row


def _gap_for_decision(*, user, pk, **kwargs) -> EntitlementGap:
    return get_object_or_404(EntitlementGap.objects.visible_to(user, "policy.decide_gaps").select_related("child", "child__village"), pk=pk)


def _child_for_recompute(*, user, pk, **kwargs):
    from tonghu.registry.models import Child

    return get_object_or_404(Child.objects.visible_to(user, "policy.recompute"), pk=pk)


def _date_param(request, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return default


class ProfileListView(KitTemplateView):
    """The profiles the user may read: their region's chain (province → county) and any below it."""

    capability = "policy.view_profiles"
    template_name = "policy/profile_list.html"
    scope_note = "profiles from services.profiles_visible_to(user): the user's region's chain and the profiles below it"

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


class ProfileDetailView(KitObjectView):
    """Every value in force on a date, with its citation and the version it comes from; the version history."""

    model = PolicyProfile
    capability = "policy.view_profiles"
    template_name = "policy/profile_detail.html"
    context_object_name = "row"
    selector = staticmethod(_visible_profile)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        row = self.object
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


class ProfileVersionCreateView(ServiceFormView):
    """A new version of one setting of a profile (effective from a date, with its source); saved once per token."""

    capability = "policy.edit_profiles"
    template_name = "policy/profile_edit.html"
    form_class = ProfileVersionForm
    target_selector = staticmethod(_profile_for_edit)
    create_once = True

    @property
    def row(self):
        return self.target

    def load(self, request, *args, **kwargs):
        super().load(request, *args, **kwargs)
        self.profile = engine.load_profile(self.target.key)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"resolved": self.profile.at(timezone.localdate())}

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
        return super().get_context_data(**kwargs) | {"row": self.target}

    def perform(self, form, target):
        d = form.cleaned_data
        changes = services.overlay_for(d["setting"], d["value"], d["source"].strip())  # validates; writes nothing
        return services.profile_version_create(actor=self.request.user, profile=target, effective_from=d["effective_from"],
                                               changes=changes, source=d["source"], reason=d["reason"])

    def get_success_message(self, version):
        return _("已保存新版本 %(v)s，自 %(d)s 起生效。") % {"v": version, "d": version.effective_from}

    def get_success_url(self, version=None):
        return reverse("policy_profile_detail", kwargs={"key": self.target.key})


class ProfileCreateView(ServiceFormView):
    """A province, city or county gets a profile of its own (inheriting everything, then changed by versions)."""

    capability = "policy.edit_profiles"
    template_name = "policy/profile_create.html"
    form_class = ProfileCreateForm
    create_once = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        taken = set(PolicyProfile.objects.values_list("region_prefix", flat=True))
        regions = Region.objects.visible_to(self.request.user, "core.view_regions").filter(
            level__in=["province", "city", "county"]).order_by("code")
        kwargs["regions"] = [r for r in regions if r.prefix not in taken]
        return kwargs

    def perform(self, form, target):
        d = form.cleaned_data
        return services.profile_create(actor=self.request.user, region=d["region"], source=d["source"],
                                       effective_from=d["effective_from"], name_zh=d["name_zh"])

    def get_success_message(self, row):
        return _("已建立方案“%(n)s”。请逐项修改需要不同于上级的规则。") % {"n": row.name_zh}

    def get_success_url(self, row=None):
        return reverse("policy_profile_detail", kwargs={"key": row.key})


# ------------------------------------------------------------------------------------------------ gaps


def _open_gaps(user):
    return EntitlementGap.objects.visible_to(user, "policy.view_gaps").filter(open=True)


class GapListView(KitTemplateView):
    """应保尽保 (R-E1): undecided gaps counted by the next level down (township → village), then the children."""

    capability = "policy.view_gaps"
    scope_note = "gaps from EntitlementGap.objects.visible_to(user, policy.view_gaps); the region asked for through Region.objects.visible_to"
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


class GapDecideView(ServiceFormView):
    """Record what was done about one gap (applied for, not eligible …); back to the page it came from."""

    capability = "policy.decide_gaps"
    template_name = "policy/gap_decide.html"
    form_class = GapDecisionForm
    target_selector = staticmethod(_gap_for_decision)
    create_once = True
    success_message = gettext_lazy("已记录处理结果。")

    @property
    def gap(self):
        return self.target

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["gap"] = self.gap
        ctx["view_gap"] = gap_view(self.gap, has_capability(self.request.user, "registry.view_sensitive"))
        ctx["history"] = self.gap.decisions.select_related("decided_by")
        return ctx

    def perform(self, form, target):
        return services.gap_decide(actor=self.request.user, gap=target, decision=form.cleaned_data["decision"],
                                   note=form.cleaned_data["note"])

    def get_success_url(self, decision=None):
        nxt = self.request.POST.get("next", "")
        if nxt.startswith("/") and not nxt.startswith("//"):
            return nxt
        return reverse("policy_gap_list")


class ChildRefreshView(ServiceFormView):
    """POST: re-evaluate one child now (the file page's 重新认定 button)."""

    capability = "policy.recompute"
    form_class = forms.Form
    target_selector = staticmethod(_child_for_recompute)
    http_method_names = ["post"]
    success_message = gettext_lazy("已按现行规则重新认定。")

    def perform(self, form, target):
        return services.classification_refresh(child=target, trigger=ChangeTrigger.MANUAL, actor=self.request.user)

    def get_success_url(self, result=None):
        return reverse("child_detail", kwargs={"pk": self.target.pk})


class RegionRefreshView(ServiceFormView):
    """POST: re-evaluate every open file of the user's region now, as a background job."""

    capability = "policy.recompute"
    form_class = forms.Form
    http_method_names = ["post"]
    success_message = ""

    def perform(self, form, target):
        from tonghu.core.jobs import job_start

        user = self.request.user
        return job_start(kind="policy_daily", user=user, label=_("重新认定本辖区儿童类别"),
                         params={"region_prefix": user.region.prefix if user.region else "x", "everyone": True})

    def get_success_url(self, job=None):
        return reverse("job_detail", kwargs={"pk": job.pk})

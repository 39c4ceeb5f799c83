"""Pages of the registry: the county list (一市一库), the township ledger (一乡一账), the household file (一户一档),
the one-child file (一人一档) and its forms. Every read goes through ``visible_to``; every write through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.forms import add_service_errors
from tonghu.core.idempotency import IdempotentViewMixin
from tonghu.core.scoping import prefix_range
from tonghu.core.views import CapabilityMixin, CapabilityView, ScopedListView

from . import forms, masking, selectors, services
from .filters import ChildFilterSet
from .history import child_history
from .models import Assistance, Attachment, CareArrangement, Child, ChildStatus, Guardian, Household
from .sections import sections_for
from tonghu.core.texts import msg

VIEW = "registry.view_children"
EDIT = "registry.edit_children"


class ChildListView(ScopedListView):
    """The county list (一市一库): search, filter, sort, paginate the files in the user's region."""

    model = Child
    capability = VIEW
    template_name = "registry/child_list.html"
    filterset_class = ChildFilterSet
    paginate_by = 50

    def get_queryset(self):
        # the sensitive columns are encrypted and the list does not show them: do not read (decrypt) them per row
        qs = super().get_queryset().select_related("village").defer("hiv_infected", "hiv_evidence", "abuse_history")
        params = self.request.GET
        if not params.get("status") and not params.get("q"):
            qs = qs.filter(status=ChildStatus.ACTIVE)
        if not params.get("ordering"):
            qs = qs.order_by("village_id", "name_pinyin", "id")
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = has_capability(self.request.user, EDIT)
        ctx["show_full_id"] = masking.can_view_id_numbers(self.request.user)
        return ctx


class ChildDetailView(CapabilityMixin, DetailView):
    """The one-child file (一人一档). Opening it is audited (selectors.child_open)."""

    capability = VIEW
    deny_with_404 = True
    template_name = "registry/child_detail.html"
    context_object_name = "child"

    def get_object(self, queryset=None):
        return selectors.child_open(fetched_by=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        child = self.object
        sensitive = masking.can_view_sensitive(user)
        guardians = []
        for g in child.guardians.all():
            restrictions = list(g.restrictions.all())
            guardians.append({"g": g, "restrictions": restrictions if sensitive else [], "restricted": 0 if sensitive else len(restrictions),
                              "id_number": masking.show_id_number(user, g.id_number)})
        assistance = list(child.assistance.all())
        problems = list(child.guardianship_problems.all())
        attachments = list(child.attachments.all())
        cares = list(child.care_arrangements.all())
        siblings = []
        if child.household_id:
            siblings = list(Child.objects.visible_to(user, VIEW).filter(household_id=child.household_id).exclude(pk=child.pk).only("id", "name", "birth_date", "sex", "status"))
        ctx.update({
            "can_edit": has_capability(user, EDIT),
            "can_sensitive": sensitive,
            "restricted": masking.RESTRICTED,
            "id_number": masking.show_id_number(user, child.id_number),
            "guardians": guardians,
            "current_care": next((c for c in cares if c.end is None), None),
            "past_care": [c for c in cares if c.end is not None],
            "departures": list(child.departures.all()),
            "assistance": masking.visible_rows(user, assistance),
            "assistance_restricted": masking.restricted_count(user, assistance),
            "problems": masking.visible_rows(user, problems),
            "problems_restricted": masking.restricted_count(user, problems),
            "attachments": masking.visible_rows(user, attachments),
            "attachments_restricted": masking.restricted_count(user, attachments),
            "status_changes": list(child.status_changes.all()),
            "history": child_history(child, user=user),
            "sections": [(section, render_to_string(section.template, sctx, request=self.request)) for section, sctx in sections_for(self.request, child)],
            "siblings": siblings,
            "household": child.household,
        })
        return ctx


# ------------------------------------------------------------------------------------------------ forms


class ChildFormMixin(CapabilityMixin):
    capability = EDIT
    template_name = "registry/child_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class ChildCreateView(IdempotentViewMixin, ChildFormMixin, FormView):
    form_class = forms.ChildForm

    def get_repeat_url(self, child):
        return reverse("child_detail", kwargs={"pk": child.pk})

    def get_household(self):
        pk = self.request.GET.get("household") or self.request.POST.get("household")
        if not pk:
            return None
        return get_object_or_404(Household.objects.visible_to(self.request.user, EDIT), pk=pk)

    def get_initial(self):
        initial = super().get_initial()
        household = self.get_household()
        if household is not None:
            initial.update({"village": household.village_id, "address": household.address})
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("新建儿童档案")
        ctx["household"] = self.get_household()
        return ctx

    def form_valid(self, form):
        try:
            child = self.create_once(lambda: services.child_create(
                actor=self.request.user, data=form.service_data(), confirm_similar=form.cleaned_data.get("confirm_similar", False),
                household=self.get_household()))
        except services.DuplicateChildError as exc:
            # the alert above the form explains it (with the candidates); the field is marked too
            if exc.report.id_blocking and "id_number" in form.fields:
                form.add_error("id_number", _("该身份证号码已有档案，见上方提示。"))
            return self.render_to_response(self.get_context_data(form=form, duplicates=exc.report))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已建档：%(name)s") % {"name": child.name})
        return redirect("child_detail", pk=child.pk)


class EditConflictMixin:
    """Every edit page answers a conflicting edit (``services.EditConflictError``) the same way: nothing saved, the
    other person's changes listed above the form (``registry/_edit_conflict.html``), the form keeping what the user
    typed and now carrying the current version, so saving again is a deliberate choice to overwrite."""

    conflict = None

    def edit_conflict(self, form, exc) -> None:
        data = form.data.copy()
        data["version"] = exc.obj.version
        form.data = data
        form.add_error(None, exc.messages[0])
        self.conflict = exc.changes

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.conflict is not None:
            ctx.setdefault("conflict", self.conflict)
        return ctx


class ChildEditView(EditConflictMixin, ChildFormMixin, FormView):
    form_class = forms.ChildForm
    deny_with_404 = True

    def dispatch(self, request, *args, **kwargs):
        if not has_capability(request.user, EDIT):
            raise Http404
        self.child = selectors.child_for_edit(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.child
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("修改儿童档案：%(name)s") % {"name": self.child.name}
        ctx["child"] = self.child
        return ctx

    def form_valid(self, form):
        try:
            child = services.child_update(actor=self.request.user, child=self.child, data=form.service_data(), expected_version=form.cleaned_data.get("version"))
        except services.EditConflictError as exc:
            self.edit_conflict(form, exc)
            return self.form_invalid(form)
        except services.DuplicateChildError as exc:
            form.add_error("id_number" if "id_number" in form.fields else None, exc.report.message)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect("child_detail", pk=child.pk)


class ChildSubFormView(IdempotentViewMixin, EditConflictMixin, CapabilityMixin, FormView):
    """A form that adds to or changes part of one file (404 outside scope or without the capability). Saved once
    per client token: a repeat goes back to the file without saving again."""

    capability = EDIT
    deny_with_404 = True
    template_name = "registry/form.html"
    title = ""
    anchor = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_capability(request.user, EDIT):
            self.child = selectors.child_for_edit(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        ctx["title"] = self.title
        return ctx

    def done(self, message):
        messages.success(self.request, message)
        return redirect(self.get_repeat_url(None))

    def get_repeat_url(self, obj):
        return reverse("child_detail", kwargs={"pk": self.child.pk}) + (f"#{self.anchor}" if self.anchor else "")

    def run(self, form, func):
        try:
            return self.create_once(func)
        except services.EditConflictError as exc:
            self.edit_conflict(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        return None


class GuardianCreateView(ChildSubFormView):
    form_class = forms.GuardianForm
    title = gettext_lazy("添加监护人")
    anchor = "family"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "child": self.child}

    def get_initial(self):
        role = self.request.GET.get("role")
        return {"role": role} if role in ("father", "mother", "other") else {}

    def form_valid(self, form):
        g = self.run(form, lambda: services.guardian_save(actor=self.request.user, child=self.child, data=form.service_data()))
        return self.done(_("已添加监护人：%(g)s") % {"g": g}) if g else self.form_invalid(form)


class GuardianEditView(GuardianCreateView):
    title = gettext_lazy("修改监护人信息")

    def dispatch(self, request, *args, **kwargs):
        response = None
        if request.user.is_authenticated and has_capability(request.user, EDIT):
            self.child = selectors.child_for_edit(user=request.user, pk=kwargs["pk"])
            self.guardian = get_object_or_404(Guardian, pk=kwargs["gpk"], child=self.child)
        return response or super(ChildSubFormView, self).dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.guardian}

    def get_initial(self):
        return {}

    def form_valid(self, form):
        g = self.run(form, lambda: services.guardian_save(actor=self.request.user, child=self.child, guardian=self.guardian,
                                                         data=form.service_data(), expected_version=form.cleaned_data.get("version")))
        return self.done(_("已保存监护人信息。")) if g else self.form_invalid(form)


class RestrictionCreateView(ChildSubFormView):
    form_class = forms.RestrictionForm
    title = gettext_lazy("登记服刑、羁押或强制隔离戒毒（敏感信息）")
    anchor = "family"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_capability(request.user, EDIT):
            self.child = selectors.child_for_edit(user=request.user, pk=kwargs["pk"])
            self.guardian = get_object_or_404(Guardian, pk=kwargs["gpk"], child=self.child)
        return super(ChildSubFormView, self).dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        r = self.run(form, lambda: services.restriction_add(actor=self.request.user, guardian=self.guardian, data=form.cleaned_data))
        return self.done(_("已登记。此类信息仅有权限的人员可见。")) if r else self.form_invalid(form)


class ProblemCreateView(ChildSubFormView):
    form_class = forms.ProblemForm
    title = gettext_lazy("登记监护问题")
    anchor = "family"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        r = self.run(form, lambda: services.problem_add(actor=self.request.user, child=self.child, data=form.cleaned_data))
        return self.done(_("已登记监护问题。")) if r else self.form_invalid(form)


class CareCreateView(ChildSubFormView):
    form_class = forms.CareForm
    title = gettext_lazy("登记（更换）委托照护人")
    anchor = "care"

    def form_valid(self, form):
        c = self.run(form, lambda: services.care_start(actor=self.request.user, child=self.child, data=form.cleaned_data))
        return self.done(_("已登记委托照护。原照护安排已结束并保留在历史中。")) if c else self.form_invalid(form)


class CareEditView(ChildSubFormView):
    form_class = forms.CareEditForm
    title = gettext_lazy("修改委托照护信息")
    anchor = "care"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_capability(request.user, EDIT):
            self.child = selectors.child_for_edit(user=request.user, pk=kwargs["pk"])
            self.care = get_object_or_404(CareArrangement, pk=kwargs["cpk"], child=self.child)
        return super(ChildSubFormView, self).dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.care}

    def form_valid(self, form):
        c = self.run(form, lambda: services.care_update(actor=self.request.user, care=self.care, data=form.cleaned_data,
                                                                  expected_version=form.cleaned_data.get("version")))
        return self.done(_("已保存。")) if c else self.form_invalid(form)


class DepartureCreateView(ChildSubFormView):
    form_class = forms.DepartureForm
    title = gettext_lazy("外出登记")
    anchor = "care"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"child": self.child}

    def form_valid(self, form):
        d = self.run(form, lambda: services.departure_register(actor=self.request.user, child=self.child, data=form.cleaned_data))
        return self.done(_("已完成外出登记。")) if d else self.form_invalid(form)


class AssistanceCreateView(ChildSubFormView):
    form_class = forms.AssistanceForm
    title = gettext_lazy("登记救助")
    anchor = "assistance"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        a = self.run(form, lambda: services.assistance_add(actor=self.request.user, child=self.child, data=form.cleaned_data))
        return self.done(_("已登记救助。")) if a else self.form_invalid(form)


class AssistanceEditView(AssistanceCreateView):
    title = gettext_lazy("修改救助记录")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_capability(request.user, EDIT):
            self.child = selectors.child_for_edit(user=request.user, pk=kwargs["pk"])
            self.assistance = get_object_or_404(Assistance, pk=kwargs["apk"], child=self.child)
            if masking.is_sensitive_row(self.assistance) and not masking.can_view_sensitive(request.user):
                raise Http404
        return super(ChildSubFormView, self).dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.assistance}

    def form_valid(self, form):
        a = self.run(form, lambda: services.assistance_update(actor=self.request.user, assistance=self.assistance, data=form.cleaned_data,
                                                                        expected_version=form.cleaned_data.get("version")))
        return self.done(_("已保存。")) if a else self.form_invalid(form)


class AttachmentCreateView(ChildSubFormView):
    form_class = forms.AttachmentForm
    title = gettext_lazy("上传附件")
    anchor = "attachments"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "child": self.child}

    def form_valid(self, form):
        d = form.cleaned_data
        a = self.run(form, lambda: services.attachment_add(actor=self.request.user, child=self.child, upload=d["file"], kind=d["kind"], title=d["title"],
                                                          fact=d["fact"], guardian=d["guardian"], care=d["care"], sensitive=d["sensitive"]))
        return self.done(_("已上传附件。")) if a else self.form_invalid(form)


class AttachmentWithdrawView(ChildSubFormView):
    form_class = forms.WithdrawForm
    title = gettext_lazy("撤回附件")
    anchor = "attachments"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_capability(request.user, EDIT):
            self.child = selectors.child_for_edit(user=request.user, pk=kwargs["pk"])
            self.attachment = get_object_or_404(Attachment, pk=kwargs["apk"], child=self.child, withdrawn=False)
            if self.attachment.sensitive and not masking.can_view_sensitive(request.user):
                raise Http404
        return super(ChildSubFormView, self).dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        a = self.run(form, lambda: services.attachment_withdraw(actor=self.request.user, attachment=self.attachment, reason=form.cleaned_data["reason"]))
        return self.done(_("已撤回附件。")) if a else self.form_invalid(form)


class AttachmentDownloadView(CapabilityView):
    """Attachments are served only here (never from /media/): in scope, not withdrawn, sensitive ones only for
    ``registry.view_sensitive``. Every download is audited."""

    capability = VIEW
    deny_with_404 = True

    def get(self, request, *args, **kwargs):
        attachment = get_object_or_404(Attachment.objects.visible_to(request.user, VIEW).select_related("child"), pk=kwargs["apk"], child_id=kwargs["pk"], withdrawn=False)
        if attachment.sensitive and not masking.can_view_sensitive(request.user):
            raise Http404
        audit_log(actor=request.user, action="view", obj=attachment.child, summary=msg("查看附件：%(title)s", title=msg("受限材料") if attachment.sensitive else attachment.title))
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        ext = attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else "bin"
        response = FileResponse(handle, content_type=attachment.content_type or "application/octet-stream", as_attachment=True,
                                filename=f"{attachment.title}.{ext}")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class JoinHouseholdView(ChildSubFormView):
    """Put a child into a sibling's household (一户一档) when their files were created separately."""

    form_class = forms.JoinHouseholdForm
    title = gettext_lazy("与兄弟姐妹合为一户")
    anchor = "family"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "child": self.child}

    def form_valid(self, form):
        sibling = form.cleaned_data["sibling"]
        c = self.run(form, lambda: services.child_join_household(actor=self.request.user, child=self.child, household=sibling.household))
        return self.done(_("已与%(name)s合为一户。") % {"name": sibling.name}) if c else self.form_invalid(form)


class LeaveHouseholdView(ChildSubFormView):
    """分户: the child leaves the household it shares with siblings for a new one of its own."""

    form_class = forms.LeaveHouseholdForm
    title = gettext_lazy("分户（单独立户）")
    anchor = "family"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"child": self.child}

    def form_valid(self, form):
        h = self.run(form, lambda: services.child_leave_household(actor=self.request.user, child=self.child, data=form.cleaned_data))
        return self.done(_("已分户：%(name)s 单独立为一户。") % {"name": self.child.name}) if h else self.form_invalid(form)


class ChildStatusView(ChildSubFormView):
    form_class = forms.StatusForm
    title = gettext_lazy("变更档案状态")
    anchor = "status"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"child": self.child}

    def form_valid(self, form):
        d = form.cleaned_data
        c = self.run(form, lambda: services.child_set_status(actor=self.request.user, child=self.child, status=d["status"], reason=d["reason"], date=d["date"]))
        return self.done(_("档案状态已变更为“%(s)s”。档案不会被删除。") % {"s": c.get_status_display()}) if c else self.form_invalid(form)


class ChildTransferView(ChildSubFormView):
    form_class = forms.TransferForm
    title = gettext_lazy("转移档案（迁往其他地区）")
    template_name = "registry/transfer_form.html"

    def form_valid(self, form):
        d = form.cleaned_data
        c = self.run(form, lambda: services.child_transfer(actor=self.request.user, child=self.child, to_village=d["to_village"], date=d["date"],
                                                          handover_note=d["handover_note"], received_by=d["received_by"]))
        if not c:
            return self.form_invalid(form)
        messages.success(self.request, _("档案已转移至%(v)s。") % {"v": c.village.path_display()})
        if Child.objects.visible_to(self.request.user, VIEW).filter(pk=c.pk).exists():
            return redirect("child_detail", pk=c.pk)
        return redirect("child_list")


# ------------------------------------------------------------------------------------------- household


class HouseholdDetailView(CapabilityMixin, DetailView):
    """一户一档: the household and every child in it (siblings)."""

    capability = VIEW
    deny_with_404 = True
    template_name = "registry/household_detail.html"
    context_object_name = "household"

    def get_object(self, queryset=None):
        return selectors.household_open(fetched_by=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        children = list(Child.objects.visible_to(user, VIEW).filter(household=self.object).prefetch_related("guardians").order_by("birth_date"))
        parents = {}
        for c in children:
            for g in c.guardians.all():
                key = (g.role, g.name)
                parents.setdefault(key, {"g": g, "id_number": masking.show_id_number(user, g.id_number), "children": []})["children"].append(c.name)
        ctx.update({"children": children, "parents": list(parents.values()), "can_edit": has_capability(user, EDIT),
                    "show_id": masking.can_view_id_numbers(user)})
        for c in children:
            c.shown_id = masking.show_id_number(user, c.id_number)
        return ctx


class HouseholdEditView(EditConflictMixin, CapabilityMixin, FormView):
    capability = EDIT
    deny_with_404 = True
    template_name = "registry/form.html"
    form_class = forms.HouseholdForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_capability(request.user, EDIT):
            self.household = get_object_or_404(Household.objects.visible_to(request.user, EDIT), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.household}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"title": _("修改家庭信息"), "household": self.household}

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.HOUSEHOLD_FIELDS}
        try:
            services.household_update(actor=self.request.user, household=self.household, data=data, expected_version=form.cleaned_data.get("version"))
        except services.EditConflictError as exc:
            self.edit_conflict(form, exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存家庭信息。"))
        return redirect("household_detail", pk=self.household.pk)


# ---------------------------------------------------------------------------------------- region ledgers


class RegistryOverviewView(CapabilityView):
    """Counts per sub-region of the user's region (or ``?region=``): the way into 一乡一账 and the county list."""

    capability = VIEW
    template_name = "registry/overview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        code = self.request.GET.get("region") or (user.region_id or "")
        if not user.region_id:
            raise Http404
        region = selectors.region_in_scope(user=user, code=code)
        if region.level == "village":
            ctx.update({"region": region, "rows": [], "village": True})
            return ctx
        ctx.update({"region": region, "rows": selectors.counts_by_subregion(user=user, region=region)})
        ctx["total"] = sum(r["total"] or 0 for r in ctx["rows"])
        ctx["active"] = sum(r["active"] or 0 for r in ctx["rows"])
        return ctx


class TownshipLedgerView(CapabilityMixin, DetailView):
    """一乡一账: the township's ledger, village by village (active files); also one village's ledger."""

    capability = VIEW
    deny_with_404 = True
    template_name = "registry/township_ledger.html"
    context_object_name = "township"

    def get_object(self, queryset=None):
        region = selectors.region_in_scope(user=self.request.user, code=self.kwargs["code"])
        if region.level not in ("township", "village"):
            raise Http404
        return region

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        qs = (Child.objects.visible_to(user, VIEW).filter(village__code__range=prefix_range(self.object.prefix), status=ChildStatus.ACTIVE)
              .select_related("village", "household").prefetch_related("guardians", "care_arrangements").order_by("village_id", "name_pinyin", "id"))
        from django.core.paginator import Paginator

        page = Paginator(qs, 200).get_page(self.request.GET.get("page"))
        rows = []
        for c in page.object_list:
            parents = {g.role: g for g in c.guardians.all()}
            care = next((x for x in c.care_arrangements.all() if x.end is None), None)
            rows.append({"c": c, "id": masking.show_id_number(user, c.id_number), "father": parents.get("father"), "mother": parents.get("mother"), "care": care})
        audit_log(actor=user, action="view", obj=self.object, summary=msg("查看乡镇台账（一乡一账）"))
        ctx.update({"rows": rows, "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(), "querystring": ""})
        return ctx

"""Pages of the registry: the county list (一市一库), the township ledger (一乡一账), the household file (一户一档),
the one-child file (一人一档) and its forms. Every read goes through ``visible_to``; every write through services."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.scoping import prefix_range
from tonghu.core.views import ScopedListView
from tonghu.core.viewkit import KitObjectView, KitTemplateView, ServiceFormView

from . import forms, masking, selectors, services
from .filters import ChildFilterSet
from .history import child_history
from .models import Assistance, Attachment, CareArrangement, Child, ChildStatus, Guardian, Household
from .sections import sections_for

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


def _child_open(*, user, pk, **kwargs):
    return selectors.child_open(fetched_by=user, pk=pk)


def _child_for_edit(*, user, pk, **kwargs):
    return selectors.child_for_edit(user=user, pk=pk)


class ChildDetailView(KitObjectView):
    """The one-child file (一人一档). Opening it is audited (selectors.child_open)."""

    model = Child
    capability = VIEW
    template_name = "registry/child_detail.html"
    context_object_name = "child"
    selector = staticmethod(_child_open)

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


class ChildCreateView(ServiceFormView):
    """A new file. A possible duplicate is shown above the form with the candidates; saving again with "confirm"
    creates it anyway (an ID number already on file never does)."""

    capability = EDIT
    template_name = "registry/child_form.html"
    form_class = forms.ChildForm
    create_once = True
    title = gettext_lazy("新建儿童档案")

    def load(self, request, *args, **kwargs):
        pk = request.GET.get("household") or request.POST.get("household")
        self.household = get_object_or_404(Household.objects.visible_to(request.user, EDIT), pk=pk) if pk else None

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        if self.household is not None:
            initial.update({"village": self.household.village_id, "address": self.household.address})
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"household": self.household}

    def perform(self, form, target):
        return services.child_create(actor=self.request.user, data=form.service_data(),
                                     confirm_similar=form.cleaned_data.get("confirm_similar", False), household=self.household)

    def service_error(self, form, exc):
        if not isinstance(exc, services.DuplicateChildError):
            return super().service_error(form, exc)
        # the alert above the form explains it (with the candidates); the field is marked too
        if exc.report.id_blocking and "id_number" in form.fields:
            form.add_error("id_number", _("该身份证号码已有档案，见上方提示。"))
        return self.render_to_response(self.get_context_data(form=form, duplicates=exc.report))

    def get_success_message(self, child):
        return _("已建档：%(name)s") % {"name": child.name}

    def get_success_url(self, child=None):
        return reverse("child_detail", kwargs={"pk": child.pk})


class ChildEditView(ServiceFormView):
    capability = EDIT
    template_name = "registry/child_form.html"
    form_class = forms.ChildForm
    target_selector = staticmethod(_child_for_edit)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_title(self):
        return _("修改儿童档案：%(name)s") % {"name": self.target.name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"child": self.target}

    def perform(self, form, target):
        return services.child_update(actor=self.request.user, child=target, data=form.service_data(),
                                     expected_version=form.cleaned_data.get("version"))

    def service_error(self, form, exc):
        if isinstance(exc, services.DuplicateChildError):
            form.add_error("id_number" if "id_number" in form.fields else None, exc.report.message)
            return self.form_invalid(form)
        return super().service_error(form, exc)

    def get_success_url(self, child=None):
        return reverse("child_detail", kwargs={"pk": child.pk})


class ChildSubFormView(ServiceFormView):
    """A form that adds to or changes part of one file (404 outside scope or without the capability). Saved once
    per client token: a repeat goes back to the file without saving again. Subclasses name the service in
    :meth:`perform`, the row they change in :meth:`load_row` and the message in ``success_message``."""

    capability = EDIT
    template_name = "registry/form.html"
    target_selector = staticmethod(_child_for_edit)
    create_once = True
    anchor = ""

    @property
    def child(self):
        return self.target

    def load(self, request, *args, **kwargs):
        super().load(request, *args, **kwargs)
        self.load_row(request, **kwargs)

    def load_row(self, request, **kwargs) -> None:
        """Fetch the row of the file the URL names (a guardian, a care arrangement…), within this child."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"child": self.target}

    def get_success_url(self, result=None):
        return reverse("child_detail", kwargs={"pk": self.target.pk}) + (f"#{self.anchor}" if self.anchor else "")


class GuardianCreateView(ChildSubFormView):
    form_class = forms.GuardianForm
    title = gettext_lazy("添加监护人")
    anchor = "family"
    guardian = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs() | {"user": self.request.user, "child": self.target}
        if self.guardian is not None:
            kwargs["instance"] = self.guardian
        return kwargs

    def get_initial(self):
        role = self.request.GET.get("role")
        return {"role": role} if role in ("father", "mother", "other") and self.guardian is None else {}

    def perform(self, form, target):
        return services.guardian_save(actor=self.request.user, child=target, data=form.service_data())

    def get_success_message(self, g):
        return _("已添加监护人：%(g)s") % {"g": g}


class GuardianEditView(GuardianCreateView):
    title = gettext_lazy("修改监护人信息")
    success_message = gettext_lazy("已保存监护人信息。")

    def load_row(self, request, **kwargs):
        self.guardian = get_object_or_404(Guardian, pk=kwargs["gpk"], child=self.target)

    def perform(self, form, target):
        return services.guardian_save(actor=self.request.user, child=target, guardian=self.guardian,
                                      data=form.service_data(), expected_version=form.cleaned_data.get("version"))

    def get_success_message(self, g):
        return self.success_message


class RestrictionCreateView(ChildSubFormView):
    form_class = forms.RestrictionForm
    title = gettext_lazy("登记服刑、羁押或强制隔离戒毒（敏感信息）")
    anchor = "family"
    success_message = gettext_lazy("已登记。此类信息仅有权限的人员可见。")

    def load_row(self, request, **kwargs):
        self.guardian = get_object_or_404(Guardian, pk=kwargs["gpk"], child=self.target)

    def perform(self, form, target):
        return services.restriction_add(actor=self.request.user, guardian=self.guardian, data=form.cleaned_data)


class ProblemCreateView(ChildSubFormView):
    form_class = forms.ProblemForm
    title = gettext_lazy("登记监护问题")
    anchor = "family"
    success_message = gettext_lazy("已登记监护问题。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form, target):
        return services.problem_add(actor=self.request.user, child=target, data=form.cleaned_data)


class CareCreateView(ChildSubFormView):
    form_class = forms.CareForm
    title = gettext_lazy("登记（更换）委托照护人")
    anchor = "care"
    success_message = gettext_lazy("已登记委托照护。原照护安排已结束并保留在历史中。")

    def perform(self, form, target):
        return services.care_start(actor=self.request.user, child=target, data=form.cleaned_data)


class CareEditView(ChildSubFormView):
    form_class = forms.CareEditForm
    title = gettext_lazy("修改委托照护信息")
    anchor = "care"

    def load_row(self, request, **kwargs):
        self.care = get_object_or_404(CareArrangement, pk=kwargs["cpk"], child=self.target)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.care}

    def perform(self, form, target):
        return services.care_update(actor=self.request.user, care=self.care, data=form.cleaned_data,
                                    expected_version=form.cleaned_data.get("version"))


class DepartureCreateView(ChildSubFormView):
    form_class = forms.DepartureForm
    title = gettext_lazy("外出登记")
    anchor = "care"
    success_message = gettext_lazy("已完成外出登记。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"child": self.target}

    def perform(self, form, target):
        return services.departure_register(actor=self.request.user, child=target, data=form.cleaned_data)


class AssistanceCreateView(ChildSubFormView):
    form_class = forms.AssistanceForm
    title = gettext_lazy("登记救助")
    anchor = "assistance"
    success_message = gettext_lazy("已登记救助。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form, target):
        return services.assistance_add(actor=self.request.user, child=target, data=form.cleaned_data)


class AssistanceEditView(AssistanceCreateView):
    title = gettext_lazy("修改救助记录")
    success_message = gettext_lazy("已保存。")

    def load_row(self, request, **kwargs):
        self.assistance = get_object_or_404(Assistance, pk=kwargs["apk"], child=self.target)
        if masking.is_sensitive_row(self.assistance) and not masking.can_view_sensitive(request.user):
            raise Http404

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.assistance}

    def perform(self, form, target):
        return services.assistance_update(actor=self.request.user, assistance=self.assistance, data=form.cleaned_data,
                                          expected_version=form.cleaned_data.get("version"))


class AttachmentCreateView(ChildSubFormView):
    form_class = forms.AttachmentForm
    title = gettext_lazy("上传附件")
    anchor = "attachments"
    success_message = gettext_lazy("已上传附件。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "child": self.target}

    def perform(self, form, target):
        d = form.cleaned_data
        return services.attachment_add(actor=self.request.user, child=target, upload=d["file"], kind=d["kind"], title=d["title"],
                                       fact=d["fact"], guardian=d["guardian"], care=d["care"], sensitive=d["sensitive"])


class AttachmentWithdrawView(ChildSubFormView):
    form_class = forms.WithdrawForm
    title = gettext_lazy("撤回附件")
    anchor = "attachments"
    success_message = gettext_lazy("已撤回附件。")

    def load_row(self, request, **kwargs):
        self.attachment = get_object_or_404(Attachment, pk=kwargs["apk"], child=self.target, withdrawn=False)
        if self.attachment.sensitive and not masking.can_view_sensitive(request.user):
            raise Http404

    def perform(self, form, target):
        return services.attachment_withdraw(actor=self.request.user, attachment=self.attachment, reason=form.cleaned_data["reason"])


class AttachmentDownloadView(KitTemplateView):
    """Attachments are served only here (never from /media/): in scope, not withdrawn, sensitive ones only for
    ``registry.view_sensitive``. Every download is audited."""

    capability = VIEW
    deny_with_404 = True
    scope_note = "the attachment is fetched through Attachment.objects.visible_to (404 outside the region)"

    def get(self, request, *args, **kwargs):
        attachment = get_object_or_404(Attachment.objects.visible_to(request.user, VIEW).select_related("child"), pk=kwargs["apk"], child_id=kwargs["pk"], withdrawn=False)
        if attachment.sensitive and not masking.can_view_sensitive(request.user):
            raise Http404
        audit_log(actor=request.user, action="view", obj=attachment.child, summary=f"查看附件：{'受限材料' if attachment.sensitive else attachment.title}")
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
        return super().get_form_kwargs() | {"user": self.request.user, "child": self.target}

    def perform(self, form, target):
        self.sibling = form.cleaned_data["sibling"]
        return services.child_join_household(actor=self.request.user, child=target, household=self.sibling.household)

    def get_success_message(self, result):
        return _("已与%(name)s合为一户。") % {"name": self.sibling.name}


class LeaveHouseholdView(ChildSubFormView):
    """分户: the child leaves the household it shares with siblings for a new one of its own."""

    form_class = forms.LeaveHouseholdForm
    title = gettext_lazy("分户（单独立户）")
    anchor = "family"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"child": self.target}

    def perform(self, form, target):
        return services.child_leave_household(actor=self.request.user, child=target, data=form.cleaned_data)

    def get_success_message(self, result):
        return _("已分户：%(name)s 单独立为一户。") % {"name": self.target.name}


class ChildStatusView(ChildSubFormView):
    form_class = forms.StatusForm
    title = gettext_lazy("变更档案状态")
    anchor = "status"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"child": self.target}

    def perform(self, form, target):
        d = form.cleaned_data
        return services.child_set_status(actor=self.request.user, child=target, status=d["status"], reason=d["reason"], date=d["date"])

    def get_success_message(self, c):
        return _("档案状态已变更为“%(s)s”。档案不会被删除。") % {"s": c.get_status_display()}


class ChildTransferView(ChildSubFormView):
    form_class = forms.TransferForm
    title = gettext_lazy("转移档案（迁往其他地区）")
    template_name = "registry/transfer_form.html"

    def perform(self, form, target):
        d = form.cleaned_data
        return services.child_transfer(actor=self.request.user, child=target, to_village=d["to_village"], date=d["date"],
                                       handover_note=d["handover_note"], received_by=d["received_by"])

    def get_success_message(self, c):
        return _("档案已转移至%(v)s。") % {"v": c.village.path_display()}

    def get_success_url(self, c=None):
        # the file may now lie outside the user's region: then back to the list
        if c is not None and Child.objects.visible_to(self.request.user, VIEW).filter(pk=c.pk).exists():
            return reverse("child_detail", kwargs={"pk": c.pk})
        return reverse("child_list")


# ------------------------------------------------------------------------------------------- household


def _household_open(*, user, pk, **kwargs):
    return selectors.household_open(fetched_by=user, pk=pk)


class HouseholdDetailView(KitObjectView):
    """一户一档: the household and every child in it (siblings)."""

    model = Household
    capability = VIEW
    template_name = "registry/household_detail.html"
    context_object_name = "household"
    selector = staticmethod(_household_open)

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


def _household_for_edit(*, user, pk, **kwargs):
    return get_object_or_404(Household.objects.visible_to(user, EDIT), pk=pk)


class HouseholdEditView(ServiceFormView):
    capability = EDIT
    template_name = "registry/form.html"
    form_class = forms.HouseholdForm
    target_selector = staticmethod(_household_for_edit)
    title = gettext_lazy("修改家庭信息")
    success_message = gettext_lazy("已保存家庭信息。")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"household": self.target}

    def perform(self, form, target):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.HOUSEHOLD_FIELDS}
        return services.household_update(actor=self.request.user, household=target, data=data, expected_version=form.cleaned_data.get("version"))

    def get_success_url(self, result=None):
        return reverse("household_detail", kwargs={"pk": self.target.pk})


# ---------------------------------------------------------------------------------------- region ledgers


class RegistryOverviewView(KitTemplateView):
    """Counts per sub-region of the user's region (or ``?region=``): the way into 一乡一账 and the county list."""

    capability = VIEW
    scope_note = "the region comes from selectors.region_in_scope (404 outside) and counts from visible_to"
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


def _ledger_region(*, user, code, **kwargs):
    region = selectors.region_in_scope(user=user, code=code)
    if region.level not in ("township", "village"):
        raise Http404
    return region


class TownshipLedgerView(KitObjectView):
    """一乡一账: the township's ledger, village by village (active files); also one village's ledger."""

    capability = VIEW
    template_name = "registry/township_ledger.html"
    context_object_name = "township"
    selector = staticmethod(_ledger_region)

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
        audit_log(actor=user, action="view", obj=self.object, summary="查看乡镇台账（一乡一账）")
        ctx.update({"rows": rows, "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(), "querystring": ""})
        return ctx

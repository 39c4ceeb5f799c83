"""The partner interface (signed JSON, no session) and the pages where an officer registers partners, rotates their
keys and follows the webhooks sent to them (docs/exchange.md)."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from tonghu.core.models import Region
from tonghu.core.viewkit import CapabilityMixin, KitListView, KitObjectView, ServiceFormView, Table, tables

from . import services
from .models import PartnerKind, PartnerSystem, Scope, WebhookDelivery

MANAGE = "exchange.manage"


# ------------------------------------------------------------------------------------------------ the interface


def _error(status: int, message: str, **extra):
    return JsonResponse({"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False})


@method_decorator([csrf_exempt, login_not_required], name="dispatch")
class PartnerReportsView(View):
    """POST a report (scope reports.create; idempotent by ``ticket``); GET ``<ticket>/`` its status (reports.read)."""

    scope_note = "the partner acts through its system account; report_file refuses regions outside it"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        scope = Scope.REPORTS_CREATE if request.method == "POST" else Scope.REPORTS_READ
        try:
            self.partner = services.authenticate(method=request.method, path=request.path, headers=request.headers,
                                                 body=request.body, scope=scope)
        except services.PartnerRefused as exc:
            return _error(exc.status, exc.message)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, ticket=None):
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
            if not isinstance(data, dict):
                raise ValueError
        except (UnicodeDecodeError, ValueError):
            return _error(400, _("格式错误：请求内容应为 JSON 对象。"))
        try:
            report, created = services.hotline_report(partner=self.partner, data=data)
        except ValidationError as exc:
            return _error(400, _("未接收，请更正后重新提交。"), fields=exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
        response = JsonResponse({"ticket": data.get("ticket"), **services.report_view(report)}, status=201 if created else 200,
                                json_dumps_params={"ensure_ascii": False})
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response

    def get(self, request, ticket=None):
        try:
            report = services.report_status(partner=self.partner, ticket=ticket or "")
        except PermissionDenied:
            return _error(404, _("没有该工单号的报告。"))
        return JsonResponse({"ticket": ticket, **services.report_view(report)}, json_dumps_params={"ensure_ascii": False})


# ------------------------------------------------------------------------------------------------ pages


class PartnerTable(Table):
    name = tables.Column(verbose_name=gettext_lazy("系统名称"), linkify=("exchange_partner", {"pk": tables.A("pk")}))
    kind = tables.Column(verbose_name=gettext_lazy("类型"))
    client_id = tables.Column(verbose_name=gettext_lazy("客户端编号"))
    region = tables.Column(verbose_name=gettext_lazy("服务区域"), accessor="account__region__name", order_by=("account__region_id",))
    active = tables.BooleanColumn(verbose_name=gettext_lazy("启用"))

    class Meta(Table.Meta):
        model = PartnerSystem
        fields = ("name", "kind", "client_id", "region", "active")


class PartnerListView(KitListView):
    model = PartnerSystem
    capability = MANAGE
    table_class = PartnerTable
    title = gettext_lazy("对接系统")
    template_name = "exchange/partner_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("account__region")


class PartnerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("系统名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=PartnerKind.choices)
    region = forms.CharField(label=gettext_lazy("服务区域（区划代码）"), max_length=12,
                             help_text=gettext_lazy("该系统可报告的区域，如 12345 热线所在的市或县"))
    scopes = forms.MultipleChoiceField(label=gettext_lazy("权限范围"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    webhook_url = forms.URLField(label=gettext_lazy("回调地址（可不填）"), required=False, assume_scheme="https")
    rate_per_minute = forms.IntegerField(label=gettext_lazy("每分钟调用上限"), min_value=1, max_value=6000, initial=60)

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        region = Region.objects.filter(code=code.ljust(12, "0")).first()
        if region is None:
            raise forms.ValidationError(_("区划代码“%(c)s”不存在。") % {"c": code})
        return region


class PartnerCreateView(ServiceFormView):
    capability = MANAGE
    form_class = PartnerForm
    title = gettext_lazy("登记对接系统")

    def perform(self, form, target):
        d = form.cleaned_data
        return services.partner_create(actor=self.request.user, name=d["name"], kind=d["kind"], region=d["region"],
                                       scopes=list(d["scopes"]), webhook_url=d["webhook_url"], rate_per_minute=d["rate_per_minute"])

    def form_valid(self, form):
        try:
            partner, credential, secret = self.perform(form, None)
        except ValidationError as exc:
            return self.service_error(form, exc)
        return render(self.request, "exchange/secret.html", {"partner": partner, "credential": credential, "secret": secret,
                                                              "title": _("对接系统已登记")})


def _partner(*, user, pk, **kwargs):
    return get_object_or_404(PartnerSystem.objects.visible_to(user, MANAGE).select_related("account__region"), pk=pk)


class PartnerDetailView(KitObjectView):
    model = PartnerSystem
    capability = MANAGE
    template_name = "exchange/partner_detail.html"
    context_object_name = "partner"
    selector = staticmethod(_partner)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["credentials"] = list(self.object.credentials.all())
        ctx["deliveries"] = list(self.object.deliveries.select_related("ticket")[:50])
        ctx["calls"] = list(self.object.calls.all()[:20])
        return ctx


class PartnerRotateView(CapabilityMixin, View):
    capability = MANAGE
    deny_with_404 = True
    scope_note = "the partner is fetched through PartnerSystem.objects.visible_to"
    http_method_names = ["post"]

    def post(self, request, pk):
        partner = _partner(user=request.user, pk=pk)
        credential, secret = services.credential_rotate(actor=request.user, partner=partner)
        return render(request, "exchange/secret.html", {"partner": partner, "credential": credential, "secret": secret,
                                                        "title": _("已生成新密钥")})


class DeliveryReplayView(CapabilityMixin, View):
    capability = MANAGE
    deny_with_404 = True
    scope_note = "the delivery is fetched through WebhookDelivery.objects.visible_to"
    http_method_names = ["post"]

    def post(self, request, pk):
        delivery = get_object_or_404(WebhookDelivery.objects.visible_to(request.user, MANAGE), pk=pk)
        services.delivery_replay(actor=request.user, delivery=delivery)
        from django.contrib import messages

        messages.success(request, _("已重新排队发送，将在下一次发送任务中送出。"))
        return redirect("exchange_partner", pk=delivery.partner_id)

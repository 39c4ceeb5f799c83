"""API: /api/v1/reports/ (file a report; a reporter's own reports and their status) and /api/v1/cases/ (cases the
caller may open — same rules and audit as the pages)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError

from tonghu.core.idempotency import IdempotentAPIMixin
from tonghu.api.base import LookupGuardMixin
from tonghu.core.models import Region

from .models import Case, Report, Situation
from .selectors import case_open, cases_visible, may_see_reporter, reports_filed
from .services import report_file


class ReportStatusSerializer(serializers.ModelSerializer):
    """What a reporter sees of their report: status and the outcome in plain words."""

    number = serializers.CharField(read_only=True)
    situation_label = serializers.CharField(source="get_situation_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    feedback = serializers.SerializerMethodField()

    def get_feedback(self, report) -> str:
        """The feedback in the caller's language (stored as a message id + parameters, or the officer's own words)."""
        from tonghu.core.texts import render

        return render(report.feedback)

    class Meta:
        model = Report
        fields = ["id", "number", "submitted_at", "situation", "situation_label", "immediate_danger", "status", "status_label", "accepted_at", "feedback", "feedback_at"]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer):
    situation = serializers.ChoiceField(label=_("报告情形"), choices=Situation.choices, error_messages={"invalid_choice": _("“{input}”不是有效的报告情形。")})
    immediate_danger = serializers.BooleanField(label=_("儿童是否正面临紧急危险"))
    what_happened = serializers.CharField(label=_("发生了什么"))
    region = serializers.CharField(label=_("区划代码"), required=False, allow_blank=True)
    child_id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    child_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    child_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=17,
                                         error_messages={"min_value": _("大致年龄应在0至17岁之间。"), "max_value": _("大致年龄应在0至17岁之间。")})
    child_sex = serializers.ChoiceField(choices=[("M", "M"), ("F", "F")], required=False, allow_blank=True)
    child_description = serializers.CharField(required=False, allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    occurred_place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reporter_unit = serializers.CharField(required=False, allow_blank=True, max_length=100)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def validate_region(self, value):
        if not value:
            return None
        region = Region.objects.visible_to(self.context["request"].user, "core.view_regions").filter(code=value).first()
        if region is None:
            raise ValidationError(_("区划代码“%(code)s”不存在或不在您的辖区内。") % {"code": value})
        return region


class ReportViewSet(IdempotentAPIMixin, LookupGuardMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """File a mandatory report (POST) and follow one's own reports (GET): status and plain-words outcome only."""

    capability = "cases.report"
    scope_note = "rows from selectors.reports_filed: the caller's own reports, visible_to (cases.report)"
    serializer_class = ReportStatusSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return Report.objects.none()
        return reports_filed(self.request.user).order_by("-submitted_at", "-id")

    def get_serializer_class(self):
        return ReportCreateSerializer if self.action == "create" else ReportStatusSerializer

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportStatusSerializer})
    def create(self, request, *args, **kwargs):
        """File a report once per ``Idempotency-Key``: a repeat answers with the first report (tonghu.core.idempotency)."""
        from rest_framework import status
        from rest_framework.response import Response

        def render(report):
            return Response(ReportStatusSerializer(report).data, status=status.HTTP_201_CREATED)

        replayed = self.replay(request, render)
        if replayed is not None:
            return replayed
        incoming = ReportCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            report, _created = self.create_once(request, lambda: report_file(actor=request.user, **data))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}) from exc
        return render(report)


class CaseSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    situation = serializers.CharField(source="report.situation", read_only=True)
    immediate_danger = serializers.BooleanField(source="report.immediate_danger", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reporter = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "region", "child", "situation", "immediate_danger", "status", "status_label", "risk_level", "accepted_at", "closed_at", "reporter"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_reporter(self, case):
        """Confidential to the case team: null for everyone else (the procuratorate reviewer included)."""
        request = self.context.get("request")
        if request is None or not may_see_reporter(request.user, case.report):
            return None
        r = case.report
        return {"name": r.reporter_name or r.caller_name, "unit": r.reporter_unit, "phone": r.reporter_phone or r.callback_number}


class CaseViewSet(LookupGuardMixin, viewsets.ReadOnlyModelViewSet):
    """Cases the caller may open (county staff, the reviewer, team members); retrieving one is audited."""

    capability = "cases.view_case"
    scope_note = "rows from selectors.cases_visible and one case from selectors.case_open (visible_to, the case team; audited)"
    serializer_class = CaseSerializer
    filterset_fields = ["status", "risk_level"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return Case.objects.none()
        return cases_visible(self.request.user).select_related("report").order_by("-accepted_at", "-id")

    def get_object(self):
        return case_open(fetched_by=self.request.user, pk=self.kwargs["pk"])


def register(router) -> None:
    router.register("reports", ReportViewSet, basename="report")
    router.register("cases", CaseViewSet, basename="case")

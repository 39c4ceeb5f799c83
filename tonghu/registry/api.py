"""Registry API: /api/v1/children/ (same scoping, audit and masking as the pages).

* ``GET /api/v1/children/?q=zw&status=active&village=…&ordering=name`` — the same FilterSet as the list page.
* ``GET /api/v1/children/{id}/`` — the file with nested household, guardians, caregiver (current and history),
  departures and assistance; audited like opening the page; sensitive values as "受限信息", ID numbers masked
  without the capability.
* ``POST /api/v1/children/`` — create (duplicate guard: 400 with the reason; ``confirm_similar: true`` to proceed
  past a same-name/same-birth-date warning). ``PATCH/PUT /api/v1/children/{id}/`` — update; send the ``version``
  you read: 409 with the other person's changes if someone saved in between. Errors are in Chinese, by field.
* The family, the caregiver and the assistance of a file, through the same services as the page's forms (same
  rules, audit, re-classification):
  ``POST /api/v1/children/{id}/guardians/`` adds a father, mother or other guardian; ``PATCH
  /api/v1/children/{id}/guardians/{gid}/`` changes one (send its ``version``; 409 on a conflicting edit);
  ``POST …/care/`` records a new caregiver (the current arrangement ends that day; history kept), ``PATCH
  …/care/{cid}/`` changes one; ``POST …/assistance/`` records a scheme received, ``PATCH …/assistance/{aid}/``
  changes it. Every change (``PATCH``/``PUT``) of a file or of one of its rows must send the ``version`` read
  with it (400 without; 409 with the other person's changes when it is not the current one): one check,
  ``services.check_version``; the schema marks ``version`` required on every PATCH body (``required_on_update``, :mod:`tonghu.api.schema`).
  Roles without ``registry.view_sensitive`` can neither write nor reach sensitive values (a parent's
  criminal record, the HIV allowance): such a field is refused, such a row answers 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from drf_spectacular.utils import extend_schema, extend_schema_field

from tonghu.api.base import ScopedViewSetMixin
from tonghu.core.idempotency import IdempotentAPIMixin
from tonghu.core.models import Region

from . import masking, services
from .filters import ChildFilterSet
from .models import Assistance, CareArrangement, Child, DepartureRegistration, Guardian, Household
from .selectors import child_file_queryset, child_open

VIEW = "registry.view_children"
EDIT = "registry.edit_children"


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class MaskingMixin:
    """Replace sensitive values by "受限信息" and ID numbers by their masked form for users without the rights."""

    def schema_masked_fields(self) -> list[str]:
        """For the OpenAPI schema (tonghu.api.schema): fields that may read "受限信息" instead of their value."""
        model = self.Meta.model
        return [name for name in self.fields if masking.is_sensitive_field(model, name)]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = _user(self)
        for name in list(data):
            if masking.is_sensitive_field(instance, name) and not masking.can_view_sensitive(user):
                data[name] = str(masking.RESTRICTED)
            elif masking.is_id_field(instance, name):
                data[name] = masking.show_id_number(user, getattr(instance, name))
        return data


class HouseholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "village", *services.HOUSEHOLD_FIELDS, "version"]


class GuardianSerializer(MaskingMixin, serializers.ModelSerializer):
    restrictions = serializers.SerializerMethodField()

    class Meta:
        model = Guardian
        fields = ["id", *services.GUARDIAN_FIELDS, "restrictions", "version"]

    @extend_schema_field(serializers.JSONField(help_text=_("受限信息：有权限的角色得到列表（类别、起止日期、场所、证明），其他角色得到“受限信息”或空列表")))
    def get_restrictions(self, obj):
        rows = list(obj.restrictions.all())
        if not masking.can_view_sensitive(_user(self)):
            return str(masking.RESTRICTED) if rows else []
        return [{"kind": r.kind, "start": r.start, "end": r.end, "place": r.place, "evidence": r.evidence} for r in rows]


class CareSerializer(MaskingMixin, serializers.ModelSerializer):
    end_reason = serializers.SerializerMethodField()

    def get_end_reason(self, obj) -> str:
        """In the caller's language (a reason the system wrote is stored as a message id, tonghu.core.texts)."""
        from tonghu.core.texts import render

        return render(obj.end_reason)

    class Meta:
        model = CareArrangement
        fields = ["id", *services.CARE_FIELDS, "end", "end_reason", "version"]


class DepartureSerializer(serializers.ModelSerializer):
    class Meta:
        model = DepartureRegistration
        fields = ["id", *services.DEPARTURE_FIELDS]


class AssistanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assistance
        fields = ["id", *services.ASSISTANCE_FIELDS, "version"]


class ChildListSerializer(MaskingMixin, serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = Child
        fields = ["id", "name", "name_pinyin", "sex", "birth_date", "id_number", "village", "village_name", "status", "household", "version"]


class ChildDetailSerializer(MaskingMixin, serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    household = HouseholdSerializer(read_only=True)
    guardians = GuardianSerializer(many=True, read_only=True)
    caregiver = serializers.SerializerMethodField()
    care_history = serializers.SerializerMethodField()
    departures = DepartureSerializer(many=True, read_only=True)
    assistance = serializers.SerializerMethodField()
    assistance_restricted = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = ["id", *services.CHILD_FIELDS, "name_pinyin", "name_initials", "village_name", "status", "status_reason", "status_date",
                  "version", "created_at", "updated_at", "household", "guardians", "caregiver", "care_history", "departures",
                  "assistance", "assistance_restricted"]

    @extend_schema_field(CareSerializer(allow_null=True))
    def get_caregiver(self, obj):
        current = next((c for c in obj.care_arrangements.all() if c.end is None), None)
        return CareSerializer(current, context=self.context).data if current else None

    @extend_schema_field(CareSerializer(many=True))
    def get_care_history(self, obj):
        return CareSerializer([c for c in obj.care_arrangements.all() if c.end is not None], many=True, context=self.context).data

    @extend_schema_field(AssistanceSerializer(many=True))
    def get_assistance(self, obj):
        return AssistanceSerializer(masking.visible_rows(_user(self), obj.assistance.all()), many=True, context=self.context).data

    @extend_schema_field(serializers.IntegerField(help_text=_("本角色看不到的受限救助记录条数")))
    def get_assistance_restricted(self, obj):
        return masking.restricted_count(_user(self), obj.assistance.all())


_MESSAGES = {"invalid_choice": "取值“{input}”无效", "max_length": "不能超过 {max_length} 个字符"}


def _chinese_messages(fields) -> None:
    """Our wording for a wrong choice, date or length wherever the field still has DRF's default (compared with
    the field class's own default, so it works whatever the active language); messages a serializer sets stay."""
    for f in fields.values():
        defaults = {}
        for klass in reversed(type(f).__mro__):
            defaults.update({k: str(v) for k, v in getattr(klass, "default_error_messages", {}).items()})
        for key, message in _MESSAGES.items():
            if key in f.error_messages and str(f.error_messages[key]) == defaults.get(key):
                f.error_messages[key] = message
        if isinstance(f, serializers.DateField) and str(f.error_messages.get("invalid")) == defaults.get("invalid"):
            f.error_messages["invalid"] = _("日期格式错误，应为 YYYY-MM-DD")


def _conflict(exc: services.EditConflictError) -> Response:
    """409: someone saved in between; the current version and what they changed."""
    return Response({"non_field_errors": exc.messages, "current_version": exc.obj.version,
                     "changes": [{**c, "at": c["at"].isoformat() if c.get("at") else None} for c in exc.changes]},
                    status=status.HTTP_409_CONFLICT)


VERSION_HELP = "您读取该记录时的版本号（version）；修改时必填，他人已在此期间保存则返回 409 及其修改内容"


def _version_field(required: bool = False):
    return serializers.IntegerField(required=required, write_only=True, help_text=VERSION_HELP,
                                    error_messages={"required": _("请提供您读取记录时的 version（版本号），以免覆盖他人的修改"), "invalid": _("version（版本号）应为整数")})


class ChildWriteSerializer(serializers.ModelSerializer):
    """Input for create and update. Field rules are the services' (the same as the page's form)."""

    village = serializers.PrimaryKeyRelatedField(queryset=Region.objects.none(), label="所在村（社区）", required=False,
                                                 error_messages={"does_not_exist": "区划代码“{pk_value}”不存在或不在您的辖区内", "required": "请选择所在村（社区）"})
    confirm_similar = serializers.BooleanField(required=False, default=False, write_only=True)
    version = _version_field()

    class Meta:
        model = Child
        fields = [*services.CHILD_FIELDS, "confirm_similar", "version"]
        extra_kwargs = {
            "id_number": {"validators": [], "allow_null": True, "required": False},
            "name": {"error_messages": {"required": "请填写姓名", "blank": "请填写姓名"}},
            "sex": {"error_messages": {"required": "请选择性别（男或女）", "invalid_choice": "性别“{input}”无效，应为 M（男）或 F（女）"}},
            "birth_date": {"error_messages": {"required": "请填写出生日期", "invalid": "出生日期格式错误，应为 YYYY-MM-DD"}},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            self.fields["village"].queryset = Region.objects.visible_to(user, "core.view_regions").filter(level="village")
            from tonghu.accounts.models import User

            if "director" in self.fields:
                self.fields["director"].queryset = User.objects.visible_to(user, VIEW).filter(role="child_director")
            if not masking.can_view_sensitive(user):
                for name in ("hiv_infected", "hiv_evidence", "abuse_history"):
                    self.fields.pop(name, None)
        _chinese_messages(self.fields)

    def validate(self, attrs):
        if self.instance is None and "village" not in attrs:
            raise serializers.ValidationError({"village": [_("请选择所在村（社区）")]})
        return attrs


class ChildUpdateSerializer(ChildWriteSerializer):
    """Input for ``PUT``/``PATCH`` of a file: the fields of :class:`ChildWriteSerializer` plus the mandatory ``version``
    (required in a PATCH too: ``required_on_update``, honoured by the schema, docs/api)."""

    version = _version_field(required=True)
    required_on_update = ("version",)

    class Meta(ChildWriteSerializer.Meta):
        fields = services.CHILD_FIELDS + ["version"]


class _SubWriteSerializer(serializers.ModelSerializer):
    """Input for a row of a file (guardian, care, assistance): field types here, rules in the services."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        sensitive = masking.can_view_sensitive(user)
        for name in list(self.fields):
            if not sensitive and masking.is_sensitive_field(self.Meta.model, name):
                self.fields.pop(name)  # unknown fields are ignored by DRF: refused explicitly in validate()
        _chinese_messages(self.fields)

    version = _version_field()

    def validate(self, attrs):
        hidden = sorted(k for k in getattr(self, "initial_data", {}) if masking.is_sensitive_field(self.Meta.model, k) and k not in self.fields)
        if hidden:
            raise serializers.ValidationError({k: [_("您的角色无权填写受限信息")] for k in hidden})
        return attrs


class GuardianWriteSerializer(_SubWriteSerializer):
    class Meta:
        model = Guardian
        fields = [*services.GUARDIAN_FIELDS, "version"]
        extra_kwargs = {"id_number": {"validators": []}}


class GuardianUpdateSerializer(GuardianWriteSerializer):
    version = _version_field(required=True)
    required_on_update = ("version",)


class CareWriteSerializer(_SubWriteSerializer):
    class Meta:
        model = CareArrangement
        fields = [*services.CARE_FIELDS, "end", "end_reason", "version"]


class AssistanceWriteSerializer(_SubWriteSerializer):
    class Meta:
        model = Assistance
        fields = [*services.ASSISTANCE_FIELDS, "version"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("scheme") in masking.SENSITIVE_SCHEMES and not masking.can_view_sensitive(_user(self)):
            raise serializers.ValidationError({"scheme": [_("您的角色无权登记该救助项目（受限信息）")]})
        return attrs


class CareUpdateSerializer(CareWriteSerializer):
    version = _version_field(required=True)
    required_on_update = ("version",)


class AssistanceUpdateSerializer(AssistanceWriteSerializer):
    version = _version_field(required=True)
    required_on_update = ("version",)


def _drf_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}


class ChildViewSet(IdempotentAPIMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Children's files in the caller's region. Retrieving one is audited like opening the page."""

    model = Child
    capability = VIEW
    write_capability = EDIT
    filterset_class = ChildFilterSet

    def get_serializer_class(self):
        if self.action == "guardians":
            return GuardianWriteSerializer
        if self.action == "guardian":
            return GuardianUpdateSerializer
        if self.action == "care":
            return CareWriteSerializer
        if self.action == "care_row":
            return CareUpdateSerializer
        if self.action == "assistance":
            return AssistanceWriteSerializer
        if self.action == "assistance_row":
            return AssistanceUpdateSerializer
        if self.action == "list":
            return ChildListSerializer
        if self.action == "create":
            return ChildWriteSerializer
        if self.action in ("update", "partial_update"):
            return ChildUpdateSerializer
        return ChildDetailSerializer

    def get_queryset(self):
        qs = super().get_queryset().select_related("village")
        if self.action == "list" and not self.request.query_params.get("ordering"):
            qs = qs.order_by("village_id", "name_pinyin", "id")
        return qs

    def get_object(self):
        if self.action in ("update", "partial_update", "guardians", "guardian", "care", "care_row", "assistance", "assistance_row"):
            from .selectors import child_for_edit

            return child_for_edit(user=self.request.user, pk=self.kwargs["pk"])
        return child_open(fetched_by=self.request.user, pk=self.kwargs["pk"])

    def _detail(self, child, code=status.HTTP_200_OK):
        child = child_file_queryset(Child.objects.filter(pk=child.pk)).get()
        return Response(ChildDetailSerializer(child, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ChildWriteSerializer, responses={201: ChildDetailSerializer})
    def create(self, request, *args, **kwargs):
        replayed = self.replay(request, lambda child: self._detail(child, status.HTTP_201_CREATED))
        if replayed is not None:  # the same Idempotency-Key made this file before: nothing new
            return replayed
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_similar", False)
        data.pop("version", None)
        try:
            child, _created = self.create_once(request, lambda: services.child_create(actor=request.user, data=data, confirm_similar=confirm))
        except services.DuplicateChildError as exc:
            return Response(_duplicate_body(exc.report), status=status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as exc:
            return Response(_drf_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return self._detail(child, status.HTTP_201_CREATED)

    @extend_schema(request=ChildUpdateSerializer, responses={200: ChildDetailSerializer})
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        child = self.get_object()
        serializer = self.get_serializer(child, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("confirm_similar", None)
        version = data.pop("version", None)  # PATCH is partial: a missing version is refused by the service (400)
        try:
            child = services.child_update(actor=request.user, child=child, data=data, expected_version=version)
        except services.EditConflictError as exc:
            return _conflict(exc)
        except services.DuplicateChildError as exc:
            return Response(_duplicate_body(exc.report), status=status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as exc:
            return Response(_drf_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return self._detail(child)


    @extend_schema(request=ChildUpdateSerializer, responses={200: ChildDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    # --- the rows of a file ------------------------------------------------------------------------------------
    def _write(self, serializer_class, func, read_serializer, *, instance=None, created: bool):
        """Validate the body, then ``func(data, version)`` (``version``: what the client read; ``None`` when not
        sent, which the update services refuse)."""

        def render(row):
            return Response(read_serializer(row, context=self.get_serializer_context()).data,
                            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

        replayed = self.replay(self.request, render)  # the same Idempotency-Key saved this before: nothing new
        if replayed is not None:
            return replayed
        serializer = serializer_class(instance, data=self.request.data, partial=instance is not None, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        try:
            row, _created = self.create_once(self.request, lambda: func(data, version))
        except services.EditConflictError as exc:
            return _conflict(exc)
        except DjangoValidationError as exc:
            return Response(_drf_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return render(row)

    @extend_schema(request=GuardianWriteSerializer, responses={201: GuardianSerializer})
    @action(detail=True, methods=["post"], url_path="guardians", url_name="guardians")
    def guardians(self, request, pk=None):
        """Add a father, mother or other guardian (the facts the rules need, each with its date and evidence)."""
        child = self.get_object()
        return self._write(GuardianWriteSerializer, lambda data, _v: services.guardian_save(actor=request.user, child=child, data=data),
                           GuardianSerializer, created=True)

    @extend_schema(request=GuardianUpdateSerializer, responses={200: GuardianSerializer})
    @action(detail=True, methods=["patch"], url_path=r"guardians/(?P<gpk>[0-9]+)", url_name="guardian")
    def guardian(self, request, pk=None, gpk=None):
        """Change a guardian; send the ``version`` you read (409 with the other person's changes otherwise)."""
        child = self.get_object()
        guardian = get_object_or_404(Guardian, pk=gpk, child=child)
        return self._write(GuardianUpdateSerializer,
                           lambda data, version: services.guardian_save(actor=request.user, child=child, guardian=guardian, data=data, expected_version=version),
                           GuardianSerializer, instance=guardian, created=False)

    @extend_schema(request=CareWriteSerializer, responses={201: CareSerializer})
    @action(detail=True, methods=["post"], url_path="care", url_name="care")
    def care(self, request, pk=None):
        """Record a new caregiver (R-F1): the current arrangement ends the day the new one starts."""
        child = self.get_object()
        return self._write(CareWriteSerializer, lambda data, _v: services.care_start(actor=request.user, child=child, data=data),
                           CareSerializer, created=True)

    @extend_schema(request=CareUpdateSerializer, responses={200: CareSerializer})
    @action(detail=True, methods=["patch"], url_path=r"care/(?P<cpk>[0-9]+)", url_name="care-row")
    def care_row(self, request, pk=None, cpk=None):
        """Change a care arrangement; send the ``version`` you read (409 with the other person's changes otherwise)."""
        child = self.get_object()
        care = get_object_or_404(CareArrangement, pk=cpk, child=child)
        return self._write(CareUpdateSerializer, lambda data, version: services.care_update(actor=request.user, care=care, data=data, expected_version=version),
                           CareSerializer, instance=care, created=False)

    @extend_schema(request=AssistanceWriteSerializer, responses={201: AssistanceSerializer})
    @action(detail=True, methods=["post"], url_path="assistance", url_name="assistance")
    def assistance(self, request, pk=None):
        """Record an assistance scheme the child receives (amount per month, period)."""
        child = self.get_object()
        return self._write(AssistanceWriteSerializer, lambda data, _v: services.assistance_add(actor=request.user, child=child, data=data),
                           AssistanceSerializer, created=True)

    @extend_schema(request=AssistanceUpdateSerializer, responses={200: AssistanceSerializer})
    @action(detail=True, methods=["patch"], url_path=r"assistance/(?P<apk>[0-9]+)", url_name="assistance-row")
    def assistance_row(self, request, pk=None, apk=None):
        """Change an assistance row; send the ``version`` you read (409 with the other person's changes otherwise)."""
        child = self.get_object()
        row = get_object_or_404(Assistance, pk=apk, child=child)
        if masking.is_sensitive_row(row) and not masking.can_view_sensitive(request.user):
            raise NotFound
        return self._write(AssistanceUpdateSerializer, lambda data, version: services.assistance_update(actor=request.user, assistance=row, data=data, expected_version=version),
                           AssistanceSerializer, instance=row, created=False)


def _duplicate_body(report) -> dict:
    body = {"id_number" if report.id_blocking else "non_field_errors": [report.message]}
    if report.id_match_visible is not None:
        body["existing"] = report.id_match_visible.pk
    if report.similar:
        body["similar"] = [{"id": c.pk, "name": c.name, "birth_date": c.birth_date.isoformat(), "village": c.village.name} for c in report.similar]
    if report.needs_confirmation and not report.id_blocking:
        body["confirm_similar"] = [_("如确认是另一名儿童，请带 confirm_similar: true 再次提交")]
    return body


def register(router) -> None:
    router.register("children", ChildViewSet, basename="child")

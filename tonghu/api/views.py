from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from tonghu.accounts import two_factor
from tonghu.accounts.services import token_issue
from tonghu.audit.models import AuditEntry
from tonghu.core.middleware import client_ip
from tonghu.core.models import Job, Region

from .base import LookupGuardMixin, ScopedReadOnlyViewSet
from .serializers import AuditEntrySerializer, JobSerializer, MeSerializer, RegionSerializer


@extend_schema_view(retrieve=extend_schema(parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description="12 位统计用区划代码")]))
class RegionViewSet(ScopedReadOnlyViewSet):
    """Regions inside the caller's region. Filter with ``?parent=<code>`` or ``?level=``."""

    model = Region
    capability = "core.view_regions"
    serializer_class = RegionSerializer
    filterset_fields = ["parent", "level", "kind"]


class JobViewSet(LookupGuardMixin, viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The caller's own background jobs, with status and progress."""

    capability = "core.run_jobs"
    serializer_class = JobSerializer
    scope_note = "the caller's own jobs (created_by = user)"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return Job.objects.none()
        return Job.objects.filter(created_by=self.request.user)


@extend_schema_view(retrieve=extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="序号（审计链中的位置）")]))
class AuditEntryViewSet(ScopedReadOnlyViewSet):
    """The audit trail within the auditor's region (read-only)."""

    model = AuditEntry
    capability = "audit.view"
    serializer_class = AuditEntrySerializer
    filterset_fields = ["action", "object_type", "object_id", "actor_name"]


class MeView(APIView):
    scope_note = "the caller's own account"
    """Who am I: role, region, capabilities."""

    capability_optional = True
    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


@extend_schema(
    request=inline_serializer("TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField(),
                                               "otp": serializers.CharField(required=False, help_text="两步验证码或恢复码（系统管理员、县级民政负责人、审计员、省级民政工作人员必填）")}),
    responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}),
               400: inline_serializer("TokenError", {"detail": serializers.CharField(required=False, help_text="用户名或密码错误"),
                                                     "otp": serializers.ListField(child=serializers.CharField(), required=False, help_text="两步验证码的问题")})},
)
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request):
    """Exchange username and password for an API token (same lockout rules as the login page). The token expires
    after ``TONGHU_TOKEN_HOURS`` hours, or after the session idle time without use, and is revoked by a password
    change, a deactivation or "sign out everywhere"."""
    user = authenticate(request._request, username=request.data.get("username", ""), password=request.data.get("password", ""))
    if user is None:
        return Response({"detail": _("用户名或密码错误，或账号已被暂时锁定。")}, status=status.HTTP_400_BAD_REQUEST)
    if two_factor.required(user):
        from django_otp import match_token, user_has_device

        if not user_has_device(user):
            return Response({"otp": [_("您的角色须使用两步验证：请先在网页上登录并设置两步验证，再获取接口令牌。")]}, status=status.HTTP_400_BAD_REQUEST)
        if match_token(user, str(request.data.get("otp", "")).replace(" ", "")) is None:
            return Response({"otp": [_("两步验证码不正确、已过期或已用过。")]}, status=status.HTTP_400_BAD_REQUEST)
    token, key = token_issue(user=user, ip=client_ip(request._request))
    return Response({"token": key, "expires_at": token.expires_at})


obtain_token.cls.throttle_classes = [TokenThrottle]
obtain_token.cls.unscoped_reason = "exchanges the caller's own password for a token: no data of others"

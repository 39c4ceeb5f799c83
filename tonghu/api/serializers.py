from rest_framework import serializers

from tonghu.audit.models import AuditEntry
from tonghu.core.capabilities import capabilities
from tonghu.core.models import Job, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "parent", "level", "kind", "urban_rural"]


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "label", "status", "done", "total", "percent", "message", "errors", "result", "created_at", "started_at", "finished_at"]


class AuditEntrySerializer(serializers.ModelSerializer):
    # ``summary`` in the caller's language; ``summary_stored`` is the stored column (a language-neutral message id +
    # parameters, or plain text for old entries) — the value the hash chain covers.
    summary = serializers.CharField(source="summary_text", read_only=True)
    summary_stored = serializers.CharField(source="summary", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["seq", "at", "actor_name", "ip", "action", "object_type", "object_id", "object_repr", "region_code", "summary",
                  "summary_stored", "changes", "hash"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    region = serializers.CharField(source="region_id", allow_null=True)
    department = serializers.CharField()
    capabilities = serializers.SerializerMethodField()

    def get_capabilities(self, user) -> list[str]:
        return [c for c, (roles, _d) in capabilities().items() if user.role in roles]

"""Jurisdiction profiles in the database, and each child's stored classification, history and 应保尽保 gaps.

* :class:`PolicyProfile` / :class:`PolicyProfileVersion` hold the same documents as ``profiles/*.yaml`` (seeded
  from them by ``tonghu policy-load``). A version is never edited in place: an administrator's change is a NEW
  version with its own ``effective_from`` (``services.profile_version_create``). ``tonghu.policy.store`` builds the
  engine's :class:`~tonghu.policy.profile.Profile` objects from these rows.
* :class:`ChildClassification` is the one stored result per child (for listing and the file page), written only by
  ``services.classification_refresh``; :class:`ClassificationChange` keeps every change of status;
  :class:`EntitlementGap` / :class:`GapDecision` are the 应保尽保 list and the officers' decisions on it.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.scoping import ScopedManager


class Origin(models.TextChoices):
    FILE = "file", _("规则文件")
    ADMIN = "admin", _("管理员修改")


class PolicyProfile(models.Model):
    """One jurisdiction's rules (方案). ``region_prefix`` "" is the national default."""

    key = models.SlugField(_("方案代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("上级方案"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    region_prefix = models.CharField(_("适用区划代码前缀"), max_length=12, blank=True, db_index=True)
    region_source = models.TextField(_("适用范围依据"))
    document_zh = models.TextField(_("依据文件"), blank=True)
    seed = models.CharField(_("方案编号"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("认定规则方案")
        verbose_name_plural = _("认定规则方案")
        ordering = ["region_prefix", "key"]

    def __str__(self) -> str:
        return self.name_zh


class PolicyProfileVersion(models.Model):
    """A dated set of changes to a profile (only what differs from the parent and from earlier versions)."""

    profile = models.ForeignKey(PolicyProfile, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("版本号"), max_length=40)
    effective_from = models.DateField(_("生效日期"))
    source = models.TextField(_("版本依据"))
    settings = models.JSONField(_("设置"), encoder=DjangoJSONEncoder, default=dict)
    reason = models.TextField(_("修改说明"), blank=True)
    origin = models.CharField(_("来源"), max_length=10, choices=Origin.choices, default=Origin.FILE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["profile_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "version"], name="policy_version_label_unique"),
            models.UniqueConstraint(fields=["profile", "effective_from"], name="policy_version_date_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.profile.key}@{self.version}"


class ChildClassification(models.Model):
    """The current classification of one child (R-A1–A5), with its explanation, gaps and next change date."""

    region_field = "child__village__code"

    child = models.OneToOneField("registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="classification")
    on = models.DateField(_("认定日期"))
    categories = models.JSONField(_("所属类别"), default=list)
    pending = models.JSONField(_("待补证明的类别"), default=list)
    # " left_behind in_difficulty in_difficulty.orphan " — a plain text column so a sub-category filter is a LIKE
    # on SQLite and PostgreSQL alike (JSON containment is not portable); the three groups have indexed booleans.
    categories_text = models.CharField(_("类别检索"), max_length=400, blank=True)
    left_behind = models.BooleanField(_("农村留守儿童"), default=False, db_index=True)
    in_difficulty = models.BooleanField(_("困境儿童"), default=False, db_index=True)
    single_parent = models.BooleanField(_("单亲家庭儿童"), default=False, db_index=True)
    explanation = models.JSONField(_("认定说明"), default=dict, encoder=DjangoJSONEncoder)
    gaps = models.JSONField(_("应享未享"), default=list, encoder=DjangoJSONEncoder)
    gap_count = models.PositiveSmallIntegerField(_("应享未享项数"), default=0)
    profile_key = models.CharField(_("方案"), max_length=40)
    profile_version = models.CharField(_("方案版本"), max_length=200)
    next_change_on = models.DateField(_("下次随时间变化日期"), null=True, blank=True, db_index=True)
    next_change = models.JSONField(_("下次变化"), null=True, blank=True)
    facts_hash = models.CharField(_("事实摘要"), max_length=40, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScopedManager()

    class Meta:
        ordering = ["child_id"]
        verbose_name = _("儿童类别认定")
        verbose_name_plural = _("儿童类别认定")

    def __str__(self) -> str:
        return f"{self.child_id}: {' '.join(self.categories)}"


class ChangeTrigger(models.TextChoices):
    INITIAL = "initial", _("首次认定")
    FACTS = "facts", _("档案信息变更")
    DATE = "date", _("时间推移（年龄、期限）")
    PROFILE = "profile", _("认定规则调整")
    MANUAL = "manual", _("人工重新认定")


class ClassificationChange(models.Model):
    """One change of a child's status (categories entered / left), kept forever (R-A4)."""

    region_field = "child__village__code"

    child = models.ForeignKey("registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="classification_changes")
    on = models.DateField(_("变化日期"))
    from_categories = models.JSONField(_("变化前类别"), default=list)
    to_categories = models.JSONField(_("变化后类别"), default=list)
    from_pending = models.JSONField(_("变化前待补证明"), default=list)
    to_pending = models.JSONField(_("变化后待补证明"), default=list)
    entered = models.JSONField(_("新进入"), default=list)
    left = models.JSONField(_("退出"), default=list)
    trigger = models.CharField(_("原因类型"), max_length=10, choices=ChangeTrigger.choices)
    reason = models.TextField(_("原因"))
    profile_key = models.CharField(_("方案"), max_length=40)
    profile_version = models.CharField(_("方案版本"), max_length=200)
    notified = models.JSONField(_("已通知"), default=list)  # [username, …]
    actor = models.ForeignKey(django_settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("类别变化记录")
        verbose_name_plural = _("类别变化记录")
        ordering = ["child_id", "-on", "-id"]
        indexes = [models.Index(fields=["child", "on"], name="policy_change_child_on")]

    def __str__(self) -> str:
        return f"{self.child_id} · {self.on} · {self.get_trigger_display()}"


class GapStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("符合条件")
    PENDING_EVIDENCE = "pending_evidence", _("符合条件，待补证明")


class Decision(models.TextChoices):
    ENROLLED = "enrolled", _("已纳入保障")
    NOT_ELIGIBLE = "not_eligible", _("经核实不符合条件")
    PENDING_EVIDENCE = "pending_evidence", _("正在补充证明材料")


class EntitlementGap(models.Model):
    """应保尽保 (R-E1): a scheme the rules grant a child that is not recorded as received.

    ``open``: the engine still finds the gap. The county list shows open gaps without a decision; a decision
    takes the gap off the list (the decision is kept in :class:`GapDecision`). A gap that closes and later opens
    again starts undecided.
    """

    region_field = "child__village__code"

    child = models.ForeignKey("registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="entitlement_gaps")
    scheme = models.CharField(_("保障项目"), max_length=40)
    status = models.CharField(_("情况"), max_length=20, choices=GapStatus.choices)
    reason_zh = models.TextField(_("原因"))
    rule = models.CharField(_("规则"), max_length=60)
    source = models.TextField(_("依据"))
    because = models.JSONField(_("触发类别"), default=list)
    open = models.BooleanField(_("仍存在"), default=True)
    first_seen_on = models.DateField(_("发现日期"))
    closed_on = models.DateField(_("消除日期"), null=True, blank=True)
    decision = models.CharField(_("处理结果"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("处理说明"), blank=True)
    decided_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("应享未享保障")
        verbose_name_plural = _("应享未享保障")
        ordering = ["child_id", "scheme"]
        constraints = [models.UniqueConstraint(fields=["child", "scheme"], name="policy_gap_child_scheme")]
        indexes = [models.Index(fields=["open", "decision"], name="policy_gap_open_decision")]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.scheme}"

    @property
    def audit_region_code(self) -> str:
        return self.child.village_id


class GapDecision(models.Model):
    """Every decision an officer recorded on a gap (append-only)."""

    region_field = "gap__child__village__code"

    gap = models.ForeignKey(EntitlementGap, verbose_name=_("应享未享保障"), on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(_("处理结果"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("处理说明"), blank=True)
    decided_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, verbose_name=_("处理人"), on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("应享未享处理记录")
        verbose_name_plural = _("应享未享处理记录")
        ordering = ["gap_id", "-decided_at"]

    def __str__(self) -> str:
        return f"{self.gap_id} · {self.get_decision_display()}"

"""Mandatory reports (强制报告) and the cases that follow them (R-F2–R-F6).

A ``Report`` is what a reporter (or the 12345 hotline operator) files. It is routed to receiving departments, each
with an acceptance ``Deadline``. When civil affairs accepts it, a ``Case`` is opened (one per report) and handled:
risk ``Assessment`` → ``Conference`` → ``Intervention``s → ``Placement`` → ``Referral``s → ``FollowUp``s → closure
approved by a county manager (→ reopen). Every step is an ``Event`` with a timestamp. The procuratorate records
a ``Review`` of every case and may flag units that failed to report (``TracebackFlag``).

Scoping: every model's ``region_field`` leads to the report's ``region`` — the child's village, or for an unknown
child the place the reporter named. Case details are further limited to the case team (``selectors``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Department
from tonghu.core.scoping import ScopedManager


class Situation(models.TextChoices):
    """The nine statutory situations of the 2020 opinion (DOMAIN.md "Mandatory reporting"), plus other."""

    PRIVATE_INJURY = "private_injury", _("（一）生殖器官或隐私部位遭受或疑似遭受非正常损伤")
    GIRL_UNDER14 = "girl_under14_sexual", _("（二）不满14周岁的女童遭受或疑似遭受性侵害、怀孕、流产")
    GIRL_14PLUS = "girl_14plus_sexual", _("（三）14周岁以上女性未成年人遭受或疑似遭受性侵害所致怀孕、流产")
    INJURIES = "injuries_violence", _("（四）多处损伤、严重营养不良、意识不清，疑似遭受家庭暴力、欺凌、虐待、殴打或被麻醉")
    ABNORMAL = "abnormal_harm", _("（五）因自杀、自残、工伤、中毒、被麻醉、殴打等非正常原因导致伤残、死亡")
    ABANDONED = "abandonment", _("（六）被遗弃或长期处于无人照料状态")
    MISSING = "missing_trafficked", _("（七）来源不明、失踪或者被拐卖、收买")
    BEGGING = "organised_begging", _("（八）被组织乞讨")
    OTHER_SERIOUS = "other_serious", _("（九）其他严重侵害身心健康的情形或正面临不法侵害危险")
    OTHER = "other", _("其他情况（非法定情形）")


class Channel(models.TextChoices):
    FORM = "form", _("报告人填报")
    HOTLINE = "hotline", _("12345/未成年人保护热线")
    VISIT = "visit", _("入户走访发现")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    CLOSED = "closed", _("已办结")


class Report(models.Model):
    """A mandatory report (强制报告, R-C5): who reported what about which child, where, and how it was routed."""

    region_field = "region__code"

    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices, default=Channel.FORM)
    situation = models.CharField(_("情形"), max_length=30, choices=Situation.choices)
    status = models.CharField(_("状态"), max_length=15, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    profile_key = models.CharField(_("适用方案"), max_length=30, blank=True)

    # The child: a file, or a description of an unknown child.
    child = models.ForeignKey("registry.Child", verbose_name=_("儿童档案"), null=True, blank=True, on_delete=models.PROTECT, related_name="mandatory_reports")
    child_id_number = models.CharField(_("儿童身份证号"), max_length=18, blank=True)
    child_name = models.CharField(_("儿童姓名"), max_length=50, blank=True)
    child_age = models.PositiveSmallIntegerField(_("大致年龄"), null=True, blank=True)
    child_sex = models.CharField(_("性别"), max_length=1, blank=True, choices=[("M", _("男")), ("F", _("女"))])
    child_description = models.TextField(_("儿童情况描述"), blank=True)

    what_happened = models.TextField(_("发生了什么"))
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    occurred_place = models.CharField(_("发生地点"), max_length=200, blank=True)
    immediate_danger = models.BooleanField(_("儿童正面临紧急危险"), default=False)

    # Who reported (confidential to the case team).
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人账号"), null=True, blank=True, on_delete=models.PROTECT, related_name="filed_reports")
    reporter_name = models.CharField(_("报告人"), max_length=50, blank=True)
    reporter_unit = models.CharField(_("报告单位"), max_length=100, blank=True)
    reporter_department = models.CharField(_("报告单位类别"), max_length=30, choices=Department.choices, blank=True)
    reporter_phone = models.CharField(_("报告人电话"), max_length=30, blank=True)
    # Hotline calls.
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    callback_number = models.CharField(_("回拨号码"), max_length=30, blank=True)
    call_record = models.TextField(_("来电内容"), blank=True)
    source_ref = models.CharField(_("来源记录"), max_length=50, blank=True)

    submitted_at = models.DateTimeField(_("报告时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    feedback = models.TextField(_("给报告人的反馈"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("强制报告")
        verbose_name_plural = _("强制报告")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["submitted_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"BG{self.submitted_at:%Y}{self.pk or 0:06d}" if self.submitted_at else "BG"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def child_label(self) -> str:
        if self.child_id:
            return self.child.name
        bits = [self.child_name or str(_("未知姓名"))]
        if self.child_age is not None:
            bits.append(str(_("约%(n)d岁")) % {"n": self.child_age})
        return "，".join(bits)


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    ASSESSED = "assessed", _("已评估")
    IN_PROGRESS = "in_progress", _("处置中")
    CLOSURE_PENDING = "closure_pending", _("待审批结案")
    CLOSED = "closed", _("已结案")


class RiskLevel(models.TextChoices):
    MISSING = "missing", _("监护缺失")
    IMPROPER = "improper", _("监护失当")
    INSUFFICIENT = "insufficient", _("监护不足")
    NORMAL = "normal", _("监护正常")


class Case(models.Model):
    """A case (个案) opened when a civil-affairs office accepts a report; its team works it until closure."""

    region_field = "region__code"

    report = models.OneToOneField(Report, verbose_name=_("强制报告"), on_delete=models.PROTECT, related_name="case")
    region = models.ForeignKey("core.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("registry.Child", verbose_name=_("儿童档案"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACCEPTED)
    risk_level = models.CharField(_("监护风险等级"), max_length=15, choices=RiskLevel.choices, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理人"), on_delete=models.PROTECT, related_name="+")
    closure_summary = models.TextField(_("结案小结"), blank=True)
    outcome_for_reporter = models.TextField(_("告知报告人的处理结果"), blank=True)
    closure_requested_at = models.DateTimeField(_("申请结案时间"), null=True, blank=True)
    closure_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请结案人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结案审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reopen_count = models.PositiveSmallIntegerField(_("重新开启次数"), default=0)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CaseMember", through_fields=("case", "user"), related_name="case_memberships", verbose_name=_("个案团队"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("个案")
        verbose_name_plural = _("个案")
        ordering = ["-accepted_at", "-id"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"GA{self.accepted_at:%Y}{self.pk or 0:06d}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class CaseMember(models.Model):
    """A member of a case's team (besides the county staff, who are members by office)."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("分工"), max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("个案团队成员")
        verbose_name_plural = _("个案团队成员")
        ordering = ["case_id", "added_at", "id"]
        unique_together = [("case", "user")]

    def __str__(self) -> str:
        return f"{self.case} · {self.user}"


class DeadlineKind(models.TextChoices):
    ACCEPT = "accept", _("受理（签收）")
    ASSESS = "assess", _("初步处置（监护风险评估）")
    CONFERENCE = "conference", _("个案会商")


class Deadline(models.Model):
    """One timed step — stored as data so pages list what is due and the escalation job finds what is late."""

    region_field = "report__region__code"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("事项"), max_length=15, choices=DeadlineKind.choices)
    department = models.CharField(_("责任部门"), max_length=30, choices=Department.choices)
    due_at = models.DateTimeField(_("时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalation_level = models.PositiveSmallIntegerField(_("已上报层级"), default=0)
    escalated_at = models.DateTimeField(_("最近上报时间"), null=True, blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["done_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()} · {self.due_at:%Y-%m-%d %H:%M}"

    def is_overdue(self, now) -> bool:
        return (self.done_at or now) > self.due_at


class Event(models.Model):
    """The timeline: every step with its timestamp (team view)."""

    region_field = "report__region__code"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    text = models.CharField(_("事项"), max_length=300)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.at:%Y-%m-%d %H:%M} · {self.text}"


class Assessment(models.Model):
    """A guardianship risk assessment of a case: indicator scores, the level they give, and the level decided."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("评估日期"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评估人"), on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("指标评分"), default=dict)
    total = models.PositiveSmallIntegerField(_("总分"), default=0)
    computed_level = models.CharField(_("按评分得出的等级"), max_length=15, choices=RiskLevel.choices)
    level = models.CharField(_("监护风险等级"), max_length=15, choices=RiskLevel.choices)
    override_reason = models.TextField(_("调整等级的理由"), blank=True)
    notes = models.TextField(_("评估说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("监护风险评估")
        verbose_name_plural = _("监护风险评估")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.assessed_on} · {self.get_level_display()}"


class Conference(models.Model):
    """A case conference (个案会商): who took part, the minutes and the decisions."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField(_("会商日期"))
    participants = models.TextField(_("参会单位和人员"))
    minutes = models.TextField(_("会商纪要"))
    decisions = models.TextField(_("会商决定"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("个案会商")
        verbose_name_plural = _("个案会商")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.held_on}"


class InterventionKind(models.TextChoices):
    """R-F4 legal measures."""

    ADMIN_PENALTY = "admin_penalty", _("行政处罚")
    CRIMINAL = "criminal_case", _("刑事立案侦查")
    PROTECTION_ORDER = "protection_order", _("人身安全保护令")
    REVOCATION = "guardianship_revocation", _("撤销监护人资格")
    FAMILY_EDUCATION = "family_education", _("家庭教育指导（令）")
    SUPERVISION_ORDER = "guardianship_supervision_order", _("督促监护令")
    SUGGESTION = "judicial_suggestion", _("司法建议或检察建议")
    PUBLIC_INTEREST = "public_interest_litigation", _("公益诉讼")
    OTHER = "other", _("其他措施")


class Intervention(models.Model):
    """An intervention of a department in a case (e.g. a written warning, a protection order), with its document."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(_("干预措施"), max_length=40, choices=InterventionKind.choices)
    department = models.CharField(_("责任部门"), max_length=30, choices=Department.choices)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("完成日期"), null=True, blank=True)
    document_number = models.CharField(_("文书名称及文号"), max_length=150, blank=True)
    document = models.FileField(_("文书扫描件"), upload_to="cases/documents/%Y/", blank=True)
    description = models.TextField(_("情况说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("干预措施")
        verbose_name_plural = _("干预措施")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()} · {self.started_on}"


class PlacementKind(models.TextChoices):
    """R-F5 temporary guardianship placements."""

    RELATIVES = "relatives", _("委托亲属抚养")
    FOSTER = "foster_family", _("家庭寄养")
    PROTECTION_INSTITUTION = "protection_institution", _("未成年人救助保护机构")
    WELFARE_INSTITUTION = "welfare_institution", _("儿童福利机构")


class Placement(models.Model):
    """A temporary placement of the child (relatives, an institution) during a case."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(_("临时监护方式"), max_length=30, choices=PlacementKind.choices)
    placed_with = models.CharField(_("安置去向（亲属姓名或机构名称）"), max_length=150)
    started_on = models.DateField(_("安置日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("临时安置")
        verbose_name_plural = _("临时安置")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()} · {self.started_on}"


class ReferralTarget(models.TextChoices):
    SERVICE = "service", _("服务项目")
    INSTITUTION = "institution", _("机构")
    DEPARTMENT = "department", _("部门")


class Referral(models.Model):
    """A referral of a case to a service provider or another body, and whether and how it was taken up."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    target_kind = models.CharField(_("转介对象类别"), max_length=15, choices=ReferralTarget.choices)
    target_name = models.CharField(_("转介对象"), max_length=150)
    referred_on = models.DateField(_("转介日期"))
    reason = models.TextField(_("转介事由"), blank=True)
    accepted = models.BooleanField(_("对方是否接收"), null=True, blank=True)
    accepted_on = models.DateField(_("接收日期"), null=True, blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    result_on = models.DateField(_("结果日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.target_name} · {self.referred_on}"


class FollowUp(models.Model):
    """A follow-up visit after an intervention or placement."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    visited_on = models.DateField(_("回访日期"))
    notes = models.TextField(_("回访情况"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.visited_on}"


class Review(models.Model):
    """Procuratorate review (每案必查, R-F3)."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("检察监督员"), on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审查时间"))
    findings = models.TextField(_("审查意见"))
    compliant = models.BooleanField(_("受理处置是否合规"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("检察监督审查")
        verbose_name_plural = _("检察监督审查")
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.reviewed_at:%Y-%m-%d}"


class TracebackFlag(models.Model):
    """A unit that should have reported but did not (倒查)."""

    region_field = "case__region__code"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="traceback_flags")
    unit_name = models.CharField(_("应报未报单位"), max_length=150)
    department = models.CharField(_("单位类别"), max_length=30, choices=Department.choices)
    reason = models.TextField(_("倒查情况"))
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("应报未报倒查")
        verbose_name_plural = _("应报未报倒查")
        ordering = ["-flagged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.unit_name}"

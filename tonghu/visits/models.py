"""Visits and tasks (R-C1–C4, R-B1): the stored schedule per child, visit records, problems followed to resolution,
monthly compliance figures, census campaigns and in-app notifications.

Everything derived (the next contact and home visit, their window and state) is computed by ONE function,
``tonghu.visits.services.schedule_refresh(child)``, stored here and indexed, so listing tasks never recomputes
anything (ARCHITECTURE rule 4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.scoping import ScopedManager


class TaskKind(models.TextChoices):
    CONTACT = "contact", _("联系")
    HOME_VISIT = "home_visit", _("入户走访")


class TaskState(models.TextChoices):
    UPCOMING = "upcoming", _("未到期")
    OPEN = "open", _("待完成")
    OVERDUE = "overdue", _("已逾期")


class Schedule(models.Model):
    """The next contact or home visit due for one child (one row per child and kind).

    ``opens_on`` ≤ ``due_on``: the window in which the task should be done; after ``due_on`` it is overdue.
    Intervals come from the jurisdiction's policy profile (``visits.*_interval``), escalated when a profile
    trigger holds (R-C2); ``reason`` says why in the words a child director reads ("加密走访：父亲重度残疾").
    ``village`` is the child's village, copied so the task list and compliance pages are one indexed scan.
    """

    region_field = "village__code"

    child = models.ForeignKey("registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="visit_schedules")
    village = models.ForeignKey("core.Region", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("任务类型"), max_length=12, choices=TaskKind.choices)
    interval_months = models.PositiveSmallIntegerField(_("间隔（月）"), default=0)
    interval_days = models.PositiveSmallIntegerField(_("间隔（天）"), default=0)
    interval_label = models.CharField(_("频次"), max_length=40)
    escalated = models.BooleanField(_("加密走访"), default=False)
    # Why visits are escalated, stored language-neutral (tonghu.core.texts); templates show it with ``|stored``.
    reason = models.TextField(_("原因"), blank=True)
    last_done_on = models.DateField(_("上次完成日期"), null=True, blank=True)
    opens_on = models.DateField(_("可开始日期"))
    due_on = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=TaskState.choices, default=TaskState.UPCOMING)
    overdue_notified_on = models.DateField(_("逾期提醒日期"), null=True, blank=True)
    profile = models.CharField(_("政策方案"), max_length=40, blank=True)
    source = models.TextField(_("依据"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访任务")
        verbose_name_plural = _("走访任务")
        ordering = ["due_on", "kind", "child_id"]
        constraints = [models.UniqueConstraint(fields=["child", "kind"], name="visits_schedule_one_per_kind")]
        indexes = [
            models.Index(fields=["village", "due_on"], name="visits_sched_village_due"),
            models.Index(fields=["village", "kind", "due_on"], name="visits_sched_village_kind_due"),
            models.Index(fields=["state", "due_on"], name="visits_sched_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.get_kind_display()} {self.due_on}"

    @property
    def audit_region_code(self) -> str:
        return self.village_id


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")
    IN_PERSON = "in_person", _("当面")


class Rating(models.TextChoices):
    GOOD = "good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class ReportStatus(models.TextChoices):
    NONE = "", _("无")
    PENDING = "pending", _("待报告")
    HANDED_OVER = "handed_over", _("已移交强制报告")


class Visit(models.Model):
    """One contact or home visit (R-C1, R-C3). ``late_entry``: recorded more than the allowed days after it
    happened (back-dating is limited, see ``TONGHU['VISIT_BACKDATE_DAYS']``)."""

    region_field = "child__village__code"

    child = models.ForeignKey("registry.Child", verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(_("类型"), max_length=12, choices=TaskKind.choices)
    method = models.CharField(_("方式"), max_length=10, choices=ContactMethod.choices, default=ContactMethod.IN_PERSON)
    contacted_person = models.CharField(_("联系对象"), max_length=100, blank=True)
    date = models.DateField(_("日期"))
    late_entry = models.BooleanField(_("补录"), default=False)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+")
    people_met = models.CharField(_("见到的人"), max_length=200, blank=True)
    living_conditions = models.TextField(_("生活状况"), blank=True)
    guardianship = models.TextField(_("监护情况"), blank=True)
    caregiver_performance = models.CharField(_("照护人履责情况"), max_length=5, choices=Rating.choices, blank=True)
    schooling = models.TextField(_("就学情况"), blank=True)
    health = models.TextField(_("健康状况"), blank=True)
    psychology = models.TextField(_("心理和行为"), blank=True)
    near_water = models.BooleanField(_("居住地临水（河塘、水库等）"), null=True, blank=True)
    home_hazards = models.TextField(_("家中安全隐患"), blank=True)
    measures = models.TextField(_("采取的措施"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    harm_found = models.BooleanField(_("发现侵害或危险情形"), default=False)
    harm_situation = models.CharField(_("报告情形"), max_length=30, blank=True)
    harm_description = models.TextField(_("侵害或危险情形说明"), blank=True)
    immediate_danger = models.BooleanField(_("儿童正面临紧急危险"), default=False)
    report_status = models.CharField(_("强制报告"), max_length=12, choices=ReportStatus.choices, blank=True, default="")
    report_ref = models.CharField(_("报告编号"), max_length=60, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["child", "kind", "date"], name="visits_visit_child_kind_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    @property
    def audit_region_code(self) -> str:
        return self.child.village_id


def _photo_path(instance, filename):
    return f"visits/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    """A photo taken during a visit. Served only through the permission-checked ``visit_photo`` view."""

    region_field = "visit__child__village__code"

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=_photo_path)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class ProblemCategory(models.TextChoices):
    GUARDIANSHIP = "guardianship", _("监护照料")
    LIVING = "living", _("基本生活")
    SCHOOLING = "schooling", _("就学")
    HEALTH = "health", _("健康医疗")
    PSYCHOLOGY = "psychology", _("心理行为")
    SAFETY = "safety", _("安全隐患")
    ASSISTANCE = "assistance", _("救助保障")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("较重")
    HIGH = "high", _("严重")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已解决")
    ESCALATED = "escalated", _("已上报")


class ProblemLevel(models.IntegerChoices):
    VILLAGE = 0, _("村（社区）")
    TOWNSHIP = 1, _("乡镇（街道）")
    COUNTY = 2, _("县级")


class Problem(models.Model):
    """A problem found on a visit, followed until solved (R-C4). Left unresolved past ``due_on`` it is escalated
    to the township supervisor, then to the county (``problems_escalate``, run daily)."""

    region_field = "child__village__code"

    child = models.ForeignKey("registry.Child", verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="visit_problems")
    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="problems")
    category = models.CharField(_("问题类别"), max_length=15, choices=ProblemCategory.choices)
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("严重程度"), max_length=6, choices=Severity.choices, default=Severity.LOW)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("处理层级"), choices=ProblemLevel.choices, default=ProblemLevel.VILLAGE)
    due_on = models.DateField(_("办结期限"))
    status = models.CharField(_("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    resolution = models.TextField(_("处理情况"), blank=True)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    escalated_on = models.DateField(_("上报日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("发现的问题")
        verbose_name_plural = _("发现的问题")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="visits_problem_status_due")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:30]}"

    @property
    def audit_region_code(self) -> str:
        return self.child.village_id

    @property
    def is_open(self) -> bool:
        return self.status != ProblemStatus.RESOLVED


class MonthlyFigure(models.Model):
    """Compliance of one village in one month (kept so trends show): children scheduled, contacts and home visits
    on time (not overdue) at the time of the snapshot, overdue counts and open problems."""

    region_field = "village__code"

    village = models.ForeignKey("core.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))
    contacts_due = models.PositiveIntegerField(_("应联系人数"), default=0)
    contacts_on_time = models.PositiveIntegerField(_("按时联系人数"), default=0)
    visits_due = models.PositiveIntegerField(_("应走访人数"), default=0)
    visits_on_time = models.PositiveIntegerField(_("按时走访人数"), default=0)
    open_problems = models.PositiveIntegerField(_("未解决问题"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("月度走访统计")
        verbose_name_plural = _("月度走访统计")
        ordering = ["-month", "village_id"]
        constraints = [models.UniqueConstraint(fields=["village", "month"], name="visits_figure_village_month")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%Y-%m}"


class Campaign(models.Model):
    """A census campaign (全面摸底排查, R-B1): started by a county for its whole area or one township, with a
    deadline; every village confirms every child. Per-village progress lives in ``CampaignVillage``."""

    region_field = "scope__code"

    name = models.CharField(_("名称"), max_length=100)
    scope = models.ForeignKey("core.Region", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("截止日期"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    closed = models.BooleanField(_("已结束"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("摸底排查")
        verbose_name_plural = _("摸底排查")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignVillage(models.Model):
    """One village's part of a campaign: the children to confirm (``expected``, counted at the start) and the
    last reminder sent (days before the deadline)."""

    region_field = "village__code"

    campaign = models.ForeignKey(Campaign, verbose_name=_("摸底排查"), on_delete=models.CASCADE, related_name="villages")
    village = models.ForeignKey("core.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    expected = models.PositiveIntegerField(_("应确认人数"), default=0)
    reminded_days = models.SmallIntegerField(_("已提醒（距截止天数）"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("摸底排查（村）")
        verbose_name_plural = _("摸底排查（村）")
        ordering = ["village_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "village"], name="visits_campaign_village_once")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.village_id}"


class CensusOutcome(models.TextChoices):
    PRESENT = "present", _("仍在本村，信息无变化")
    UPDATED = "updated", _("信息已更新")
    MOVED = "moved", _("已迁出")
    NEW = "new", _("新增儿童")


class CensusConfirmation(models.Model):
    """A village's confirmation of one child in a campaign."""

    region_field = "village__code"

    campaign = models.ForeignKey(Campaign, verbose_name=_("摸底排查"), on_delete=models.CASCADE, related_name="confirmations")
    village = models.ForeignKey("core.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="census_confirmations")
    outcome = models.CharField(_("确认结果"), max_length=10, choices=CensusOutcome.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("摸排确认")
        verbose_name_plural = _("摸排确认")
        ordering = ["village_id", "child_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "child"], name="visits_census_child_once")]

    def __str__(self) -> str:
        return f"{self.child_id} {self.get_outcome_display()}"


# The in-app notification moved to core (issue 11 §3); imported here so ``from tonghu.visits.models import
# Notification`` keeps working for other branches and older code.
from tonghu.core.models import Notification  # noqa: E402,F401

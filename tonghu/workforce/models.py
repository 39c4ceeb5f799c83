"""The workforce: every child director (儿童主任) and child supervisor (儿童督导员) as a person of a real-name ledger
(R-J2), the history of who served which village (handovers), training courses and attendance (R-J4) and background
checks of everyone in close contact with children (R-F7).

A :class:`Person` is scoped by the region they serve (a village or community for a director, a township for a
supervisor; institution staff and volunteers by their county). The ID number is encrypted at rest with a keyed
blind index, exactly like a child's (``tonghu.core.crypto``), and shown masked unless the user holds
``registry.view_id_numbers`` (the children's rule, ``tonghu.registry.masking``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonghu.core.crypto import BlindIndexField, EncryptedCharField
from tonghu.core.scoping import ScopedManager
from tonghu.core.versioning import Versioned


class PersonKind(models.TextChoices):
    DIRECTOR = "director", _("儿童主任")
    SUPERVISOR = "supervisor", _("儿童督导员")
    INSTITUTION_STAFF = "institution_staff", _("机构工作人员")
    VOLUNTEER = "volunteer", _("志愿者")


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("专职")
    PART_TIME = "part_time", _("兼职")


class Person(Versioned):
    """One person of the ledger. ``region`` is where they serve; ``left_on`` set means they no longer do (the row is
    kept: the ledger's history). ``user`` is their tonghu account, if they have one."""

    region_field = "region__code"

    kind = models.CharField(_("人员类别"), max_length=20, choices=PersonKind.choices, default=PersonKind.DIRECTOR)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))], blank=True)
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, null=True, blank=True, blind_index="id_number_bidx")
    id_number_bidx = BlindIndexField(_("身份证号码索引"), source="id_number", unique=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("服务的村（社区）或乡镇（街道）"), on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("系统账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="workforce_person")
    employment = models.CharField(_("专职或兼职"), max_length=10, choices=Employment.choices, default=Employment.PART_TIME)
    other_duties = models.CharField(_("兼任其他职务"), max_length=200, blank=True, help_text=_("如村（居）委会委员、妇联主席"))
    appointed_on = models.DateField(_("任职日期"))
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    leave_reason = models.CharField(_("离任原因"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("儿童主任（督导员）")
        verbose_name_plural = _("儿童主任（督导员）")
        ordering = ["region_id", "kind", "name", "id"]
        indexes = [models.Index(fields=["region", "kind", "left_on"], name="workforce_person_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    def get_absolute_url(self) -> str:
        return reverse("workforce_person", kwargs={"pk": self.pk})

    def serves_on(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.appointed_on <= on and (self.left_on is None or self.left_on > on)

    @property
    def is_current(self) -> bool:
        return self.serves_on()


class Handover(models.Model):
    """A director replaced by a successor in one village on one day: what moved with them (R-J2 history)."""

    region_field = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    predecessor = models.ForeignKey(Person, verbose_name=_("原儿童主任"), on_delete=models.PROTECT, related_name="handed_over")
    successor = models.ForeignKey(Person, verbose_name=_("接任儿童主任"), on_delete=models.PROTECT, related_name="took_over")
    date = models.DateField(_("交接日期"))
    reason = models.CharField(_("交接原因"), max_length=200)
    children_moved = models.PositiveIntegerField(_("移交儿童档案数"), default=0)
    problems_moved = models.PositiveIntegerField(_("移交未办结问题数"), default=0)
    cases_moved = models.PositiveIntegerField(_("移交个案数"), default=0)
    account_deactivated = models.BooleanField(_("停用原儿童主任账号"), default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("儿童主任交接")
        verbose_name_plural = _("儿童主任交接")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}（{self.date}）"

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class CourseLevel(models.TextChoices):
    PROVINCE = "province", _("省（自治区）级")
    CITY = "city", _("市（地、州）级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）级")


class Course(Versioned):
    """A training course (R-J4). ``region`` is the organising level's region: a county's own course, or a city's or
    province's demonstration training (示范培训, ``demonstration``)."""

    region_field = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("组织区域"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("培训层级"), max_length=10, choices=CourseLevel.choices)
    title = models.CharField(_("培训名称"), max_length=200)
    topic = models.CharField(_("培训内容"), max_length=300, blank=True)
    date = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    organiser = models.CharField(_("组织单位"), max_length=100)
    demonstration = models.BooleanField(_("示范培训"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["region", "date"], name="workforce_course_region_date")]

    def __str__(self) -> str:
        return f"{self.title}（{self.date}）"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    def get_absolute_url(self) -> str:
        return reverse("workforce_course", kwargs={"pk": self.pk})


class Attendance(models.Model):
    """One person attended one course; the certificate number if one was issued. Scoped by the person's region, so
    a county sees its people's attendance at a city's or province's course too."""

    region_field = "person__region__code"

    course = models.ForeignKey(Course, verbose_name=_("培训"), on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(Person, verbose_name=_("参训人员"), on_delete=models.PROTECT, related_name="attendances")
    certificate_no = models.CharField(_("结业证书编号"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["course_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="workforce_attendance_once")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.course}"

    @property
    def audit_region_code(self) -> str:
        return self.person.region_id


class CheckResult(models.TextChoices):
    CLEAR = "clear", _("无违法犯罪记录")
    ADVERSE = "adverse", _("有性侵害等违法犯罪记录")
    PENDING = "pending", _("查询中")


class BackgroundCheck(models.Model):
    """A 入职查询 of one person against sexual-offence records (R-F7, seed 002 §二(二)4). The result is seen only by
    holders of ``workforce.checks`` (county managers); an adverse result blocks assigning the person to children."""

    region_field = "person__region__code"

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="checks")
    checked_on = models.DateField(_("查询日期"))
    result = models.CharField(_("查询结果"), max_length=10, choices=CheckResult.choices)
    checked_by = models.CharField(_("查询单位"), max_length=100, help_text=_("如县人民检察院、县公安局"))
    next_due = models.DateField(_("下次查询日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("入职查询")
        verbose_name_plural = _("入职查询")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.checked_on}"

    @property
    def audit_region_code(self) -> str:
        return self.person.region_id

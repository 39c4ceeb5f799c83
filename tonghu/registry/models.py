"""Children's files (一人一档): the child, the household, guardians, entrusted care, departure registrations,
assistance, attachments and the status history.

Field list: Guangxi's ledger template (REQUIREMENTS R-B2) plus every fact ``tonghu.policy.facts.ChildFacts`` needs
(see ``tonghu.policy.childfacts.child_facts``). Enum values reuse the policy engine's codes (``physical``,
``compulsory_rehab``, ``orphan_allowance``…) so the mapping is one-to-one.

Sensitive facts (R-N1; docs/permissions.md rule 7) are listed in ``tonghu.registry.masking`` and shown only to
holders of ``registry.view_sensitive``.

Every place-bound model declares ``region_field``; child-owned rows follow the child's village, so a transfer moves
the whole file at once. Nothing is ever hard-deleted through the services: a file is closed with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.versioning import Versioned  # noqa: F401 (the base of the file's editable records)
from tonghu.core.crypto import BlindIndexField, EncryptedBooleanField, EncryptedCharField, EncryptedTextField
from tonghu.core.reference.ethnicities import ETHNICITY_CHOICES
from tonghu.core.scoping import ScopedManager

MONEY = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True}


# ------------------------------------------------------------------------------------------------ choices


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class ChildStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED = "moved", _("已迁出")
    AGED_OUT = "aged_out", _("已满龄")
    DECEASED = "deceased", _("已死亡")
    CLOSED = "closed", _("已结档")


class HukouType(models.TextChoices):
    RURAL = "rural", _("农村户籍")
    URBAN = "urban", _("城镇户籍")
    UNKNOWN = "unknown", _("未知")


class SchoolingStatus(models.TextChoices):
    PRESCHOOL = "preschool", _("学龄前")
    IN_SCHOOL = "in_school", _("在校")
    DROPPED_OUT = "dropped_out", _("辍学")
    NOT_IN_SCHOOL = "not_in_school", _("其他不在校")


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    WEAK = "weak", _("一般或较弱")
    SERIOUS_ILLNESS = "serious_illness", _("重病")
    CHRONIC = "chronic", _("慢性病")
    DISABILITY = "disability", _("残疾")
    OTHER = "other", _("其他")


class DisabilityType(models.TextChoices):
    PHYSICAL = "physical", _("肢体")
    VISUAL = "visual", _("视力")
    HEARING = "hearing", _("听力")
    SPEECH = "speech", _("言语")
    INTELLECTUAL = "intellectual", _("智力")
    MENTAL = "mental", _("精神")
    MULTIPLE = "multiple", _("多重")


class DisabilityGrade(models.IntegerChoices):
    ONE = 1, _("一级")
    TWO = 2, _("二级")
    THREE = 3, _("三级")
    FOUR = 4, _("四级")


class SingleParent(models.TextChoices):
    MOTHER = "mother", _("单亲母亲家庭")
    FATHER = "father", _("单亲父亲家庭")


class GuardianRole(models.TextChoices):
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    OTHER = "other", _("其他监护人")


class GuardianHealth(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    UNHEALTHY = "unhealthy", _("不健康")


class Capacity(models.TextChoices):
    FULL = "full", _("有监护能力")
    LIMITED = "limited", _("监护能力不足")
    NONE = "none", _("无监护能力")


class RestrictionKind(models.TextChoices):
    DETENTION = "detention", _("在押（羁押）")
    PRISON = "prison", _("服刑")
    COMPULSORY_REHAB = "compulsory_rehab", _("强制隔离戒毒")
    OTHER = "other", _("其他限制人身自由的措施")


class GuardianshipProblemKind(models.TextChoices):
    ABUSE = "abuse", _("虐待")
    ABANDONMENT = "abandonment", _("遗弃")
    NEGLECT = "neglect", _("疏于照料")
    IMPROPER_GUARDIANSHIP = "improper_guardianship", _("监护不当")
    ACCIDENTAL_INJURY = "accidental_injury", _("意外伤害")
    UNLAWFUL_HARM = "unlawful_harm", _("不法侵害")
    LIVING_ALONE = "living_alone", _("脱离监护单独居住")


class CaregiverKind(models.TextChoices):
    """留守儿童委托监护人情况 (Guangxi ledger)."""

    GRANDPARENTS = "grandparents", _("祖父母、外祖父母")
    RELATIVES_FRIENDS = "relatives_friends", _("亲戚朋友")
    OTHER = "other", _("其他（机构等）")
    NONE = "none", _("无委托人照护")


class EntrustReason(models.TextChoices):
    """委托照料原因 (Guangxi ledger)."""

    BOTH_AWAY = "both_away", _("父母双方同时外出")
    ONE_AWAY_OTHER_INCAPABLE = "one_away_other_incapable", _("父母一方外出，另一方无监护能力")
    BOTH_INCAPABLE = "both_incapable", _("父母双方无监护能力")
    OTHER = "other", _("其他")


class CareQuality(models.TextChoices):
    GOOD = "good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class Scheme(models.TextChoices):
    """Assistance schemes; values are ``tonghu.policy.facts.Scheme``."""

    ORPHAN_ALLOWANCE = "orphan_allowance", _("孤儿基本生活费")
    UNSUPPORTED_ALLOWANCE = "unsupported_allowance", _("事实无人抚养儿童基本生活补贴")
    DIBAO = "dibao", _("最低生活保障（低保）")
    TEKUN = "tekun", _("特困人员救助供养")
    TEMPORARY_RELIEF = "temporary_relief", _("临时救助")
    DISABILITY_ALLOWANCE = "disability_allowance", _("残疾人两项补贴")
    HIV_ALLOWANCE = "hiv_allowance", _("艾滋病病毒感染儿童基本生活费")
    EDUCATION_AID = "education_aid", _("教育资助")
    MEDICAL_AID = "medical_aid", _("医疗救助")
    DISABILITY_REHAB = "disability_rehab", _("残疾儿童康复救助")
    STUDENT_GRANT = "student_grant", _("孤儿和事实无人抚养儿童助学金")
    OTHER = "other", _("其他救助")


class AttachmentKind(models.TextChoices):
    ID_CARD = "id_card", _("身份证件")
    HUKOU = "hukou", _("户口簿")
    DISABILITY_CERT = "disability_cert", _("残疾证")
    DIAGNOSIS = "diagnosis", _("诊断证明")
    DEATH_CERT = "death_cert", _("死亡证明")
    COURT_JUDGMENT = "court_judgment", _("法院判决书")
    DETENTION_CERT = "detention_cert", _("服刑、羁押或戒毒证明")
    POLICE_REPORT = "police_report", _("公安机关报案受理回执")
    DEPORTATION = "deportation", _("遣送（驱逐）出境证明")
    WORK_PROOF = "work_proof", _("外出务工证明")
    CARE_AGREEMENT = "care_agreement", _("委托照护协议")
    DEPARTURE = "departure", _("外出登记表")
    ASSISTANCE = "assistance", _("救助审批材料")
    HANDOVER = "handover", _("转移交接材料")
    PHOTO = "photo", _("照片")
    OTHER = "other", _("其他材料")


class StatusChangeKind(models.TextChoices):
    CREATED = "created", _("建档")
    STATUS = "status", _("状态变更")
    TRANSFER = "transfer", _("转移（跨区域交接）")


# ------------------------------------------------------------------------------------------------ models


class Household(Versioned):
    """一户一档: the family a child lives in. Siblings share one household (R-B4)."""

    region_field = "village__code"

    village = models.ForeignKey("core.Region", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT, related_name="+", db_index=False)
    head_name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    address = models.CharField(_("家庭地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    income_per_head_year = models.DecimalField(_("家庭人均收入（元/年）"), **MONEY)
    dibao = models.BooleanField(_("享受低保"), default=False)
    dibao_month = models.DecimalField(_("低保（元/月）"), **MONEY)
    tekun = models.BooleanField(_("享受特困供养"), default=False)
    tekun_month = models.DecimalField(_("特困（元/月）"), **MONEY)
    disability_month = models.DecimalField(_("残疾补贴（元/月）"), **MONEY)
    other_subsidy_month = models.DecimalField(_("其他补助（元/月）"), **MONEY)
    other_subsidy_note = models.CharField(_("其他补助说明"), max_length=200, blank=True)
    low_income = models.BooleanField(_("低收入家庭（低保边缘）"), default=False)
    social_support = models.TextField(_("社会力量帮扶情况"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")
        ordering = ["village_id", "id"]
        indexes = [models.Index(fields=["village"], name="registry_household_village")]

    def __str__(self) -> str:
        return self.head_name or _("家庭 %(id)s") % {"id": self.pk}

    @property
    def audit_region_code(self) -> str:
        return self.village_id


class Child(Versioned):
    """One child, one file. Located by the village (村/社区) that serves them; scoping follows that code."""

    region_field = "village__code"

    # identity
    name = models.CharField(_("姓名"), max_length=50)
    former_names = models.CharField(_("曾用名"), max_length=100, blank=True, help_text=_("多个用“、”分隔"))
    name_pinyin = models.CharField(_("姓名全拼"), max_length=200, blank=True, editable=False)
    name_initials = models.CharField(_("姓名首字母"), max_length=60, blank=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITY_CHOICES, blank=True)
    birth_date = models.DateField(_("出生日期"))
    birth_day_unknown = models.BooleanField(_("出生日不详（仅知年月）"), default=False)
    # encrypted at rest (tonghu.core.crypto); exact look-ups and uniqueness go through the keyed blind index
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, null=True, blank=True, blind_index="id_number_bidx")
    id_number_bidx = BlindIndexField(_("身份证号码索引"), source="id_number", unique=True)
    hukou_type = models.CharField(_("户籍类别"), max_length=10, choices=HukouType.choices, default=HukouType.UNKNOWN)
    hukou_region_code = models.CharField(_("户籍所在地区划代码"), max_length=12, blank=True, help_text=_("6、9 或 12 位统计用区划代码"))
    hukou_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    # where the child lives
    village = models.ForeignKey("core.Region", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT, related_name="+", db_index=False)
    address = models.CharField(_("现住址"), max_length=200, blank=True)
    household = models.ForeignKey(Household, verbose_name=_("家庭"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # schooling
    schooling_status = models.CharField(_("就学情况"), max_length=20, choices=SchoolingStatus.choices, blank=True)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    grade = models.CharField(_("年级"), max_length=30, blank=True)
    dropout_since = models.DateField(_("辍学时间"), null=True, blank=True)
    boarding = models.BooleanField(_("寄宿生"), null=True, blank=True)
    # health
    health_status = models.CharField(_("健康状况"), max_length=20, choices=HealthStatus.choices, blank=True)
    illness_name = models.CharField(_("患病情况"), max_length=100, blank=True)
    illness_evidence = models.BooleanField(_("有诊断证明"), default=False)
    disability_type = models.CharField(_("残疾类别"), max_length=20, choices=DisabilityType.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("残疾等级"), choices=DisabilityGrade.choices, null=True, blank=True)
    disability_evidence = models.BooleanField(_("持有残疾证"), default=False)
    health_note = models.CharField(_("健康状况说明"), max_length=200, blank=True)
    psych_behaviour = models.TextField(_("日常心理和行为情况"), blank=True)
    psych_problem = models.BooleanField(_("心理或行为异常"), default=False)
    # sensitive (registry.view_sensitive; see masking.py)
    hiv_infected = EncryptedBooleanField(_("艾滋病病毒感染"), default=False)
    hiv_evidence = EncryptedBooleanField(_("有疾控机构确认"), default=False)
    abuse_history = EncryptedTextField(_("受侵害史"), blank=True)
    # family situation
    single_parent = models.CharField(_("单亲家庭"), max_length=10, choices=SingleParent.choices, blank=True)
    guardianship_note = models.CharField(_("监护情况"), max_length=200, blank=True)
    birth_parents_unfound = models.BooleanField(_("查找不到生父母"), default=False)
    birth_parents_unfound_date = models.DateField(_("查找不到生父母认定日期"), null=True, blank=True)
    birth_parents_unfound_evidence = models.BooleanField(_("有公安机关证明"), default=False)
    other_difficulty = models.CharField(_("其他困境情形"), max_length=200, blank=True)
    other_difficulty_evidence = models.BooleanField(_("其他困境有证明材料"), default=False)
    # category placeholder: classification is stored by the policy engine; this is what a ledger declared
    ledger_category = models.CharField(_("台账登记的儿童类别"), max_length=100, blank=True)
    # people around the child
    director = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("儿童主任"), null=True, blank=True, on_delete=models.SET_NULL, related_name="directed_children")
    director_name = models.CharField(_("儿童主任姓名（登记）"), max_length=50, blank=True)
    director_phone = models.CharField(_("儿童主任电话（登记）"), max_length=30, blank=True)
    pairing_name = models.CharField(_("结对人员姓名"), max_length=50, blank=True)
    pairing_phone = models.CharField(_("结对人员电话"), max_length=30, blank=True)
    pairing_unit = models.CharField(_("结对人员所在单位"), max_length=100, blank=True)
    care_support = models.TextField(_("关爱帮扶情况"), blank=True)
    other_notes = models.TextField(_("其他说明情况"), blank=True)
    filed_by_name = models.CharField(_("建档人"), max_length=50, blank=True)
    filed_on = models.DateField(_("建档日期"), null=True, blank=True)
    # lifecycle
    status = models.CharField(_("档案状态"), max_length=10, choices=ChildStatus.choices, default=ChildStatus.ACTIVE)
    status_reason = models.CharField(_("状态说明"), max_length=200, blank=True)
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    # no index on who created or last changed a file (or a care or assistance row, or a status row): nothing looks
    # files up by it, and every index costs each ledger import row (docs/benchmarks.md, "Registry")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建档人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("儿童")
        verbose_name_plural = _("儿童")
        ordering = ["village_id", "name", "id"]
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["name_initials"], name="registry_child_initials"),
            models.Index(fields=["name_pinyin"], name="registry_child_pinyin"),
            models.Index(fields=["name"], name="registry_child_name"),
            models.Index(fields=["birth_date"], name="registry_child_birth"),
            models.Index(fields=["status", "village"], name="registry_child_status_vil"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.village_id

    def save(self, *args, **kwargs):
        from .pinyin import name_keys

        self.name_pinyin, self.name_initials = name_keys(self.name, self.former_names)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"name_pinyin", "name_initials"}
        if update_fields is not None and "id_number" in kwargs.get("update_fields", ()):
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"id_number_bidx"}
        super().save(*args, **kwargs)

    @property
    def age(self) -> int:
        from django.utils import timezone

        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    @property
    def is_open(self) -> bool:
        return self.status == ChildStatus.ACTIVE


class ChildOwned(Versioned):
    """Base of every row that belongs to one child's file: it is scoped, and audited, by the child's village, so a
    transfer moves the whole file at once; it carries a ``version`` (:class:`Versioned`) like the child."""

    region_field = "child__village__code"

    objects = ScopedManager()

    class Meta:
        abstract = True

    @property
    def audit_region_code(self) -> str:
        return self.child.village_id


class Guardian(ChildOwned):
    """Father, mother or another guardian of one child, with every fact classification reads (policy/facts.py).

    Each condition is a flag plus its date(s) and an ``*_evidence`` flag (paper on file or an attachment with the
    matching ``fact``). Restrictions of liberty are separate rows (:class:`GuardianRestriction`; sensitive).
    """

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="guardians")
    role = models.CharField(_("身份"), max_length=10, choices=GuardianRole.choices)
    relation = models.CharField(_("与儿童关系"), max_length=30, blank=True, help_text=_("其他监护人填写：祖父、外祖母、叔伯、姑姨、兄姐等"))
    is_legal_guardian = models.BooleanField(_("法定监护人"), default=True)
    lives_with_child = models.BooleanField(_("与儿童共同生活"), null=True, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    health = models.CharField(_("健康状况"), max_length=10, choices=GuardianHealth.choices, blank=True)
    health_note = models.CharField(_("患病情况"), max_length=100, blank=True)
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    capacity = models.CharField(_("监护能力"), max_length=10, choices=Capacity.choices, blank=True)
    # working away (外出务工)
    working_away = models.BooleanField(_("外出务工"), default=False)
    away_since = models.DateField(_("外出时间"), null=True, blank=True)
    away_until = models.DateField(_("返乡时间"), null=True, blank=True)
    away_destination_code = models.CharField(_("务工地区划代码"), max_length=12, blank=True, help_text=_("2、4、6、9 或 12 位"))
    away_destination = models.CharField(_("务工地点"), max_length=100, blank=True)
    away_short_trips_home = models.BooleanField(_("期间曾短暂回家"), default=False)
    away_evidence = models.BooleanField(_("有务工证明"), default=False)
    # deceased (死亡，含宣告死亡)
    deceased = models.BooleanField(_("死亡"), default=False)
    deceased_date = models.DateField(_("死亡日期"), null=True, blank=True)
    deceased_by_court = models.BooleanField(_("人民法院宣告死亡"), default=False)
    deceased_evidence = models.BooleanField(_("有死亡证明"), default=False)
    # declared missing (宣告失踪)
    missing_declared = models.BooleanField(_("人民法院宣告失踪"), default=False)
    missing_date = models.DateField(_("宣告失踪日期"), null=True, blank=True)
    missing_evidence = models.BooleanField(_("有宣告失踪判决书"), default=False)
    # out of contact (失联)
    out_of_contact = models.BooleanField(_("失联"), default=False)
    out_of_contact_since = models.DateField(_("失联时间"), null=True, blank=True)
    police_report_date = models.DateField(_("公安机关受理报案日期"), null=True, blank=True)
    out_of_contact_evidence = models.BooleanField(_("有报案受理回执"), default=False)
    # guardianship revoked / deported
    guardianship_revoked = models.BooleanField(_("被撤销监护资格"), default=False)
    revoked_date = models.DateField(_("撤销监护资格日期"), null=True, blank=True)
    revoked_evidence = models.BooleanField(_("有撤销监护资格判决书"), default=False)
    deported = models.BooleanField(_("被遣送（驱逐）出境"), default=False)
    deported_date = models.DateField(_("遣送（驱逐）出境日期"), null=True, blank=True)
    deported_evidence = models.BooleanField(_("有遣送（驱逐）出境证明"), default=False)
    # severe disability / serious illness
    disability_type = models.CharField(_("残疾类别"), max_length=20, choices=DisabilityType.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("残疾等级"), choices=DisabilityGrade.choices, null=True, blank=True)
    disability_evidence = models.BooleanField(_("持有残疾证"), default=False)
    serious_illness = models.BooleanField(_("重病"), default=False)
    serious_illness_name = models.CharField(_("重病名称"), max_length=100, blank=True)
    serious_illness_date = models.DateField(_("重病确诊日期"), null=True, blank=True)
    serious_illness_evidence = models.BooleanField(_("有重病诊断证明"), default=False)
    # sensitive (registry.view_sensitive)
    criminal_record = EncryptedTextField(_("违法犯罪记录"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")
        ordering = ["child_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "role"], condition=models.Q(role__in=["father", "mother"]), name="registry_one_father_one_mother"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}".strip()



class GuardianRestriction(Versioned):
    """服刑在押、强制隔离戒毒或其他限制人身自由的措施 (sensitive: registry.view_sensitive)."""

    region_field = "guardian__child__village__code"

    guardian = models.ForeignKey(Guardian, verbose_name=_("监护人"), on_delete=models.CASCADE, related_name="restrictions")
    kind = EncryptedCharField(_("类别"), max_length=20, choices=RestrictionKind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("解除日期"), null=True, blank=True)
    place = EncryptedCharField(_("执行场所"), max_length=100, blank=True)
    evidence = models.BooleanField(_("有证明材料"), default=False)
    note = EncryptedCharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("限制人身自由情况")
        verbose_name_plural = _("限制人身自由情况")
        ordering = ["guardian_id", "start", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}"

    @property
    def audit_region_code(self) -> str:
        return self.guardian.child.village_id


class GuardianshipProblem(ChildOwned):
    """监护缺失或不当的情形 (abuse, abandonment, neglect…). Kinds in ``masking.SENSITIVE_PROBLEM_KINDS`` are sensitive."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="guardianship_problems")
    kind = models.CharField(_("情形"), max_length=30, choices=GuardianshipProblemKind.choices)
    since = models.DateField(_("发现日期"), null=True, blank=True)
    resolved_on = models.DateField(_("消除日期"), null=True, blank=True)
    evidence = models.BooleanField(_("有证明材料"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监护问题")
        verbose_name_plural = _("监护问题")
        ordering = ["child_id", "since", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()



class CareArrangement(ChildOwned):
    """Entrusted care (委托照护, R-F1): who looks after the child while the parents cannot. History is kept: the
    current arrangement has no ``end``; choosing a new caregiver ends the previous one."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="care_arrangements", db_index=False)  # registry_care_current
    caregiver_kind = models.CharField(_("委托监护人情况"), max_length=20, choices=CaregiverKind.choices)
    caregiver_name = models.CharField(_("受委托人姓名"), max_length=50, blank=True)
    relation = models.CharField(_("与儿童关系"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, blank=True)
    capacity = models.CharField(_("照护能力"), max_length=10, choices=Capacity.choices, blank=True)
    reason = models.CharField(_("委托照料原因"), max_length=30, choices=EntrustReason.choices, blank=True)
    quality = models.CharField(_("委托照料情况"), max_length=10, choices=CareQuality.choices, blank=True)
    agreement_signed = models.BooleanField(_("签订书面委托照护协议"), default=False)
    agreement_date = models.DateField(_("协议签订日期"), null=True, blank=True)
    committee_informed = models.BooleanField(_("已告知村（居）委会"), default=False)
    start = models.DateField(_("开始日期"), null=True, blank=True)
    end = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("委托照护")
        verbose_name_plural = _("委托照护")
        ordering = ["child_id", "-start", "-id"]
        indexes = [models.Index(fields=["child", "end"], name="registry_care_current")]

    def __str__(self) -> str:
        return f"{self.get_caregiver_kind_display()} {self.caregiver_name}".strip()


    @property
    def is_current(self) -> bool:
        return self.end is None


class DepartureRegistration(ChildOwned):
    """外出登记 (R-B7): a parent registers before leaving for work."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="departures")
    guardian = models.ForeignKey(Guardian, verbose_name=_("外出人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="departures")
    departed_on = models.DateField(_("外出日期"))
    expected_return = models.DateField(_("预计返回日期"), null=True, blank=True)
    destination_code = models.CharField(_("外出地区划代码"), max_length=12, blank=True)
    destination = models.CharField(_("外出地点"), max_length=100)
    employer = models.CharField(_("务工单位"), max_length=100, blank=True)
    contact_phone = models.CharField(_("外出期间联系电话"), max_length=30)
    care = models.ForeignKey(CareArrangement, verbose_name=_("委托照护安排"), null=True, blank=True, on_delete=models.SET_NULL, related_name="departures")
    school_informed = models.BooleanField(_("已告知学校"), default=False)
    school_informed_on = models.DateField(_("告知学校日期"), null=True, blank=True)
    committee_informed = models.BooleanField(_("已告知村（居）委会"), default=False)
    committee_informed_on = models.DateField(_("告知村（居）委会日期"), null=True, blank=True)
    registered_on = models.DateField(_("登记日期"))
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("外出登记")
        verbose_name_plural = _("外出登记")
        ordering = ["child_id", "-departed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.departed_on} {self.destination}"



class Assistance(ChildOwned):
    """One assistance scheme received by the child (享受救助情况), with amount per month and period."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="assistance")
    scheme = models.CharField(_("救助项目"), max_length=30, choices=Scheme.choices)
    amount_month = models.DecimalField(_("金额（元/月）"), **MONEY)
    amount_once = models.DecimalField(_("一次性金额（元）"), **MONEY)
    start = models.DateField(_("开始日期"), null=True, blank=True)
    end = models.DateField(_("结束日期"), null=True, blank=True)
    granted_by = models.CharField(_("审批单位"), max_length=100, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("救助记录")
        verbose_name_plural = _("救助记录")
        ordering = ["child_id", "-start", "-id"]
        indexes = [models.Index(fields=["scheme", "end"], name="registry_assist_scheme")]

    def __str__(self) -> str:
        return self.get_scheme_display()


    def active_on(self, day) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)


def attachment_path(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"registry/attachments/{instance.child_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(ChildOwned):
    """A scanned document in the file. Served only through ``attachment_download`` (permission-checked), never
    from /media/. ``fact`` names the fact it proves (e.g. ``guardian.deceased``), so evidence is traceable."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="attachments")
    guardian = models.ForeignKey(Guardian, verbose_name=_("监护人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    care = models.ForeignKey(CareArrangement, verbose_name=_("委托照护"), null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=20, choices=AttachmentKind.choices)
    fact = models.CharField(_("证明事项"), max_length=50, blank=True)
    title = models.CharField(_("标题"), max_length=100)
    file = models.FileField(_("文件"), upload_to=attachment_path)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sensitive = models.BooleanField(_("敏感材料"), default=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn = models.BooleanField(_("已撤回"), default=False)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["child_id", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title



class StatusChange(ChildOwned):
    """The lifecycle of a file: creation, status changes (moved away, aged out, deceased, closed, reopened) and
    transfers between regions with their hand-over. The row follows the child (its scope is the child's village)."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="status_changes")
    kind = models.CharField(_("类型"), max_length=10, choices=StatusChangeKind.choices)
    from_status = models.CharField(_("原状态"), max_length=10, choices=ChildStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=ChildStatus.choices)
    from_village_code = models.CharField(_("原所在村（社区）代码"), max_length=12, blank=True)
    from_village_name = models.CharField(_("原所在村（社区）"), max_length=200, blank=True)
    to_village_code = models.CharField(_("新所在村（社区）代码"), max_length=12, blank=True)
    to_village_name = models.CharField(_("新所在村（社区）"), max_length=200, blank=True)
    date = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    handover_note = models.TextField(_("交接说明"), blank=True)
    received_by = models.CharField(_("接收人"), max_length=50, blank=True)
    at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("档案状态记录")
        verbose_name_plural = _("档案状态记录")
        ordering = ["child_id", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


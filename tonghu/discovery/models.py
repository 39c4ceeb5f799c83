"""Departmental rosters (部门名单) and the candidates found by linking them to the registry (issue 12; R-D1–R-D4, R-E4).

A :class:`Dataset` is one upload: the department's roster of one period, who uploaded it, and the date after which
its raw rows are purged (PIPL art. 6, minimum necessary: docs/discovery.md, "Retention"). Its :class:`RosterRow`
rows keep the normalised person fields the linkage needs; the ID number, address, phone and the source-specific
details are encrypted like the registry's sensitive fields (``core.crypto``), the ID number with a keyed blind index
so that exact matches against ``registry.Child.id_number_bidx`` need no decryption.

A :class:`Candidate` is one finding for a person to decide: an unregistered child, a possible match, a dropout, a
disability certificate the file lacks, a parent in prison. Nothing reaches the registry without a decision
(``services.candidate_confirm``). Candidates keep a short evidence summary that survives the purge of the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.crypto import BlindIndexField, EncryptedCharField, EncryptedTextField
from tonghu.core.models import Region
from tonghu.core.scoping import ScopedManager


class Source(models.TextChoices):
    EDUCATION = "education", _("教育部门：学籍（在校、辍学）")
    HOUSEHOLD = "household", _("公安部门：户籍人口（未成年人）")
    DETAINED = "detained", _("公安部门：被羁押、拘留人员")
    PRISON = "prison", _("司法行政部门：服刑、强制隔离戒毒人员")
    COURT = "court", _("人民法院：撤销监护资格、宣告死亡或失踪")
    HEALTH = "health", _("卫生健康部门：出生、重病")
    DISABILITY = "disability", _("残联：残疾人证")
    ASSISTANCE = "assistance", _("民政部门：低保、特困供养")
    WOMEN = "women", _("妇联：困境家庭")


# Rosters of adults (parents): linked to registry guardians, not children.
ADULT_SOURCES = {Source.DETAINED, Source.PRISON, Source.COURT}


class DatasetStatus(models.TextChoices):
    IMPORTING = "importing", _("导入中")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("导入失败")
    LINKING = "linking", _("比对中")
    LINKED = "linked", _("已比对")
    PURGED = "purged", _("原始数据已清除")


class Dataset(models.Model):
    """One roster a department handed over (R-D1): its source, period, county, who uploaded it and when, the file, the
    retention date after which its rows are purged (PIPL art. 6), the import's errors and the linkage run's model."""

    region_field = "county__code"

    source = models.CharField(_("数据来源"), max_length=20, choices=Source.choices)
    period = models.CharField(_("数据期间"), max_length=50, help_text=_("如：2026年春季学期、2026年3月"))
    county = models.ForeignKey(Region, verbose_name=_("所属县（市、区）"), on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    retention_until = models.DateField(_("原始数据保存至"))
    status = models.CharField(_("状态"), max_length=10, choices=DatasetStatus.choices, default=DatasetStatus.IMPORTING)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    import_job = models.ForeignKey("core.Job", verbose_name=_("导入任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    link_job = models.ForeignKey("core.Job", verbose_name=_("比对任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    model = models.JSONField(_("匹配模型参数"), default=dict, blank=True)
    summary = models.JSONField(_("比对结果"), default=dict, blank=True)
    purged_at = models.DateTimeField(_("原始数据清除时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("部门数据")
        verbose_name_plural = _("部门数据")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.period}"

    @property
    def audit_region_code(self) -> str:
        return self.county_id

    @property
    def adults(self) -> bool:
        return self.source in ADULT_SOURCES

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("discovery_dataset", args=[self.pk])


class RosterRow(models.Model):
    """One person of a roster, normalised for linkage: name and pinyin keys, sex, birth date, the ID number encrypted
    with a blind index, address and the source's own fields (encrypted). Purged at the data set's retention date."""

    region_field = "dataset__county__code"

    dataset = models.ForeignKey(Dataset, verbose_name=_("部门数据"), on_delete=models.CASCADE, related_name="roster_rows")
    row_no = models.PositiveIntegerField(_("行号"))
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名全拼"), max_length=200, blank=True)
    name_initials = models.CharField(_("姓名首字母"), max_length=60, blank=True)
    sex = models.CharField(_("性别"), max_length=1, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, blank=True, blind_index="id_number_bidx")
    id_number_bidx = BlindIndexField(_("身份证号码索引"), source="id_number", db_index=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    address = EncryptedCharField(_("地址"), max_length=200, blank=True)
    guardian_name = models.CharField(_("监护人姓名"), max_length=100, blank=True)
    guardian_phone = EncryptedCharField(_("监护人电话"), max_length=30, blank=True)
    details = EncryptedTextField(_("来源特有信息"), blank=True, help_text=_("JSON：学校、年级、辍学时间；羁押、服刑起止日期；残疾证类别、等级……"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("部门数据行")
        verbose_name_plural = _("部门数据行")
        ordering = ["dataset_id", "row_no"]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.row_no} {self.name}"

    @property
    def audit_region_code(self) -> str:
        return self.dataset.county_id

    @property
    def detail(self) -> dict:
        import json

        try:
            return json.loads(self.details) if self.details else {}
        except ValueError:
            return {}


class CandidateKind(models.TextChoices):
    NEW_CHILD = "new_child", _("未登记儿童")
    POSSIBLE = "possible", _("可能是已登记儿童")
    DROPOUT = "dropout", _("辍学（劝返复学）")
    DISABILITY = "disability", _("持残疾人证（档案未登记）")
    PARENT_RESTRICTED = "parent", _("父母被限制人身自由")
    PARENT_COURT = "parent_court", _("父母被撤销监护资格、宣告死亡或失踪")


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    SENT = "sent", _("已交儿童主任核实")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")


class Candidate(models.Model):
    """One finding for the county officer (or, when sent, the village director) to decide."""

    region_field = "region__code"

    dataset = models.ForeignKey(Dataset, verbose_name=_("部门数据"), on_delete=models.PROTECT, related_name="candidates")
    row = models.ForeignKey(RosterRow, verbose_name=_("数据行"), null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates")
    region = models.ForeignKey(Region, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=CandidateKind.choices)
    child = models.ForeignKey("registry.Child", verbose_name=_("儿童"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    guardian = models.ForeignKey("registry.Guardian", verbose_name=_("监护人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    probability = models.FloatField(_("匹配概率"), default=0.0)
    band = models.CharField(_("比对结论"), max_length=10, blank=True)  # match | review | new
    reasons = models.JSONField(_("比对理由"), default=list, blank=True)
    evidence = models.JSONField(_("证据摘要"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN)
    note = models.TextField(_("处理说明"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("发现线索")
        verbose_name_plural = _("发现线索")
        ordering = ["status", "-probability", "id"]
        indexes = [models.Index(fields=["dataset", "status"]), models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.evidence.get('name', '')}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("discovery_candidate", args=[self.pk])

    def reasons_text(self, lang: str = "zh") -> str:
        i = 0 if lang == "zh" else 1
        sep = "；" if lang == "zh" else "; "
        return sep.join(f"{r['title'][i]}{'：' if i == 0 else ': '}{r['label'][i]} ({r['weight']:+.1f})" for r in self.reasons if r.get("level") != "null")

"""The same child filed twice: by ID number anywhere, by name and birth date in the county."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from tonghu.core.models import Region
from tonghu.core.reference.idnumber import mask_id_number

from ..models import (
    Child,
)
from ..pinyin import name_keys
from .common import VIEW


class DuplicateChildError(ValidationError):
    """A file for this child may already exist. ``report`` is the :class:`DuplicateReport`."""

    def __init__(self, report: "DuplicateReport"):
        self.report = report
        super().__init__({"id_number" if report.id_blocking else "__all__": [report.message]})

# -------------------------------------------------------------------------------------------- duplicates


@dataclass
class DuplicateReport:
    id_number: str | None = None
    id_match_visible: Child | None = None  # the existing file, when the user may open it
    id_match_contact: str = ""  # who to contact when the existing file is outside the user's region
    similar: list[Child] = field(default_factory=list)  # same name or same pinyin + same birth date, in scope
    similar_elsewhere: int = 0  # the same, in the county but outside the user's region (count only)

    @property
    def id_blocking(self) -> bool:
        return self.id_match_visible is not None or bool(self.id_match_contact)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.similar or self.similar_elsewhere)

    @property
    def blocking(self) -> bool:
        return self.id_blocking

    @property
    def message(self) -> str:
        if self.id_match_visible is not None:
            c = self.id_match_visible
            return f"身份证号码 {mask_id_number(self.id_number)} 已有档案：{c.name}（{c.village.name}，档案编号 {c.pk}），不能重复建档。请打开已有档案更新信息。"
        if self.id_match_contact:
            return self.id_match_contact
        if self.needs_confirmation:
            parts = []
            if self.similar:
                parts.append(f"本辖区已有 {len(self.similar)} 份姓名（或拼音）和出生日期相同的档案")
            if self.similar_elsewhere:
                parts.append(f"本县其他辖区另有 {self.similar_elsewhere} 份姓名（或拼音）和出生日期相同的档案，请与县级民政部门核实")
            return "；".join(parts) + "。如确认是另一名儿童，请勾选“这是另一名儿童，继续建档”。"
        return ""


def _county_of(code: str) -> Region | None:
    return Region.objects.filter(code=code[:6] + "000000").first()


def find_duplicates(*, user, name: str, birth_date, id_number: str | None = None, village=None, exclude_pk=None) -> DuplicateReport:
    """Look for an existing file of the same child.

    * Same ID number anywhere (unscoped lookup, but only the county is revealed when it is outside ``user``'s
      region: "该身份证号码已在XX县建档，请联系XX县民政局").
    * Same name, or same full pinyin, with the same birth date in the county of ``village`` (or the user's).
    """
    report = DuplicateReport(id_number=id_number or None)
    if id_number:
        existing = Child.objects.filter(id_number=id_number)
        if exclude_pk:
            existing = existing.exclude(pk=exclude_pk)
        match = existing.select_related("village").first()
        if match is not None:
            if Child.objects.visible_to(user, VIEW).filter(pk=match.pk).exists():
                report.id_match_visible = match
            else:
                county = _county_of(match.village_id)
                county_name = county.name if county else match.village_id[:6]
                report.id_match_contact = (
                    f"该身份证号码已在{county_name}建立儿童档案，不能重复建档。"
                    f"如儿童已迁入本地，请联系{county_name}民政局办理档案转移。"
                )
    county_code = (getattr(village, "code", None) or village or getattr(getattr(user, "region", None), "code", "") or "")[:6]
    if name and birth_date and county_code:
        full, _initials = name_keys(name)
        candidates = Child.objects.filter(birth_date=birth_date, village__code__range=(county_code + "000000", county_code + "999999"))
        candidates = candidates.filter(Q(name=name.strip()) | Q(name_pinyin=full) if full else Q(name=name.strip()))
        if exclude_pk:
            candidates = candidates.exclude(pk=exclude_pk)
        if report.id_match_visible is not None:
            candidates = candidates.exclude(pk=report.id_match_visible.pk)
        visible_ids = set(Child.objects.visible_to(user, VIEW).filter(pk__in=candidates.values("pk")).values_list("pk", flat=True))
        all_ids = list(candidates.values_list("pk", flat=True)[:50])
        report.similar = list(Child.objects.filter(pk__in=visible_ids).select_related("village")[:20])
        report.similar_elsewhere = len([pk for pk in all_ids if pk not in visible_ids])
    return report


def existing_id_numbers(numbers) -> set[str]:
    """Which of these (normalised) ID numbers already have a file, anywhere. For bulk imports (chunk the input)."""
    numbers = [n for n in numbers if n]
    found: set[str] = set()
    for i in range(0, len(numbers), 500):
        found.update(Child.objects.filter(id_number__in=numbers[i : i + 500]).values_list("id_number", flat=True))
    return found



"""Writes to the region tree. Region import is all-or-nothing with row-numbered errors."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .auditing import audit as audit_log

from .models import Level, Region, UrbanRural, VillageKind
from .regions import level_of, normalize_code, parent_code

REGION_COLUMNS = ["code", "name", "parent_code", "level", "kind", "urban_rural"]
# Chinese headers are accepted too (the header row may be in either language).
HEADER_ALIASES = {
    "区划代码": "code", "代码": "code", "名称": "name", "上级代码": "parent_code", "上级区划代码": "parent_code",
    "层级": "level", "类型": "kind", "村/社区": "kind", "城乡分类代码": "urban_rural", "城乡分类": "urban_rural",
}
LEVEL_ALIASES = {"省": "province", "市": "city", "县": "county", "乡": "township", "村": "village",
                 "省级": "province", "地市级": "city", "市级": "city", "县级": "county", "乡镇级": "township", "乡级": "township", "村级": "village"}
KIND_ALIASES = {"村": "village", "社区": "community", "村委会": "village", "居委会": "community"}


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)d 行，“%(column)s”列，值“%(value)s”：%(message)s") % self.__dict__


@dataclass
class RegionImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _read_csv(data: bytes | str) -> list[dict]:
    if isinstance(data, bytes):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                data = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV。"))
    reader = csv.DictReader(io.StringIO(data))
    if reader.fieldnames is None:
        raise ValueError(_("文件为空。"))
    mapping = {}
    for name in reader.fieldnames:
        key = (name or "").strip()
        mapping[name] = HEADER_ALIASES.get(key, key.lower())
    missing = {"code", "name"} - set(mapping.values())
    if missing:
        raise ValueError(_("缺少必需的列：%(cols)s。表头应为：%(expected)s") % {"cols": "、".join(sorted(missing)), "expected": ",".join(REGION_COLUMNS)})
    return [{mapping[k]: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def regions_import(data: bytes | str, *, actor, dry_run: bool = False) -> RegionImportReport:
    """Load or update regions from CSV (columns ``code,name,parent_code,level,kind,urban_rural``).

    Every row is checked before anything is written; if any row is wrong, nothing is written and the report
    lists every error with its row number (the header is row 1). Parents may come earlier or later in the file
    or already be in the database.
    """
    report = RegionImportReport()
    try:
        rows = _read_csv(data)
    except ValueError as exc:
        report.errors.append(RowError(1, "", "", str(exc)))
        return report

    parsed: dict[str, dict] = {}
    for number, row in enumerate(rows, start=2):
        raw_code = row.get("code", "")
        try:
            code = normalize_code(raw_code)
        except ValueError:
            report.errors.append(RowError(number, "code", raw_code, _("区划代码应为 12 位数字（也接受 2、4、6、9 位，自动补零）。")))
            continue
        if code in parsed:
            report.errors.append(RowError(number, "code", raw_code, _("区划代码与第 %(row)d 行重复。") % {"row": parsed[code]["row"]}))
            continue
        name = row.get("name", "")
        if not name:
            report.errors.append(RowError(number, "name", name, _("名称不能为空。")))
        inferred = level_of(code)
        level = row.get("level", "") or inferred
        level = LEVEL_ALIASES.get(level, level)
        if level not in Level.values:
            report.errors.append(RowError(number, "level", row.get("level", ""), _("层级应为 province/city/county/township/village（或 省/市/县/乡/村）。")))
        elif level != inferred:
            report.errors.append(RowError(number, "level", row.get("level", ""), _("层级与代码不符：代码 %(code)s 的补零位置表明它是“%(inferred)s”。") % {"code": code, "inferred": Level(inferred).label}))
        expected_parent = parent_code(code)
        given_parent = row.get("parent_code", "")
        if given_parent:
            try:
                given_parent = normalize_code(given_parent)
            except ValueError:
                report.errors.append(RowError(number, "parent_code", row.get("parent_code", ""), _("上级代码格式不正确。")))
                given_parent = expected_parent
            if given_parent != expected_parent:
                report.errors.append(RowError(number, "parent_code", row.get("parent_code", ""), _("上级代码应为 %(expected)s（代码前缀决定上级）。") % {"expected": expected_parent}))
        kind = KIND_ALIASES.get(row.get("kind", ""), row.get("kind", ""))
        if kind and kind not in VillageKind.values:
            report.errors.append(RowError(number, "kind", row.get("kind", ""), _("类型应为 village（村）或 community（社区）。")))
        if kind and inferred != "village":
            report.errors.append(RowError(number, "kind", row.get("kind", ""), _("只有村级区划才有“村/社区”类型。")))
        urban_rural = row.get("urban_rural", "")
        if urban_rural and urban_rural not in UrbanRural.values:
            report.errors.append(RowError(number, "urban_rural", urban_rural, _("城乡分类代码应为 111、112、121、122、123、210 或 220。")))
        parsed[code] = {"row": number, "code": code, "name": name, "level": inferred, "kind": kind, "urban_rural": urban_rural, "parent": expected_parent}

    existing = {r.code: r for r in Region.objects.filter(code__in=[p["parent"] for p in parsed.values() if p["parent"]] + list(parsed))}
    for item in parsed.values():
        if item["parent"] and item["parent"] not in parsed and item["parent"] not in existing:
            report.errors.append(RowError(item["row"], "parent_code", item["parent"], _("上级区划 %(code)s 既不在文件中，也不在系统中。请先导入上级。") % {"code": item["parent"]}))
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report
    if dry_run:
        return report

    with transaction.atomic():
        for item in sorted(parsed.values(), key=lambda p: (len(p["code"].rstrip("0")), p["code"])):
            fields = {"name": item["name"], "level": item["level"], "kind": item["kind"], "urban_rural": item["urban_rural"], "parent_id": item["parent"]}
            current = existing.get(item["code"])
            if current is None:
                Region(code=item["code"], **fields).save()
                report.created += 1
            elif any(getattr(current, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(current, k, v)
                current.save()
                report.updated += 1
            else:
                report.unchanged += 1
        audit_log(actor=actor, action="import", object_type="core.region", summary=_("导入行政区划：新增 %(c)d，更新 %(u)d，未变 %(n)d") % {"c": report.created, "u": report.updated, "n": report.unchanged})
    return report

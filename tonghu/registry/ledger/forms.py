"""Forms of the ledger pages (import upload, export choice)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from tonghu.core.models import Region
from tonghu.core.scoping import prefix_range

MAX_UPLOAD = 100 * 1024 * 1024  # 100k rows of a real ledger are ~15 MB


def region_choices(user, levels=("county", "township", "village")) -> list[tuple[str, str]]:
    region = getattr(user, "region", None)
    if region is None:
        return []
    qs = Region.objects.filter(code__range=prefix_range(region.prefix), level__in=levels, active=True).order_by("code")
    indent = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4}
    base = indent.get(region.level, 0)
    return [(r.code, "\u3000" * max(indent[r.level] - base, 0) + r.name) for r in qs.only("code", "name", "level")]


class RegionChoiceMixin:
    def _region_field(self, user, levels):
        choices = region_choices(user, levels)
        if user.region is not None and user.region.code not in {c for c, _n in choices}:
            choices.insert(0, (user.region.code, user.region.name))
        self.fields["region"].choices = choices
        if user.region is not None:
            self.fields["region"].initial = user.region.code

    def clean_region(self):
        return Region.objects.get(code=self.cleaned_data["region"])


class LedgerImportForm(RegionChoiceMixin, forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_("Excel（.xlsx）或本系统导出的 CSV。表头按台账模板，可为两行合并表头；列说明见“台账格式”文档。"))
    region = forms.ChoiceField(label=_("导入到"), help_text=_("文件中的村（社区）名称在此区域内查找。"))
    valid_only = forms.BooleanField(label=_("只导入无误的行（有错误的行跳过，其余照常导入）"), required=False,
                                    help_text=_("不勾选时：任何一行有错，整个文件都不导入（推荐：先修改再导入）。"))

    confirm_similar = forms.BooleanField(label=_("同名同出生日期的儿童已核实不是同一人"), required=False,
                                         help_text=_("本县已有姓名（或拼音）和出生日期相同的档案时，默认作为错误列出；核实后勾选，才为这些行新建档案。"))

    overwrite_rows = forms.CharField(label=_("确认覆盖的行"), required=False, max_length=2000,
                                     help_text=_("上次导入列为“导出后此档案已被修改”的行：核对后确要以文件内容为准的，填写其行号（如 5、8、12-15），"
                                                 "这些行将覆盖系统中较新的修改。其余冲突行仍不导入。"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._region_field(user, ("county", "township"))

    def clean_overwrite_rows(self) -> list[int]:
        return parse_row_numbers(self.cleaned_data.get("overwrite_rows") or "")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件（.xls 请先在 Excel/WPS 中另存为 .xlsx）。"))
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件过大（超过 100 MB）。"))
        return f


def parse_row_numbers(text: str) -> list[int]:
    """``"5、8, 12-15"`` → ``[5, 8, 12, 13, 14, 15]`` (row numbers as the import's error list shows them)."""
    rows: set[int] = set()
    for part in re.split(r"[\s,，、;；]+", text.strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:\s*[-－~～至到]\s*(\d+))?", part)
        if not match:
            raise forms.ValidationError(_("无法识别“%(part)s”：请填写行号，用顿号或逗号分隔，连续的行可写成 12-15") % {"part": part})
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first or last - first > 10000:
            raise forms.ValidationError(_("行号范围“%(part)s”无效") % {"part": part})
        rows.update(range(first, last + 1))
    return sorted(rows)


class LedgerExportForm(RegionChoiceMixin, forms.Form):
    region = forms.ChoiceField(label=_("导出区域"))
    format = forms.ChoiceField(label=_("格式"), choices=[("xlsx", _("Excel（.xlsx，台账模板格式）")), ("csv", _("CSV（UTF-8）"))], initial="xlsx")
    include_closed = forms.BooleanField(label=_("包括已迁出、已满龄、已结档的档案"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        level = getattr(getattr(user, "region", None), "level", "county")
        self._region_field(user, ("city", "county") if level in ("province", "city") else ("county", "township", "village"))

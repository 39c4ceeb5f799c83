"""Search and filters for children's files: one FilterSet shared by the list page and the API.

Search (``q``) understands what a person types:
* Chinese characters → name or former name contains them (``张伟``, ``伟``);
* letters only → full pinyin prefix (``zhangwei``, ``zhang``) or initials prefix (``zw``);
* digits (6+ characters, or with X) → ID number: exact for a full number, prefix otherwise.

Prefix searches are written as ranges (``>= 'zw' AND < 'zw{'``) so the B-tree indexes on ``name_pinyin`` and
``name_initials`` serve them on SQLite and PostgreSQL alike.

Category (``category``) is a hook: the policy app registers the real filter with
:func:`register_category_filter`; until then the category recorded in a ledger (``ledger_category``) is searched.
"""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tonghu.core.filtersets import BaseFilterSet
from tonghu.core.models import Region
from tonghu.core.reference.idnumber import normalize

from .models import Child, ChildStatus, HealthStatus, HukouType, SchoolingStatus, Sex
from .pinyin import looks_like_pinyin, query_key

_category_filter = None
_category_choices: list[tuple[str, object]] = []


def register_category_filter(func, choices) -> None:
    """``func(queryset, value) -> queryset``; ``choices``: [(value, label)]. Called by the policy app."""
    global _category_filter, _category_choices
    _category_filter = func
    _category_choices = list(choices)


_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _successor(prefix: str) -> str | None:
    """The smallest letters-and-digits string above every string starting with ``prefix`` (``zw`` → ``zx``,
    ``a9`` → ``aa``, ``az`` → ``b``): comparing with it gives the same answer under the C collation and under
    language collations (which ignore punctuation) on PostgreSQL. ``None`` when there is no upper bound."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        i = _ALPHABET.find(last)
        if 0 <= i < len(_ALPHABET) - 1:
            return "".join(chars) + _ALPHABET[i + 1]
    return None


def _prefix_range(field: str, prefix: str) -> Q:
    upper = _successor(prefix)
    q = Q(**{f"{field}__gte": prefix})
    return q & Q(**{f"{field}__lt": upper}) if upper else q


_ID_LIKE = re.compile(r"^[0-9]{6,17}[0-9X]?$")


SELECTIVE_LIMIT = 5000


def _selective(qs, condition: Q):
    """Filter ``qs`` by an indexed ``condition``. When few rows match (the usual case for a name search), look the
    matching ids up on the condition's own index first: SQLite's planner would otherwise scan the region range
    index (it cannot tell that the whole county lies in the range)."""
    ids = list(Child.objects.filter(condition).values_list("pk", flat=True)[: SELECTIVE_LIMIT + 1])
    if len(ids) <= SELECTIVE_LIMIT:
        return qs.filter(pk__in=ids)
    return qs.filter(condition)


_NO_DATES = (dt.date(1, 1, 2), dt.date(1, 1, 1))  # an empty range


def _birth_range(prefix: str):
    """The birth dates an 18-digit ID number starting with ``prefix`` can carry (digits 7–14 are YYYYMMDD), or
    ``None`` when the prefix does not reach the year; an impossible date gives an empty range."""
    if len(prefix) < 10 or prefix[6:8] not in ("19", "20"):
        return None
    year = int(prefix[6:10])
    try:
        if len(prefix) >= 14:
            day = dt.date(year, int(prefix[10:12]), int(prefix[12:14]))
            return day, day
        if len(prefix) >= 12:
            month = int(prefix[10:12])
            first = dt.date(year, month, 1)
            return first, (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        if len(prefix) == 11:
            return {"0": (dt.date(year, 1, 1), dt.date(year, 9, 30)), "1": (dt.date(year, 10, 1), dt.date(year, 12, 31))}.get(prefix[10], _NO_DATES)
    except ValueError:
        return _NO_DATES
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _id_prefix(qs, prefix: str):
    """Children whose ID number starts with ``prefix``. The numbers are encrypted at rest (tonghu.core.crypto), so
    the database cannot compare prefixes: narrow by the birth date the prefix spells out (its own indexed column),
    decrypt the candidates' numbers and keep those that match. A prefix shorter than the year (digits 1–9) reads the
    numbers of every child in scope that has one (~3 ms per 1,000 children)."""
    narrowed = qs.filter(id_number_bidx__isnull=False)
    dates = _birth_range(prefix)
    if dates is not None:
        narrowed = narrowed.filter(birth_date__range=dates)
    ids = [pk for pk, number in narrowed.order_by().values_list("pk", "id_number") if number.startswith(prefix)]
    return qs.filter(pk__in=ids)


def search(qs, query: str):
    q = (query or "").strip()
    if not q:
        return qs
    folded = normalize(q)
    if _ID_LIKE.match(folded):
        if len(folded) in (15, 18):
            return qs.filter(id_number=folded)
        return _id_prefix(qs, folded)
    if looks_like_pinyin(q):
        key = query_key(q)
        return _selective(qs, _prefix_range("name_pinyin", key) | _prefix_range("name_initials", key))
    return qs.filter(Q(name__contains=q) | Q(former_names__contains=q))


ORDERINGS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "birth_date": ("birth_date", "id"),
    "-birth_date": ("-birth_date", "-id"),
    "village": ("village_id", "name_pinyin", "id"),
    "-updated": ("-updated_at", "-id"),
    "-created": ("-created_at", "-id"),
}
ORDERING_LABELS = [
    ("village", _("按村（社区）")),
    ("name", _("按姓名拼音")),
    ("-name", _("按姓名拼音（倒序）")),
    ("birth_date", _("按出生日期（年长在前）")),
    ("-birth_date", _("按出生日期（年幼在前）")),
    ("-updated", _("最近修改")),
    ("-created", _("最近建档")),
]


class ChildFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("姓名、拼音或身份证号"), method="filter_q")
    region = django_filters.CharFilter(label=_("区划代码（乡镇或村）"), method="filter_region")
    village = django_filters.ModelChoiceFilter(label=_("所在村（社区）"), queryset=Region.objects.none(), method="filter_village")
    status = django_filters.MultipleChoiceFilter(label=_("档案状态"), choices=ChildStatus.choices)
    sex = django_filters.ChoiceFilter(label=_("性别"), choices=Sex.choices)
    hukou_type = django_filters.ChoiceFilter(label=_("户籍类别"), choices=HukouType.choices)
    schooling_status = django_filters.ChoiceFilter(label=_("就学情况"), choices=SchoolingStatus.choices)
    health_status = django_filters.ChoiceFilter(label=_("健康状况"), choices=HealthStatus.choices)
    has_id_number = django_filters.BooleanFilter(label=_("有身份证号码"), method="filter_has_id")
    category = django_filters.CharFilter(label=_("儿童类别"), method="filter_category")
    director = django_filters.NumberFilter(label=_("儿童主任"), field_name="director_id")
    household = django_filters.NumberFilter(label=_("家庭"), field_name="household_id")
    born_after = django_filters.DateFilter(label=_("出生日期不早于"), field_name="birth_date", lookup_expr="gte")
    born_before = django_filters.DateFilter(label=_("出生日期不晚于"), field_name="birth_date", lookup_expr="lte")
    ordering = django_filters.ChoiceFilter(label=_("排序"), choices=ORDERING_LABELS, method="filter_ordering", empty_label=None)

    class Meta:
        model = Child
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        villages = Region.objects.visible_to(user, "core.view_regions").filter(level="village") if user is not None else Region.objects.none()
        self.filters["village"].queryset = villages
        self.form.fields["village"].queryset = villages
        from django import forms as dj_forms

        for f in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, (dj_forms.Select, dj_forms.SelectMultiple)) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)
        self.form.fields["village"].empty_label = _("全部村（社区）")
        if _category_choices:
            self.form.fields["category"].help_text = "、".join(str(label) for _v, label in _category_choices)

    def filter_q(self, qs, name, value):
        return search(qs, value)

    def filter_region(self, qs, name, value):
        code = (value or "").strip()
        if not code.isdigit() or len(code) != 12:
            return qs.none()
        region = Region.objects.filter(code=code).first()
        if region is None:
            return qs.none()
        return qs.in_region(region.prefix)

    def filter_village(self, qs, name, value):
        return qs.filter(village=value) if value else qs

    def filter_has_id(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(id_number__isnull=not value)

    def filter_category(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        if _category_filter is not None:
            return _category_filter(qs, value)
        return qs.filter(ledger_category__contains=value)

    def filter_ordering(self, qs, name, value):
        return qs.order_by(*ORDERINGS.get(value, ORDERINGS["village"]))

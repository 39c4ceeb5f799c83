"""Scoped reads and the figures of the workforce (R-J1, R-J2, R-J4).

The figure functions take a :class:`~tonghu.core.models.Region` the caller may see (views check that with
``Region.objects.visible_to``) and compute for its whole subtree; they are plain functions so that the supervision
indicator registry can register them. Each docstring states the definition and the plan it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tonghu.audit.services import audit_log
from tonghu.core.models import Region
from tonghu.core.scoping import prefix_range
from tonghu.policy.profile import Setting

from . import rules
from .models import Attendance, BackgroundCheck, Course, Handover, Person, PersonKind
from tonghu.core.texts import msg

VIEW = "workforce.view"
MANAGE = "workforce.manage"
CHECKS = "workforce.checks"


def _today() -> dt.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------------------------ people


def serving(qs, on: dt.date | None = None):
    """Rows of ``qs`` (people) serving on ``on``: appointed on or before it and not yet left."""
    on = on or _today()
    return qs.filter(appointed_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


def person_list(*, user, capability: str = VIEW):
    return Person.objects.visible_to(user, capability).select_related("region", "region__parent", "user")


def person_open(*, user, pk) -> Person:
    """One ledger entry for display (404 outside scope); audited like opening a child's file, since it shows a
    real name, an ID number and a phone."""
    person = get_object_or_404(person_list(user=user), pk=pk)
    audit_log(actor=user, action="view", obj=person, summary=msg("查看儿童主任（督导员）台账信息"))
    return person


def person_for_edit(*, user, pk) -> Person:
    return get_object_or_404(Person.objects.visible_to(user, MANAGE).select_related("region", "user"), pk=pk)


def courses_visible(user, capability: str = VIEW):
    """Courses organised in the user's region, and courses (a city's or province's, say) that people of the user's
    region attended."""
    own = Course.objects.visible_to(user, capability)
    if not own.query.is_empty():
        attended = Attendance.objects.visible_to(user, capability).values("course_id")
        return Course.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=attended))
    return own


def course_open(*, user, pk) -> Course:
    return get_object_or_404(courses_visible(user).select_related("region"), pk=pk)


def course_for_edit(*, user, pk) -> Course:
    return get_object_or_404(Course.objects.visible_to(user, "workforce.training").select_related("region"), pk=pk)


def handovers(*, user, person: Person | None = None):
    qs = Handover.objects.visible_to(user, VIEW).select_related("predecessor", "successor", "region")
    if person is not None:
        qs = qs.filter(Q(predecessor=person) | Q(successor=person))
    return qs


def checks_of(*, user, person: Person):
    """A person's background checks: only for holders of ``workforce.checks`` (county managers, R-F7)."""
    return BackgroundCheck.objects.visible_to(user, CHECKS).filter(person=person)


# ------------------------------------------------------------------------------------------------ coverage


@dataclass
class VillageCoverage:
    code: str
    name: str
    township_code: str
    directors: list = field(default_factory=list)  # Person rows serving there
    target_children: int = 0
    threshold: Setting | None = None

    @property
    def director_count(self) -> int:
        return len(self.directors)

    @property
    def vacant(self) -> bool:
        return not self.directors

    @property
    def over_threshold(self) -> bool:
        return self.threshold is not None and self.target_children > self.threshold.value

    @property
    def needs_second(self) -> bool:
        """Over the threshold and fewer than two directors (R-J1)."""
        return self.over_threshold and self.director_count < 2


def target_children_by_village(region: Region) -> dict[str, int]:
    """Open files of children classified left-behind or in difficulty (the stored classification,
    ``policy.ChildClassification``), per village of ``region``. R-J1's 「农村留守儿童和困境儿童总人数」."""
    from tonghu.policy.models import ChildClassification

    rows = (ChildClassification.objects
            .filter(child__village__code__range=prefix_range(region.prefix), child__status="active")
            .filter(Q(left_behind=True) | Q(in_difficulty=True))
            .values("child__village_id").annotate(n=Count("child_id")))
    return {r["child__village_id"]: r["n"] for r in rows}


def village_coverage(region: Region, on: dt.date | None = None) -> list[VillageCoverage]:
    """Every active village or community of ``region`` with its serving child directors, its target children and the
    second-director threshold of its jurisdiction profile (R-J1: 000 §二(五)16, 001 第18条, 002 §三(五)1, 003 §二(五)16,
    004 §二(六)22 — 「每个村（居）择优选任至少一名儿童主任…总人数超过30人的…增配儿童主任」). A constant number of
    queries (five on the demo county)."""
    on = on or _today()
    villages = list(Region.objects.filter(level="village", active=True, code__range=prefix_range(region.prefix))
                    .order_by("code").values_list("code", "name", "parent_id"))
    people: dict[str, list] = {}
    for p in serving(Person.objects.filter(kind=PersonKind.DIRECTOR, region__code__range=prefix_range(region.prefix)), on).order_by("name"):
        people.setdefault(p.region_id, []).append(p)
    targets = target_children_by_village(region)
    limits = rules.thresholds([c for c, _n, _p in villages], on)
    return [VillageCoverage(code=c, name=n, township_code=parent or "", directors=people.get(c, []),
                            target_children=targets.get(c, 0), threshold=limits.get(c)) for c, n, parent in villages]


def directors_per_village(region: Region, on: dt.date | None = None) -> dict[str, int]:
    """Indicator: serving child directors per village or community of ``region`` (R-J1「每个村（居）至少一名」)."""
    return {v.code: v.director_count for v in village_coverage(region, on)}


def villages_without_director(region: Region, on: dt.date | None = None) -> list[VillageCoverage]:
    """Indicator: villages and communities of ``region`` with no serving child director on ``on`` (R-J1; 000 §二(五)16,
    003 §二(五)16「每个村（居）择优选任至少一名儿童主任」)."""
    return [v for v in village_coverage(region, on) if v.vacant]


def villages_over_threshold_without_second(region: Region, on: dt.date | None = None) -> list[VillageCoverage]:
    """Indicator: villages whose target children (left-behind + in difficulty, stored classification) exceed the
    profile's ``workforce.second_director_threshold`` (30 in every seed) while fewer than two child directors serve
    there (R-J1「超过30人的村（居），根据实际需要增配儿童主任」)."""
    return [v for v in village_coverage(region, on) if v.needs_second]


@dataclass
class UnitCoverage:
    region: Region
    villages: int = 0
    with_director: int = 0
    vacant: int = 0
    over_threshold: int = 0
    needs_second: int = 0
    directors: int = 0
    target_children: int = 0

    @property
    def vacancies(self) -> int:
        """Posts to fill: villages without a director plus villages lacking their second one."""
        return self.vacant + self.needs_second


def coverage_by_unit(region: Region, on: dt.date | None = None, rows: list[VillageCoverage] | None = None) -> list[UnitCoverage]:
    """Coverage per direct sub-region of ``region`` (townships of a county, counties of a city…): villages, how many
    have a director, vacancies (R-J1「以乡镇为单位」 vacancies by township on a county's page)."""
    rows = rows if rows is not None else village_coverage(region, on)
    subs = list(Region.objects.filter(parent=region, active=True).order_by("code"))
    units = [UnitCoverage(region=s) for s in subs]
    by_prefix = sorted(((u.region.prefix, u) for u in units), key=lambda t: -len(t[0]))
    for v in rows:
        unit = next((u for p, u in by_prefix if v.code.startswith(p)), None)
        if unit is None:
            continue
        unit.villages += 1
        unit.with_director += 0 if v.vacant else 1
        unit.vacant += 1 if v.vacant else 0
        unit.over_threshold += 1 if v.over_threshold else 0
        unit.needs_second += 1 if v.needs_second else 0
        unit.directors += v.director_count
        unit.target_children += v.target_children
    return [u for u in units if u.villages]


def vacancies_by_township(region: Region, on: dt.date | None = None) -> list[dict]:
    """Indicator: per township of ``region``, villages without a director and villages over the threshold without a
    second one (R-J1)."""
    rows = village_coverage(region, on)
    out: dict[str, dict] = {}
    for v in rows:
        t = out.setdefault(v.township_code, {"township": v.township_code, "vacant": 0, "needs_second": 0, "villages": 0})
        t["villages"] += 1
        t["vacant"] += 1 if v.vacant else 0
        t["needs_second"] += 1 if v.needs_second else 0
    return list(out.values())


# ------------------------------------------------------------------------------------------------ training


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _people_of_year(region: Region, year: int):
    """Child directors and supervisors of ``region`` serving at the end of ``year`` (or today, this year)."""
    on = min(_year_bounds(year)[1], _today())
    return serving(Person.objects.filter(kind__in=[PersonKind.DIRECTOR, PersonKind.SUPERVISOR],
                                         region__code__range=prefix_range(region.prefix)), on)


def untrained(region: Region, year: int):
    """Indicator list: serving child directors and supervisors of ``region`` with no training attended in ``year``
    (R-J4; 000 §二(五)16, 003 §二(五)16「县级民政部门要确保实现每年对儿童主任培训全覆盖」)."""
    first, last = _year_bounds(year)
    trained = Attendance.objects.filter(course__date__range=(first, last)).values("person_id")
    return _people_of_year(region, year).exclude(pk__in=trained).select_related("region", "region__parent").order_by("region_id", "name")


def training_coverage(region: Region, year: int) -> dict:
    """Indicator: share of serving child directors and supervisors of ``region`` who attended at least one training
    in ``year`` — ``{"people", "trained", "rate"}`` (rate in %, None without people). R-J4「每年…培训全覆盖」."""
    people = _people_of_year(region, year).count()
    missing = untrained(region, year).count()
    trained = people - missing
    return {"people": people, "trained": trained, "rate": round(100 * trained / people, 1) if people else None}


def training_by_unit(region: Region, year: int) -> list[dict]:
    """Training coverage per direct sub-region of ``region`` (per county on a city's page, R-J4)."""
    out = []
    for sub in Region.objects.filter(parent=region, active=True).order_by("code"):
        cov = training_coverage(sub, year)
        if cov["people"]:
            out.append({"region": sub, **cov})
    return out


def demonstration_counts(region: Region, year: int) -> list[dict]:
    """Indicator: demonstration trainings (示范培训) held in ``year`` by ``region`` and each city and province within
    it, against the profile's ``workforce.demonstration_per_year`` (R-J4「自治区和地（市）民政部门每年至少组织一次
    儿童主任示范培训」, 000/003 §二(五)16; 002 §三(五)1 and 004 §二(六)22 name the city)."""
    first, last = _year_bounds(year)
    above = [a for a in region.ancestors() if a.level in ("province", "city")]
    within = list(Region.objects.filter(code__range=prefix_range(region.prefix), level__in=["province", "city"]).order_by("code"))
    organisers = sorted({r.code: r for r in [*above, *within]}.values(), key=lambda r: r.code)
    counts = dict(Course.objects.filter(demonstration=True, date__range=(first, last), region_id__in=[r.code for r in organisers])
                  .values_list("region_id").annotate(n=Count("id")))
    rows = []
    for r in organisers:
        required = rules.setting_for(r.code, "demonstration_per_year", dt.date(year, 12, 31) if year < _today().year else None)
        rows.append({"region": r, "count": counts.get(r.code, 0), "required": required.value, "source": required.citation})
    return rows


def person_training(person: Person):
    return Attendance.objects.filter(person=person).select_related("course").order_by("-course__date")

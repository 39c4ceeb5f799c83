"""Demo: the demo county's workforce. Every demo account of a child director (zhuren###) or supervisor (dudao##)
becomes a ledger person with generated details (never a real person); a few villages show a past handover; the
village with the most target children is brought over 30 without a second director (R-J1); this year's county
training and last year's city demonstration training leave some people untrained (R-J4); a few background checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tonghu.core.demo_loader import demo_step

DUTIES = ["村（居）民委员会委员", "村妇联主席", "村党支部委员", "村文书", "大学生村官", ""]


def _phone(rng) -> str:
    return f"1{rng.choice([38, 39, 50, 57, 77, 88])}{rng.randint(0, 99999999):08d}"


def _top_up_village(ctx, village, have: int, want: int) -> int:
    """Add rural left-behind children (both parents working away) to ``village`` until it has ``want`` target
    children; classification and schedules follow through the registry's services and facts_changed."""
    from tonghu.core.demo.names import family_names
    from tonghu.registry.services import child_create, guardian_save

    rng, today = ctx.rng, timezone.localdate()
    added = 0
    while have + added < want:
        names = family_names(rng, "01", n_children=1)
        child = child_create(actor="demo", confirm_similar=True, data={
            "name": names.child, "sex": names.child_sex,
            "birth_date": today - dt.timedelta(days=rng.randint(4 * 365, 14 * 365)), "village": village,
            "hukou_type": "rural", "address": f"{village.name}{rng.randint(1, 9)}组"})
        since = today - dt.timedelta(days=rng.randint(200, 900))
        for role, name in (("father", names.father), ("mother", names.mother)):
            guardian_save(actor="demo", child=child, data={"role": role, "name": name, "working_away": True, "away_since": since,
                                                            "away_destination": "广东省东莞市", "lives_with_child": False})
        added += 1
    return added


@demo_step(75)
def workforce(ctx):
    from tonghu.accounts.models import User
    from tonghu.accounts.roles import Role
    from tonghu.core.demo.names import person_name
    from tonghu.core.demo.regions import demo_county_code, id_region_code
    from tonghu.core.models import Region
    from tonghu.core.reference.idnumber import random_id_number
    from tonghu.core.scoping import prefix_range

    from . import selectors
    from .models import Attendance, BackgroundCheck, Course, Handover, Person, PersonKind

    county = Region.objects.filter(code=demo_county_code()).select_related("parent").first()
    if county is None or Person.objects.filter(region__code__range=prefix_range(county.prefix)).exists():
        return
    rng, today = ctx.rng, timezone.localdate()
    accounts = list(User.objects.filter(role__in=[Role.CHILD_DIRECTOR, Role.SUPERVISOR], region__code__range=prefix_range(county.prefix))
                    .select_related("region").order_by("username"))
    used: set[str] = set()

    def id_for(sex: str) -> str:
        while True:
            birth = dt.date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28))
            number = random_id_number(rng, id_region_code(county.code, birth.year), birth, sex)
            if number not in used:
                used.add(number)
                return number

    people = []
    for u in accounts:
        sex = rng.choice("MF") if u.role == Role.SUPERVISOR else ("F" if rng.random() < 0.7 else "M")  # 003 §16: prefer women
        people.append(Person(
            kind=PersonKind.DIRECTOR if u.role == Role.CHILD_DIRECTOR else PersonKind.SUPERVISOR,
            name=u.full_name or person_name(rng, "01", sex, adult=True), sex=sex, id_number=id_for(sex), phone=u.phone or _phone(rng),
            region=u.region, user=u, employment="full_time" if u.role == Role.SUPERVISOR or rng.random() < 0.1 else "part_time",
            other_duties=rng.choice(DUTIES) if u.role == Role.CHILD_DIRECTOR else "乡镇民政办工作人员",
            appointed_on=today - dt.timedelta(days=rng.randint(120, 6 * 365))))
    for p in people:
        p.save()  # one by one: the blind index is computed in save()
    directors = [p for p in people if p.kind == PersonKind.DIRECTOR]

    # history: three villages changed director in the past (the earlier ones had no account in tonghu)
    handovers = 0
    for p in rng.sample(directors, k=min(3, len(directors))):
        sex = rng.choice("MF")
        old = Person.objects.create(kind=PersonKind.DIRECTOR, name=person_name(rng, "01", sex, adult=True), sex=sex, id_number=id_for(sex),
                                    phone=_phone(rng), region=p.region, appointed_on=p.appointed_on - dt.timedelta(days=rng.randint(700, 2000)),
                                    left_on=p.appointed_on, leave_reason=rng.choice(["村“两委”换届", "外出务工", "调任其他岗位"]))
        Handover.objects.create(region=p.region, predecessor=old, successor=p, date=p.appointed_on, reason=old.leave_reason,
                                children_moved=rng.randint(5, 25))
        handovers += 1

    # R-J1: the village with the most target children goes over 30 and has only one director
    rows = sorted(selectors.village_coverage(county), key=lambda v: (-v.target_children, v.code))
    added, over_code = 0, None
    if rows:
        top = rows[0]
        village, over_code = Region.objects.get(code=top.code), top.code
        added = _top_up_village(ctx, village, top.target_children, 34)
    # the community with the fewest files has lost its director and no successor is appointed yet (a vacancy: its
    # files name no director until the county appoints one and hands them over)
    from django.db.models import Count

    from tonghu.registry.models import Child

    printed = {username for username, *_rest in ctx.accounts}  # the demo accounts printed for people to log in with
    candidates = [p for p in directors if p.region.kind == "community" and p.region_id != over_code and p.user.username not in printed
                  and p.pk not in {h.successor_id for h in Handover.objects.all()}]
    if candidates:
        load = dict(Child.objects.filter(director__in=[p.user for p in candidates]).values_list("director").annotate(n=Count("id")))
        vacant = min(candidates, key=lambda p: (load.get(p.user_id, 0), p.region_id))
        Child.objects.filter(director=vacant.user).update(director=None, director_name="", director_phone="")
        vacant.left_on, vacant.leave_reason = today - dt.timedelta(days=20), "外出务工"
        vacant.save(update_fields=["left_on", "leave_reason"])
        vacant.user.is_active = False
        vacant.user.save(update_fields=["is_active"])

    # R-J4: this year's county training (most attended), last year's city demonstration training
    city = county.parent
    county_course = Course.objects.create(region=county, level="county", title=f"{today.year}年度儿童主任业务培训",
                                          topic="走访建档、强制报告、心理关爱", date=today - dt.timedelta(days=rng.randint(20, 60)),
                                          hours=Decimal("8"), organiser=f"{county.name}民政局")
    demo_course = Course.objects.create(region=city, level="city", title=f"{today.year - 1}年{city.name}儿童主任示范培训",
                                        topic="困境儿童认定与监护干预", date=dt.date(today.year - 1, 9, 20), hours=Decimal("16"),
                                        organiser=f"{city.name}民政局", demonstration=True)
    serving = [p for p in people if p.left_on is None]
    attended = [p for p in serving if rng.random() < 0.82 and p.appointed_on <= county_course.date]
    Attendance.objects.bulk_create([Attendance(course=county_course, person=p, certificate_no=f"LY{today.year}-{i:03d}")
                                    for i, p in enumerate(attended, start=1)])
    Attendance.objects.bulk_create([Attendance(course=demo_course, person=p) for p in rng.sample(serving, k=min(20, len(serving)))
                                    if p.appointed_on <= demo_course.date])
    # R-F7: background checks for the supervisors and a few directors
    for p in [q for q in people if q.kind == PersonKind.SUPERVISOR] + directors[:10]:
        BackgroundCheck.objects.create(person=p, checked_on=today - dt.timedelta(days=rng.randint(30, 300)), result="clear",
                                       checked_by=f"{county.name}人民检察院", next_due=today + dt.timedelta(days=rng.randint(30, 330)))
    ctx.say(f"    {len(people)} ledger people, {handovers} past handovers, {len(attended)} trained this year; "
            f"{added} children added to the village over 30")

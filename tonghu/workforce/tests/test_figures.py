"""Coverage (R-J1) and training (R-J4) figures; issue 15 items 1–2."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import IN_SCOPE_VILLAGE, SIBLING_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.workforce import selectors, services


def _targets(make_child, village, n, **flags):
    from tonghu.policy.models import ChildClassification

    for i in range(n):
        child = make_child(f"目标{village[-3:]}{i}", village=village)
        ChildClassification.objects.update_or_create(child=child, defaults={
            "on": dt.date.today(), "profile_key": "guangxi", "profile_version": "t", "computed_at": timezone.now(),
            "left_behind": flags.get("left_behind", True), "in_difficulty": flags.get("in_difficulty", False)})


def test_villages_without_a_director_and_over_threshold_without_a_second(world, make_person, make_child):
    """R-J1: one director per village; a second where target children exceed 30 (the profile's setting)."""
    county = world["451027000000"]
    make_person("一号", village=IN_SCOPE_VILLAGE)
    _targets(make_child, IN_SCOPE_VILLAGE, 31)
    _targets(make_child, SIBLING_VILLAGE, 2, left_behind=False, in_difficulty=True)
    rows = {v.code: v for v in selectors.village_coverage(county)}
    assert rows[IN_SCOPE_VILLAGE].target_children == 31
    assert rows[IN_SCOPE_VILLAGE].threshold.value == 30 and "30" in rows[IN_SCOPE_VILLAGE].threshold.citation
    vacant = {v.code for v in selectors.villages_without_director(county)}
    assert vacant == {"451027001001", SIBLING_VILLAGE, "451027002200"}
    assert [v.code for v in selectors.villages_over_threshold_without_second(county)] == [IN_SCOPE_VILLAGE]
    # a second director removes the shortfall
    make_person("二号", village=IN_SCOPE_VILLAGE)
    assert selectors.villages_over_threshold_without_second(county) == []
    units = {u.region.code: u for u in selectors.coverage_by_unit(county)}
    assert (units["451027001000"].villages, units["451027001000"].vacant, units["451027001000"].directors) == (3, 2, 2)
    assert units["451027002000"].vacancies == 1


def test_exactly_thirty_target_children_need_no_second_director(world, make_person, make_child):
    """「超过30人」: 30 is not over the threshold."""
    make_person("一号", village=IN_SCOPE_VILLAGE)
    _targets(make_child, IN_SCOPE_VILLAGE, 30)
    assert selectors.villages_over_threshold_without_second(world["451027000000"]) == []


def test_a_director_who_left_leaves_a_vacancy(world, make_person, users):
    p = make_person("一号", village=SIBLING_VILLAGE)
    services.person_leave(actor=users[Role.COUNTY_MANAGER], person=p, on=dt.date.today(), reason="外出务工")
    assert SIBLING_VILLAGE in {v.code for v in selectors.villages_without_director(world["451027000000"])}


def test_training_coverage_and_who_is_untrained(world, make_person, users):
    """R-J4: full coverage every year; who has not been trained this year."""
    year = dt.date.today().year
    a = make_person("甲")
    b = make_person("乙", village=SIBLING_VILLAGE)
    make_person("督导", kind="supervisor", village="451027001000")
    course = services.course_create(actor=users[Role.COUNTY_OFFICER], data={
        "region": world["451027000000"], "title": "儿童主任业务培训", "topic": "走访与建档", "date": dt.date.today(),
        "hours": Decimal("6"), "organiser": "凌云县民政局"})
    services.attendance_record(actor=users[Role.COUNTY_OFFICER], course=course, people=[a], certificates={a.pk: "LY-001"})
    services.attendance_record(actor=users[Role.COUNTY_OFFICER], course=course, people=[a])  # recorded twice: once
    county = world["451027000000"]
    assert selectors.training_coverage(county, year) == {"people": 3, "trained": 1, "rate": 33.3}
    assert {p.name for p in selectors.untrained(county, year)} == {"乙", "督导"}
    assert {p.name for p in selectors.untrained(county, year - 1)} == {"甲", "乙", "督导"}  # last year nobody
    assert b.attendances.count() == 0 and a.attendances.get().certificate_no == "LY-001"


def test_demonstration_training_counted_per_city(world, make_person, make_user):
    """R-J4: region and city demonstration training at least once a year."""
    city_staff = make_user(Role.CITY_STAFF, "451000000000")
    year = dt.date.today().year
    rows = {r["region"].code: r for r in selectors.demonstration_counts(world["451027000000"], year)}
    assert rows["451000000000"]["count"] == 0 and rows["451000000000"]["required"] == 1
    services.course_create(actor=city_staff, data={"region": world["451000000000"], "title": "示范培训", "date": dt.date.today(),
                                                   "hours": Decimal("12"), "organiser": "百色市民政局", "demonstration": True})
    rows = {r["region"].code: r for r in selectors.demonstration_counts(world["450000000000"], year)}
    assert rows["451000000000"]["count"] == 1 and rows["450000000000"]["count"] == 0


def test_a_county_course_cannot_be_called_demonstration(world, users):
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=users[Role.COUNTY_OFFICER], data={
            "region": world["451027000000"], "title": "培训", "date": dt.date.today(), "hours": Decimal("2"),
            "organiser": "县民政局", "demonstration": True})
    assert "demonstration" in exc.value.message_dict

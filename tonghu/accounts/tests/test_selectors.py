"""Who is responsible for a region in a role: ``tonghu.accounts.selectors`` (issue 11 item 2). The notifications of
visits, policy and cases (R-C4 problems to the township and county, R-C5 reports to the receiving department) all ask
it, so its edges are the edges of who is told."""

from __future__ import annotations

from tonghu.accounts.selectors import covering_codes, covering_region, responsible_users, users_within
from tonghu.core.roles import Department, Role

VILLAGE = "451027001200"  # 青山村, 泗城镇
SIBLING = "451027001201"  # 白石村, the same township
NEIGHBOUR = "451027002200"  # 河口村, 下甲镇 (the neighbouring township of the same county)
OTHER_COUNTY = "533401001200"


def names(qs) -> list[str]:
    return [u.username for u in qs]


def test_covering_codes_and_regions_go_from_the_province_down_to_the_place():
    assert covering_codes(VILLAGE) == ["450000000000", "451000000000", "451027000000", "451027001000", VILLAGE]
    assert covering_codes("451027000000") == ["450000000000", "451000000000", "451027000000"]
    assert covering_region(VILLAGE, "township") == "451027001000"
    assert covering_region(VILLAGE, "county") == "451027000000"
    assert covering_region("451027001000", "township") == "451027001000"


def test_a_township_supervisor_covers_its_villages_and_not_the_neighbours(world, make_user):
    mine = make_user(Role.SUPERVISOR, "451027001000", "sup-sicheng")
    make_user(Role.SUPERVISOR, "451027002000", "sup-xiajia")
    assert names(responsible_users(VILLAGE, Role.SUPERVISOR)) == [mine.username]
    assert names(responsible_users(SIBLING, Role.SUPERVISOR)) == [mine.username]
    assert names(responsible_users(NEIGHBOUR, Role.SUPERVISOR)) == ["sup-xiajia"]
    assert names(responsible_users(OTHER_COUNTY, Role.SUPERVISOR)) == []


def test_a_director_is_responsible_for_the_own_village_only_and_nobody_below_covers_a_region(world, make_user):
    make_user(Role.CHILD_DIRECTOR, VILLAGE, "dir-qingshan")
    make_user(Role.CHILD_DIRECTOR, SIBLING, "dir-baishi")
    assert names(responsible_users(VILLAGE, Role.CHILD_DIRECTOR)) == ["dir-qingshan"]
    # Covering means placed at the region or above it: the township has no director although its villages do.
    assert names(responsible_users("451027001000", Role.CHILD_DIRECTOR)) == []
    # Below: every director of the township's villages, none of the neighbouring township's.
    make_user(Role.CHILD_DIRECTOR, NEIGHBOUR, "dir-hekou")
    assert names(users_within("451027001000", Role.CHILD_DIRECTOR)) == ["dir-qingshan", "dir-baishi"]
    assert names(users_within("451027000000", Role.CHILD_DIRECTOR)) == ["dir-qingshan", "dir-baishi", "dir-hekou"]


def test_inactive_users_are_never_responsible(world, make_user):
    gone = make_user(Role.COUNTY_OFFICER, "451027000000", "officer-left")
    here = make_user(Role.COUNTY_OFFICER, "451027000000", "officer-here")
    gone.is_active = False
    gone.save()
    assert names(responsible_users(VILLAGE, Role.COUNTY_OFFICER)) == [here.username]
    assert names(users_within("451027000000", Role.COUNTY_OFFICER)) == [here.username]


def test_several_roles_and_a_department(world, make_user):
    """A report in 青山村 routed to education reaches the county's education reporters, not the police's, and the
    county staff roles together (R-C5)."""
    teacher = make_user(Role.REPORTER, "451027000000", "rep-edu", department=Department.EDUCATION)
    make_user(Role.REPORTER, "451027000000", "rep-police", department=Department.PUBLIC_SECURITY)
    make_user(Role.REPORTER, "533401000000", "rep-edu-elsewhere", department=Department.EDUCATION)
    officer = make_user(Role.COUNTY_OFFICER, "451027000000", "officer")
    manager = make_user(Role.COUNTY_MANAGER, "451027000000", "manager")
    assert names(responsible_users(VILLAGE, Role.REPORTER, departments=[Department.EDUCATION])) == [teacher.username]
    assert names(responsible_users(VILLAGE, [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER])) == [officer.username, manager.username]
    # A province-level officer role covers the village too (placed above it).
    staff = make_user(Role.PROVINCE_STAFF, "450000000000", "province")
    assert names(responsible_users(VILLAGE, Role.PROVINCE_STAFF)) == [staff.username]
    assert names(responsible_users(OTHER_COUNTY, Role.PROVINCE_STAFF)) == []

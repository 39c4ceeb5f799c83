"""A child's facts changed → classification, then schedule, through the one event (tonghu.core.events; issue 10
item 6, issue 11). These go through the real services, the real import and the real subscribers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from openpyxl import Workbook

from tonghu.accounts.roles import Role
from tonghu.core.reference.idnumber import make_id_number
from tonghu.policy.models import ChildClassification
from tonghu.registry import services as registry
from tonghu.registry.ledger.importer import ledger_import
from tonghu.registry.models import Child
from tonghu.visits.models import Schedule

COUNTY = "451027000000"
VILLAGE = "451027001200"


@pytest.fixture
def profiles(db):
    from tonghu.policy.services import policy_load

    return policy_load()


def _ledger(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "性别", "出生年月", "身份证号码", "村（社区）", "儿童类别", "父亲", "母亲", "健康状况", "孤儿", "低保（元/月）"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_child_imported_by_ledger_is_classified_and_scheduled(world, users, profiles, tmp_path, django_capture_on_commit_callbacks):
    """Issue 10 item 6: the ledger import used to write around classification and schedules (docs/policy.md says
    an import classifies). Now the import fires facts_changed once with all ids; after commit both follow."""
    number = make_id_number("451027", dt.date(2014, 3, 1), "F", 8)
    path = _ledger(tmp_path / "台账.xlsx", [
        [1, "韦小燕", "女", "2014年3月", number, "青山村", "困境儿童", "韦大山 13907760001", "罗美", "残疾（肢体一级）", "√", None],
        [2, "韦小明", "男", "2013年5月", None, "青山村", "农村留守儿童", "韦大山 13907760001", "罗美", "健康", None, "300元/月"],
    ])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=path)
    assert report.errors == [] and report.created == 2
    ids = set(Child.objects.values_list("pk", flat=True))
    assert set(ChildClassification.objects.values_list("child_id", flat=True)) == ids
    disabled, poor = Child.objects.get(name="韦小燕"), Child.objects.get(name="韦小明")
    assert disabled.classification.pending == ["in_difficulty.disability"]  # R-A2: documents not yet on file
    assert poor.classification.in_difficulty  # 低保 household: R-A2 困境儿童 (poor family)
    # R-C1: the child in a visited group has its contact and home-visit tasks; the pending one has none yet
    assert sorted(Schedule.objects.filter(child=poor).values_list("kind", flat=True)) == ["contact", "home_visit"]
    assert not Schedule.objects.filter(child=disabled).exists()
    assert len(callbacks) == 1  # one batch for the whole import: one recomputation in bulk


class Boom(Exception):
    pass


def test_rolled_back_edit_does_not_stop_later_refreshes(world, users, profiles, django_capture_on_commit_callbacks):
    """Issue 10 item 6: an edit rolled back (an exception inside ``transaction.atomic``) left the child in the visits
    signal's module-level pending set, so its schedule was never refreshed again in that process."""
    officer = users[Role.COUNTY_OFFICER]
    with django_capture_on_commit_callbacks(execute=True):
        child = registry.child_create(actor=officer, confirm_similar=True, data={
            "name": "韦回滚", "sex": "F", "birth_date": dt.date(2015, 2, 1), "village": world[VILLAGE], "hukou_type": "rural"})
    assert not Schedule.objects.filter(child=child).exists()  # in no visited group yet
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Boom):
            with transaction.atomic():
                registry.child_update(actor=officer, child=child, data={"other_notes": "会回滚"}, expected_version=child.version)
                raise Boom
    # Both parents go to work in Guangdong: left-behind (R-A1), visited monthly/quarterly (R-C1).
    with django_capture_on_commit_callbacks(execute=True):
        for role, name in (("father", "韦父"), ("mother", "罗母")):
            registry.guardian_save(actor=officer, child=child, data={
                "role": role, "name": name, "working_away": True, "away_since": dt.date(2025, 1, 1),
                "away_destination_code": "440305", "away_destination": "广东省深圳市"})
    child.refresh_from_db()
    assert child.classification.left_behind
    assert sorted(Schedule.objects.filter(child=child).values_list("kind", flat=True)) == ["contact", "home_visit"]

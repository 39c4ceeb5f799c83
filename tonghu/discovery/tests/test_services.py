"""Rosters imported as jobs, linked to the registry, and decided by a person (issue 12 items 1–4; R-D1–R-D4, R-E4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tonghu.accounts.roles import Role
from tonghu.discovery.models import Candidate, CandidateKind, CandidateStatus, Dataset, DatasetStatus, RosterRow
from tonghu.discovery.tests.helpers import roster_csv, upload

pytestmark = pytest.mark.django_db

EDU_HEADER = ["姓名", "性别", "出生日期", "身份证号码", "区划代码", "学校", "年级", "在校状态", "辍学日期"]


@pytest.fixture
def officer(users):
    return users[Role.COUNTY_OFFICER]


def test_an_education_roster_finds_an_unregistered_child_and_a_dropout(world, officer, make_child, tmp_path):
    """R-D1/R-E4: a registered child written 張偉 with day and month swapped, marked dropped out, becomes a dropout
    finding; a child nobody registered becomes a new-child finding in her village; an 18-year-old is left out."""
    zw = make_child("张伟", birth_date=dt.date(2015, 3, 8))
    make_child("李娜", sex="F", birth_date=dt.date(2014, 1, 5))
    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [
        ["張偉", "男", "2015-08-03", "", "451027001200", "青山小学", "五年级", "辍学", "2026-03-01"],
        ["李娜", "女", "2014-01-05", "", "451027001200", "青山小学", "六年级", "在校", ""],
        ["王芳", "女", "2016-04-09", "451027201604090023", "451027001201", "白石小学", "三年级", "在校", ""],
        ["陈大", "男", "2000-01-01", "", "451027001201", "白石中学", "高三", "在校", ""],
    ])
    ds = upload(officer, world, path)
    assert ds.status == DatasetStatus.LINKED and ds.rows == 4
    assert ds.summary["match"] == 2 and ds.summary["over_18"] == 1
    kinds = {c.kind: c for c in Candidate.objects.filter(dataset=ds)}
    assert set(kinds) == {CandidateKind.DROPOUT, CandidateKind.NEW_CHILD}
    assert kinds[CandidateKind.DROPOUT].child == zw
    new = kinds[CandidateKind.NEW_CHILD]
    assert new.region_id == "451027001201" and new.evidence["name"] == "王芳" and new.evidence["id_number"].startswith("451027")
    assert "2016" not in new.evidence["id_number"]  # masked
    assert ds.model["comparisons"]  # the trained model is kept with the data set


def test_raw_rows_are_encrypted_at_rest(world, officer, tmp_path):
    from django.db import connection

    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [["王芳", "女", "2016-04-09", "451027201604090023", "451027001201", "白石小学", "三年级", "在校", ""]])
    upload(officer, world, path)
    with connection.cursor() as cur:
        cur.execute("select id_number, details from discovery_rosterrow")
        number, details = cur.fetchone()
    assert number.startswith("e1:") and details.startswith("e1:") and "白石" not in details
    assert RosterRow.objects.get().detail["school"] == "白石小学"


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(world, officer, tmp_path):
    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [
        ["王芳", "女", "2016-04-09", "451027201604090024", "451027001201", "", "", "", ""],
        ["", "男", "2015-13-01", "", "", "", "", "", ""],
        ["赵六", "女", "2015-01-01", "", "530000", "", "", "", ""],
    ])
    ds = upload(officer, world, path)
    assert ds.status == DatasetStatus.FAILED and RosterRow.objects.count() == 0
    job = ds.import_job
    assert job.status == "failed" and "未导入任何数据" in job.message
    errors = {(e["row"], e["column"].split(" ")[0]) for e in job.errors}
    assert {(2, "D"), (3, "C"), (3, "姓名"), (4, "E")} <= errors
    assert any("校验位" in e["message"] for e in job.errors)
    ds = upload(officer, world, path, valid_only=True)  # nothing valid: an empty data set, nothing linked
    assert ds.rows == 0


def test_a_file_without_the_headers_or_in_another_encoding_is_refused_before_any_work(world, officer, tmp_path):
    ds = upload(officer, world, roster_csv(tmp_path / "x.csv", ["名字", "生日"], [["王芳", "2016-01-01"]]))
    assert ds.status == DatasetStatus.FAILED and "没有找到表头" in ds.import_job.message and "姓名" in ds.import_job.message
    (tmp_path / "u16.csv").write_bytes("姓名,性别\n王芳,女\n".encode("utf-16"))
    ds = upload(officer, world, tmp_path / "u16.csv")
    assert ds.status == DatasetStatus.FAILED and "编码" in ds.import_job.message


def test_too_many_rows_are_refused_before_any_work(world, officer, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 5
    path = roster_csv(tmp_path / "big.csv", EDU_HEADER, [["王芳", "女", "2016-04-09", "", "", "", "", "", ""]] * 10)
    ds = upload(officer, world, path)
    assert ds.status == DatasetStatus.FAILED and "超过 5 行" in ds.import_job.message


def test_confirming_a_new_child_creates_the_file_through_the_registry(world, officer, tmp_path, django_capture_on_commit_callbacks):
    """R-D3: accept → child_create (duplicate check, audit, facts-changed); reject needs a reason."""
    from tonghu.audit.models import AuditEntry
    from tonghu.discovery.services import candidate_confirm, candidate_dismiss
    from tonghu.policy.models import ChildClassification

    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [
        ["王芳", "女", "2016-04-09", "451027201604090023", "451027001201", "白石小学", "三年级", "在校", ""],
        ["刘强", "男", "2015-06-06", "", "451027001", "泗城小学", "四年级", "在校", ""],
    ])
    ds = upload(officer, world, path)
    wang = Candidate.objects.get(dataset=ds, evidence__name="王芳")
    with django_capture_on_commit_callbacks(execute=True):
        c = candidate_confirm(actor=officer, candidate=wang)
    assert c.status == CandidateStatus.CONFIRMED and c.child.name == "王芳" and c.child.village_id == "451027001201"
    assert c.child.id_number == "451027201604090023" and c.child.school == "白石小学"
    assert ChildClassification.objects.filter(child=c.child).exists()  # the facts-changed event ran
    assert AuditEntry.objects.filter(object_type="discovery.candidate", object_id=str(c.pk), action="decide").exists()
    with pytest.raises(ValidationError):
        candidate_confirm(actor=officer, candidate=c)  # decided once
    liu = Candidate.objects.get(dataset=ds, evidence__name="刘强")
    with pytest.raises(ValidationError, match="村"):
        candidate_confirm(actor=officer, candidate=liu)  # the roster gave the township only
    with pytest.raises(ValidationError):
        candidate_dismiss(actor=officer, candidate=liu, reason=" ")
    d = candidate_dismiss(actor=officer, candidate=liu, reason="已随父母迁往外省")
    assert d.status == CandidateStatus.DISMISSED and d.note == "已随父母迁往外省"


def test_confirming_a_dropout_opens_the_return_to_school_need(world, officer, make_child, tmp_path, django_capture_on_commit_callbacks):
    """R-E4: the dropout is written to the file and the policy engine's need return_to_school appears."""
    from tonghu.discovery.services import candidate_confirm
    from tonghu.policy.models import EntitlementGap

    from tonghu.registry.services import guardian_save

    with django_capture_on_commit_callbacks(execute=True):  # the facts-changed batch of the setup runs here
        child = make_child("张伟", birth_date=dt.date(2015, 3, 8), schooling_status="in_school", school="青山小学")
        for role in ("father", "mother"):  # an orphan: a child in difficulty, for whom the need applies
            guardian_save(actor=officer, child=child, data={"role": role, "name": "某", "deceased": True, "deceased_date": dt.date(2022, 1, 1),
                                                            "deceased_evidence": True})
    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [["张伟", "男", "2015-03-08", "", "451027001200", "青山小学", "五年级", "辍学", "2026-03-01"]])
    ds = upload(officer, world, path)
    c = Candidate.objects.get(dataset=ds)
    assert c.kind == CandidateKind.DROPOUT
    with django_capture_on_commit_callbacks(execute=True):
        candidate_confirm(actor=officer, candidate=c)
    child.refresh_from_db()
    assert child.schooling_status == "dropped_out" and child.dropout_since == dt.date(2026, 3, 1)
    from tonghu.policy.models import ChildClassification
    cls = ChildClassification.objects.get(child=child)
    assert EntitlementGap.objects.filter(child=child, scheme="return_to_school").exists(), (cls.categories, cls.gaps, cls.pending)


def test_a_prison_roster_matching_a_father_makes_the_child_de_facto_unsupported(world, officer, make_child, tmp_path, django_capture_on_commit_callbacks):
    """R-D2: the justice roster's prisoner is the child's father (same ID number); accepting writes the restriction
    with the roster as evidence, and the classification follows (with the mother deceased: 事实无人抚养)."""
    from tonghu.discovery.services import candidate_confirm
    from tonghu.policy.models import ChildClassification
    from tonghu.registry.services import guardian_save

    with django_capture_on_commit_callbacks(execute=True):
        child = make_child("黄小明", birth_date=dt.date(2015, 3, 8))
        father = guardian_save(actor=officer, child=child, data={"role": "father", "name": "黄大勇", "id_number": "45262819850601003X"})
        guardian_save(actor=officer, child=child, data={"role": "mother", "name": "李梅", "deceased": True, "deceased_date": dt.date(2022, 1, 1),
                                                       "deceased_evidence": True})
    assert "in_difficulty.de_facto_unsupported" not in child.classification.categories
    header = ["姓名", "性别", "出生日期", "身份证号码", "区划代码", "类别", "入监（所）日期", "刑满（期满）日期", "执行场所"]
    path = roster_csv(tmp_path / "prison.csv", header, [["黄大勇", "男", "1985-06-01", "45262819850601003X", "", "服刑", "2025-09-01", "2031-08-31", "广西某监狱"]])
    ds = upload(officer, world, path, source="prison", period="2026年3月")
    c = Candidate.objects.get(dataset=ds)
    assert c.kind == CandidateKind.PARENT_RESTRICTED and c.guardian == father and c.child == child and c.probability == 1.0
    with django_capture_on_commit_callbacks(execute=True):
        candidate_confirm(actor=officer, candidate=c)
    r = father.restrictions.get()
    assert (r.kind, r.start, r.evidence) == ("prison", dt.date(2025, 9, 1), True) and "司法" in r.note
    cls = ChildClassification.objects.get(child=child)
    assert "in_difficulty.de_facto_unsupported" in cls.categories, cls.categories


def test_sending_to_the_director_and_the_answer(world, officer, users, tmp_path):
    from tonghu.discovery import selectors
    from tonghu.discovery.services import candidate_send, candidate_verified

    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [["王芳", "女", "2016-04-09", "", "451027001200", "", "", "", ""]])
    ds = upload(officer, world, path)
    c = Candidate.objects.get(dataset=ds)
    director = users[Role.CHILD_DIRECTOR]
    assert not selectors.verification_tasks(director).exists()
    candidate_send(actor=officer, candidate=c, note="请下次走访时核实")
    assert list(selectors.verification_tasks(director)) == [c]
    assert not selectors.candidates_for(director).exists()  # the director sees only what was sent
    c = candidate_verified(actor=director, candidate=c, found=True, note="确有此儿童，随祖母生活")
    assert c.status == CandidateStatus.OPEN and "核实属实" in c.note and not selectors.verification_tasks(director).exists()


def test_a_county_cannot_see_another_countys_rosters(world, officer, make_user, users, tmp_path):
    """Issue 12 item 8: the other county's officer, a department reporter and a supervisor see no data set, row
    or finding; the province sees them."""
    from tonghu.discovery import selectors

    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [["王芳", "女", "2016-04-09", "", "451027001200", "", "", "", ""]])
    upload(officer, world, path)
    other = make_user(Role.COUNTY_OFFICER, "533401000000")
    for user in (other, users[Role.REPORTER], users[Role.SUPERVISOR], users[Role.CITY_STAFF]):
        assert not selectors.datasets_for(user).exists() and not selectors.candidates_for(user).exists()
        assert not RosterRow.objects.visible_to(user, "discovery.manage").exists()
    assert selectors.datasets_for(users[Role.PROVINCE_STAFF]).count() == 1
    assert RosterRow.objects.visible_to(officer, "discovery.manage").count() == 1
    with pytest.raises(ValidationError):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tonghu.discovery.services import dataset_upload

        dataset_upload(actor=other, source="education", period="x", county=world["451027000000"], upload=SimpleUploadedFile("a.csv", b"x"))


def test_the_purge_deletes_raw_rows_after_the_retention_date(world, officer, tmp_path):
    from tonghu.discovery.services import purge_expired

    path = roster_csv(tmp_path / "edu.csv", EDU_HEADER, [["王芳", "女", "2016-04-09", "", "451027001200", "", "", "", ""]])
    ds = upload(officer, world, path)
    assert purge_expired(on=ds.retention_until) == 0
    assert purge_expired(on=ds.retention_until + dt.timedelta(days=1)) == 1
    ds.refresh_from_db()
    assert ds.status == DatasetStatus.PURGED and not RosterRow.objects.exists()
    c = Candidate.objects.get(dataset=ds)
    assert c.row is None and c.evidence["name"] == "王芳"  # the finding keeps its evidence summary
    assert Dataset.objects.get().purged_at is not None

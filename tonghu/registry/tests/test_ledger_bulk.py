"""The ledger import's fast insert path (issue 3, item 12; R-B2): rows carry only the columns the import writes, the
others are written as constants in the statement (SQLite) or appended to every COPY row (PostgreSQL). A file
written that way must read back exactly like one made through the ORM: every column the import does not fill holds
its field default, the filled ones hold the ledger's values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models
from openpyxl import Workbook

from tonghu.accounts.roles import Role
from tonghu.core.crypto import BlindIndexField, blind_index
from tonghu.core.reference.idnumber import make_id_number
from tonghu.registry.ledger import bulk
from tonghu.registry.ledger.importer import IMPORT_COLUMNS, ledger_import
from tonghu.registry.models import Assistance, CareArrangement, Child, Guardian, Household, StatusChange

NUMBER = make_id_number("451027", dt.date(2015, 3, 8), "F", 2)


def _ledger(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "性别", "出生年月", "身份证号码", "村（社区）", "低保（元/月）", "父亲", "母亲", "家庭人均年收入", "委托监护人情况", "委托照料情况"])
    ws.append([1, "韦小燕", "女", "2015年3月", NUMBER, "青山村", "300元/月", "韦大山 13907760001", "罗美", 4800, "祖父母、外祖父母", "较好"])
    wb.save(path)
    return path


def _unset_columns_hold_defaults(obj, given) -> list[str]:
    wrong = []
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        if isinstance(f, BlindIndexField):  # derived from its source on every write (issue 10 §12)
            if getattr(obj, f.attname) != blind_index(getattr(obj, f.source)):
                wrong.append(f"{f.attname} is not the index of {f.source}")
            continue
        value = getattr(obj, f.attname)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            if value is None:
                wrong.append(f.attname)
            continue
        default = f.get_default() if f.has_default() else (None if f.null else ("" if isinstance(f, (models.CharField, models.TextField)) else None))
        if value != default:
            wrong.append(f"{f.attname}={value!r} (default {default!r})")
    return wrong


@pytest.mark.django_db
def test_imported_rows_read_back_like_orm_rows(world, users, tmp_path):
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world["451027000000"], path=_ledger(tmp_path / "台账.xlsx"))
    assert report.created == 1, report.errors
    child = Child.objects.get(id_number=NUMBER)
    # the filled columns
    assert (child.name, child.sex, child.birth_date, child.village_id) == ("韦小燕", "F", dt.date(2015, 3, 8), "451027001200")
    assert (child.name_pinyin, child.name_initials) == ("weixiaoyan", "wxy")
    assert child.created_by == users[Role.COUNTY_OFFICER] and child.status == "active" and child.version == 1
    household = child.household
    assert household.income_per_head_year == Decimal("4800.00") and household.head_name == "韦大山"
    assistance = Assistance.objects.get(child=child)
    assert (assistance.scheme, assistance.amount_month, assistance.start) == ("dibao", Decimal("300.00"), dt.date.today())
    father = Guardian.objects.get(child=child, role="father")
    assert (father.name, father.phone) == ("韦大山", "13907760001")
    care = CareArrangement.objects.get(child=child)
    assert (care.caregiver_kind, care.quality, care.end) == ("grandparents", "good", None)
    # every other column: the model's default, as if made through the ORM
    for model, obj in ((Child, child), (Household, household), (Guardian, father), (CareArrangement, care), (Assistance, assistance),
                       (StatusChange, StatusChange.objects.get(child=child))):
        assert _unset_columns_hold_defaults(obj, IMPORT_COLUMNS[model]) == [], model.__name__


def test_a_table_refuses_a_column_it_was_not_opened_with():
    t = bulk.table(Guardian, ("child_id", "role", "name"))
    with pytest.raises(KeyError):
        t.row({"child_id": 1, "role": "father", "name": "韦大山", "phone": "13907760001"})
    with pytest.raises(ValueError, match="no columns"):
        bulk.table(Guardian, ("child_id", "no_such_column"))


def _guardian_rows(child_ids):
    t = bulk.table(Guardian, IMPORT_COLUMNS[Guardian])
    return t, [t.row({"child_id": pk, "role": "other", "name": "韦大山", "phone": "", "health": "", "health_note": "",
                      "occupation": "", "relation": ""}) for pk in child_ids]


@pytest.mark.django_db
def test_postgres_copy_without_row_triggers_still_enforces_foreign_keys(world, users, tmp_path):
    """Issue 10 item 16: on PostgreSQL the import's COPY runs without the per-row foreign-key triggers when the account
    may (the test database's account is a superuser), and checks the same constraints per chunk itself: rows that
    point at an existing child are written, a row pointing at no child is refused with IntegrityError (as the trigger
    would refuse it) and the triggers are back on for whatever follows."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the SQLite path inserts with executemany and its own FK checks")
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world["451027000000"], path=_ledger(tmp_path / "台账.xlsx"))
    child = Child.objects.get(id_number=NUMBER)
    assert report.created == 1 and getattr(connection, bulk._REPLICA_OK) is True  # the untriggered path was taken
    t, rows = _guardian_rows([child.pk, child.pk])
    with transaction.atomic():
        bulk.insert_rows(t, rows, with_pk=False)
    assert Guardian.objects.filter(child=child, role="other").count() == 2
    t, rows = _guardian_rows([child.pk, 10**9])
    with pytest.raises(IntegrityError, match="child_id"), transaction.atomic():
        bulk.insert_rows(t, rows, with_pk=False)
    assert Guardian.objects.filter(child=child, role="other").count() == 2  # nothing of the refused chunk stayed
    with connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        assert cur.fetchone()[0] == "origin"


@pytest.mark.django_db
def test_postgres_without_the_privilege_the_triggers_check(world, users, tmp_path, monkeypatch):
    """The same refusal when the account may not switch the triggers off (the fallback): PostgreSQL's own trigger."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setattr(bulk, "_triggers_off", lambda cur: False)
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world["451027000000"], path=_ledger(tmp_path / "台账.xlsx"))
    assert report.created == 1
    t, rows = _guardian_rows([Child.objects.get(id_number=NUMBER).pk, 10**9])
    with pytest.raises(IntegrityError), transaction.atomic():  # Django's IntegrityError: the importer's message
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        bulk.insert_rows(t, rows, with_pk=False)

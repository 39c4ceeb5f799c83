"""Encryption at rest (issue 10 §12): ID numbers, HIV status, abuse history, guardians' criminal records and
restrictions of liberty are unreadable in a raw dump of the database, exact ID look-up goes through a keyed blind
index, and the ledger importer's raw-SQL writer encrypts too. Keys are outside the database and can be rotated."""

from __future__ import annotations

import base64
import datetime as dt
import secrets

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.core.crypto import DecryptionError, blind_index
from tonghu.core.reference.idnumber import make_id_number
from tonghu.registry import services
from tonghu.registry.models import Child, Guardian, GuardianRestriction

NUMBER = make_id_number("451027", dt.date(2015, 3, 8), "F", 2)
FATHER = make_id_number("450102", dt.date(1985, 6, 1), "M", 1)


def _raw(table: str) -> str:
    """Everything a raw dump of ``table`` shows, as one string."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table}")
        return repr(cur.fetchall())


@pytest.fixture
def secret_file(world, users):
    officer = users[Role.COUNTY_OFFICER]
    child = services.child_create(actor=officer, data={
        "name": "韦小燕", "sex": "F", "birth_date": dt.date(2015, 3, 8), "village": world[IN_SCOPE_VILLAGE], "id_number": NUMBER,
        "hiv_infected": True, "hiv_evidence": True, "abuse_history": "曾遭邻居殴打（2023年）",
    })
    father = services.guardian_save(actor=officer, child=child, data={"role": "father", "name": "韦大山", "id_number": FATHER, "criminal_record": "盗窃罪判刑两年"})
    services.restriction_add(actor=officer, guardian=father, data={"kind": "prison", "start": dt.date(2024, 1, 1), "place": "广西某监狱", "note": "刑期两年"})
    return child, father


@pytest.mark.django_db
def test_a_raw_dump_shows_no_sensitive_value_and_the_application_reads_them(secret_file):
    child, father = secret_file
    dump = _raw("registry_child") + _raw("registry_guardian") + _raw("registry_guardianrestriction")
    for plain in (NUMBER, FATHER, "曾遭邻居殴打", "盗窃罪", "广西某监狱", "刑期两年", "'prison'"):
        assert plain not in dump, plain
    with connection.cursor() as cur:
        cur.execute("SELECT hiv_infected, hiv_evidence, id_number FROM registry_child WHERE id = %s", [child.pk])
        hiv, evidence, stored = cur.fetchone()
    assert hiv.startswith("e1:") and evidence.startswith("e1:") and stored.startswith("e1:") and hiv != evidence
    fresh = Child.objects.get(pk=child.pk)
    assert (fresh.id_number, fresh.hiv_infected, fresh.hiv_evidence, fresh.abuse_history) == (NUMBER, True, True, "曾遭邻居殴打（2023年）")
    restriction = GuardianRestriction.objects.get(guardian=father)
    assert (restriction.kind, restriction.place, Guardian.objects.get(pk=father.pk).criminal_record) == ("prison", "广西某监狱", "盗窃罪判刑两年")


@pytest.mark.django_db
def test_false_and_true_are_indistinguishable_in_the_dump(world):
    a = Child.objects.create(name="甲", sex="F", birth_date="2015-01-01", village=world[IN_SCOPE_VILLAGE], hiv_infected=False)
    b = Child.objects.create(name="乙", sex="F", birth_date="2015-01-01", village=world[IN_SCOPE_VILLAGE], hiv_infected=False)
    with connection.cursor() as cur:
        cur.execute("SELECT hiv_infected FROM registry_child WHERE id IN (%s, %s)", [a.pk, b.pk])
        first, second = (r[0] for r in cur.fetchall())
    assert first != second and len(first) == len(second)  # a fresh nonce each time: equal values do not repeat


@pytest.mark.django_db
def test_exact_id_lookup_uses_the_blind_index_and_the_duplicate_guard_holds(secret_file, users, world):
    child, _father = secret_file
    with CaptureQueriesContext(connection) as queries:
        assert Child.objects.get(id_number=NUMBER) == child
        assert Child.objects.filter(id_number=NUMBER.lower()).exists()
        assert list(Child.objects.filter(id_number__in=[NUMBER, "x"])) == [child]
    assert all("id_number_bidx" in q["sql"] for q in queries.captured_queries)
    assert NUMBER not in " ".join(q["sql"] for q in queries.captured_queries)
    assert not Child.objects.filter(id_number="").exists() and not Child.objects.exclude(id_number=NUMBER).exists()
    with pytest.raises(FieldError):
        Child.objects.filter(id_number__startswith="451027").count()  # ciphertexts cannot be compared: refused loudly
    with pytest.raises(services.DuplicateChildError):
        services.child_create(actor=users[Role.COUNTY_OFFICER], data={
            "name": "韦小燕二", "sex": "F", "birth_date": dt.date(2015, 3, 8), "village": world[IN_SCOPE_VILLAGE], "id_number": NUMBER})


@pytest.mark.django_db
def test_the_child_list_finds_by_full_and_partial_id_number_and_masks_it(secret_file, users, client):
    child, _father = secret_file
    client.force_login(users[Role.COUNTY_OFFICER])
    for query in (NUMBER, NUMBER[:14], NUMBER[:12], NUMBER[:8]):
        page = client.get(reverse("child_list"), {"q": query}).content.decode()
        assert "韦小燕" in page, query
    other_day = NUMBER[:12] + "09"
    assert "韦小燕" not in client.get(reverse("child_list"), {"q": other_day}).content.decode()
    assert NUMBER in client.get(reverse("child_detail", kwargs={"pk": child.pk})).content.decode()  # decrypted, then shown


@pytest.mark.django_db
def test_the_ledger_importer_writes_ciphertext_and_the_blind_index(world, users, tmp_path):
    from openpyxl import Workbook

    from tonghu.registry.ledger.importer import ledger_import

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "性别", "出生年月", "身份证号码", "村（社区）", "父亲"])
    ws.append([1, "韦小燕", "女", "2015年3月", NUMBER, "青山村", "韦大山 13907760001"])
    wb.save(tmp_path / "台账.xlsx")
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world["451027000000"], path=tmp_path / "台账.xlsx")
    assert report.created == 1, report.errors
    assert NUMBER not in _raw("registry_child")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number_bidx, hiv_infected FROM registry_child")
        index, hiv = cur.fetchone()
    assert index == blind_index(NUMBER) and hiv.startswith("e1:")
    child = Child.objects.get(id_number=NUMBER)
    assert child.hiv_infected is False
    # the same file again: the duplicate guard finds the number through its index (no second file)
    again = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world["451027000000"], path=tmp_path / "台账.xlsx")
    assert again.created == 0 and Child.objects.count() == 1


def _new_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.mark.django_db
def test_a_missing_key_is_an_error_naming_the_key_and_rotation_re_encrypts(secret_file, settings, capsys):
    child, father = secret_file
    old = list(settings.TONGHU_FIELD_KEYS)
    with override_settings(TONGHU_FIELD_KEYS=[_new_key()]):
        with pytest.raises(DecryptionError, match="TONGHU_FIELD_KEYS 中没有这把密钥"):
            Child.objects.get(pk=child.pk)
    new = _new_key()
    with override_settings(TONGHU_FIELD_KEYS=[new, *old]):
        call_command("rotate_field_key")
        assert "re-encrypted" in capsys.readouterr().out
    with override_settings(TONGHU_FIELD_KEYS=[new]):  # the old key is gone: everything still reads
        fresh = Child.objects.get(id_number=NUMBER)
        assert (fresh.id_number, fresh.hiv_infected, fresh.abuse_history) == (NUMBER, True, "曾遭邻居殴打（2023年）")
        assert GuardianRestriction.objects.get(guardian=father).place == "广西某监狱"
        assert Guardian.objects.get(pk=father.pk).criminal_record == "盗窃罪判刑两年"


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_column_or_altered_does_not_decrypt(secret_file):
    child, _father = secret_file
    with connection.cursor() as cur:
        cur.execute("UPDATE registry_child SET abuse_history = id_number WHERE id = %s", [child.pk])
    with pytest.raises(DecryptionError, match="registry.child.abuse_history"):
        Child.objects.get(pk=child.pk)


@pytest.mark.django_db
def test_rotating_the_index_key_recomputes_the_blind_index(secret_file, settings):
    child, _father = secret_file
    with override_settings(TONGHU_INDEX_KEY=base64.b64decode(base64.b64encode(_new_key()))):
        assert not Child.objects.filter(id_number=NUMBER).exists()
        call_command("rotate_field_key")
        assert Child.objects.get(id_number=NUMBER) == child

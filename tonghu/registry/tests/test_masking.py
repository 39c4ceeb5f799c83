"""Sensitive facts and ID numbers (R-N1, docs/permissions.md rule 7): pages and API show "受限信息" / masked IDs
to roles without the capability, never the value."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.accounts.roles import Role
from tonghu.registry import masking, services
from tonghu.registry.models import Guardian

from .conftest import id_for

BIRTH = dt.date(2012, 4, 4)


@pytest.fixture
def sensitive_child(make_child):
    number = id_for(BIRTH, "F")
    child = make_child("蓝月", sex="F", birth_date=BIRTH, id_number=number, hiv_infected=True, abuse_history="曾遭继父殴打（虚构）")
    father = services.guardian_save(actor="test", child=child, data={"role": "father", "name": "蓝大山", "criminal_record": "盗窃罪（虚构）"})
    services.restriction_add(actor="test", guardian=father, data={"kind": "prison", "start": dt.date(2022, 1, 1), "place": "某监狱"})
    services.assistance_add(actor="test", child=child, data={"scheme": "hiv_allowance", "amount_month": 600})
    services.assistance_add(actor="test", child=child, data={"scheme": "dibao", "amount_month": 350})
    return child


SECRETS = ("曾遭继父殴打", "盗窃罪", "某监狱", "艾滋病病毒感染儿童基本生活费")


@pytest.mark.django_db
def test_director_sees_restricted_on_page(login, users, sensitive_child):
    page = login(users[Role.CHILD_DIRECTOR]).get(f"/children/{sensitive_child.pk}/").content.decode()
    for secret in SECRETS:
        assert secret not in page, secret
    assert "受限信息" in page
    assert sensitive_child.id_number in page  # directors may see full ID numbers
    assert "最低生活保障" in page


@pytest.mark.django_db
def test_officer_sees_sensitive_on_page(login, users, sensitive_child):
    page = login(users[Role.COUNTY_OFFICER]).get(f"/children/{sensitive_child.pk}/").content.decode()
    for secret in SECRETS:
        assert secret in page, secret


@pytest.mark.django_db
def test_city_staff_sees_masked_id_and_restricted(login, users, sensitive_child):
    client = login(users[Role.CITY_STAFF])
    page = client.get(f"/children/{sensitive_child.pk}/").content.decode()
    assert sensitive_child.id_number not in page
    assert masking.mask_id_number(sensitive_child.id_number) in page
    listing = client.get("/children/").content.decode()
    assert sensitive_child.id_number not in listing


@pytest.mark.django_db
def test_api_masks_for_roles_without_capability(login, users, sensitive_child):
    client = login(users[Role.CITY_STAFF])
    data = client.get(f"/api/v1/children/{sensitive_child.pk}/").json()
    body = str(data)
    assert data["hiv_infected"] == "受限信息" and data["abuse_history"] == "受限信息"
    assert data["id_number"] == masking.mask_id_number(sensitive_child.id_number)
    father = data["guardians"][0]
    assert father["criminal_record"] == "受限信息" and father["restrictions"] == "受限信息"
    assert [a["scheme"] for a in data["assistance"]] == ["dibao"] and data["assistance_restricted"] == 1
    for secret in SECRETS + ("hiv_allowance",):
        assert secret not in body
    listing = client.get("/api/v1/children/").json()
    assert sensitive_child.id_number not in str(listing)


@pytest.mark.django_db
def test_api_shows_values_to_officer(login, users, sensitive_child):
    data = login(users[Role.COUNTY_OFFICER]).get(f"/api/v1/children/{sensitive_child.pk}/").json()
    assert data["hiv_infected"] is True and data["id_number"] == sensitive_child.id_number
    assert data["guardians"][0]["restrictions"][0]["kind"] == "prison"
    assert {a["scheme"] for a in data["assistance"]} == {"hiv_allowance", "dibao"}


@pytest.mark.django_db
def test_masking_helper_for_exports(users, sensitive_child):
    director, officer = users[Role.CHILD_DIRECTOR], users[Role.COUNTY_OFFICER]
    father = Guardian.objects.get(child=sensitive_child)
    assert masking.show(director, sensitive_child, "hiv_infected", zh=True) == "受限信息"
    assert masking.show(officer, sensitive_child, "hiv_infected") is True
    assert masking.show(director, father, "criminal_record", zh=True) == "受限信息"
    assert masking.show(users[Role.CITY_STAFF], sensitive_child, "id_number") == masking.mask_id_number(sensitive_child.id_number)
    assert masking.show(director, sensitive_child, "name") == "蓝月"


@pytest.mark.django_db
def test_audit_trail_never_holds_sensitive_values(sensitive_child):
    from tonghu.audit.models import AuditEntry

    dump = " ".join(str(e.changes) + e.summary for e in AuditEntry.objects.all())
    for secret in SECRETS + ("hiv_allowance", sensitive_child.id_number):
        assert secret not in dump, secret


@pytest.mark.django_db
def test_director_edit_form_has_no_sensitive_fields(login, users, sensitive_child):
    page = login(users[Role.CHILD_DIRECTOR]).get(f"/children/{sensitive_child.pk}/edit/").content.decode()
    assert 'name="hiv_infected"' not in page and 'name="abuse_history"' not in page
    assert "曾遭继父殴打" not in page


@pytest.mark.django_db
def test_history_does_not_reveal_which_sensitive_fact_changed(login, users, sensitive_child):
    services.child_update(actor="test", child=sensitive_child, data={"hiv_infected": False}, expected_version=sensitive_child.version)
    page = login(users[Role.CHILD_DIRECTOR]).get(f"/children/{sensitive_child.pk}/").content.decode()
    history = page[page.index('id="history"'):]
    for label in ("艾滋病病毒感染", "受侵害史", "违法犯罪记录", "限制人身自由", "服刑"):
        assert label not in history, label
    assert "受限信息" in history

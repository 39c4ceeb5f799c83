"""Lost updates (issue 10 item 3): every editable row of a file carries a version, and every update path — the page
form, the API PATCH, the service — refuses a change without the version the user loaded, and answers a stale one
with the other person's changes (409 in the API, the conflict list on the page). Nothing is written either way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from tonghu.registry import services
from tonghu.registry.models import Assistance, CareArrangement, Child, ChildOwned, Guardian, GuardianRestriction, Household, Versioned

from .conftest import IN_SCOPE_VILLAGE

JSON = "application/json"


def _rows(officer, make_child):
    """One child with a household, a mother, a caregiver and an assistance row; each kind's page, API, form data,
    a change by someone else (through its service) and how to read the field that change touched."""
    child = make_child("覃美玲", sex="F")
    mother = services.guardian_save(actor=officer, child=child, data={"role": "mother", "name": "韦母"})
    care = services.care_start(actor=officer, child=child, data={"caregiver_kind": "grandparents", "caregiver_name": "韦奶奶", "start": dt.date(2023, 2, 1)})
    aid = services.assistance_add(actor=officer, child=child, data={"scheme": "dibao", "amount_month": 300, "start": dt.date(2024, 1, 1)})
    household = child.household
    base = f"/children/{child.pk}"
    api = f"/api/v1/children/{child.pk}"
    return {
        "child": dict(
            obj=child, page=f"{base}/edit/", api=f"{api}/",
            form={"name": child.name, "sex": "F", "birth_date": child.birth_date.isoformat(), "village": IN_SCOPE_VILLAGE, "hukou_type": "unknown", "school": "乙小学"},
            patch={"school": "乙小学"},
            theirs=lambda o, v: services.child_update(actor=officer, child=o, data={"school": "甲小学"}, expected_version=v),
            read=lambda: Child.objects.get(pk=child.pk).school, mine="乙小学", other="甲小学"),
        "household": dict(
            obj=household, page=f"/households/{household.pk}/edit/", api=None,
            form={"head_name": "乙户主"}, patch=None,
            theirs=lambda o, v: services.household_update(actor=officer, household=o, data={"head_name": "甲户主"}, expected_version=v),
            read=lambda: Household.objects.get(pk=household.pk).head_name, mine="乙户主", other="甲户主"),
        "guardian": dict(
            obj=mother, page=f"{base}/guardians/{mother.pk}/edit/", api=f"{api}/guardians/{mother.pk}/",
            form={"role": "mother", "name": "韦母", "phone": "13700000000", "is_legal_guardian": "on", "lives_with_child": "unknown"},
            patch={"phone": "13700000000"},
            theirs=lambda o, v: services.guardian_save(actor=officer, child=child, guardian=o, data={"phone": "13900000000"}, expected_version=v),
            read=lambda: Guardian.objects.get(pk=mother.pk).phone, mine="13700000000", other="13900000000"),
        "care": dict(
            obj=care, page=f"{base}/care/{care.pk}/edit/", api=f"{api}/care/{care.pk}/",
            form={"caregiver_kind": "grandparents", "caregiver_name": "乙奶奶", "start": "2023-02-01"},
            patch={"caregiver_name": "乙奶奶"},
            theirs=lambda o, v: services.care_update(actor=officer, care=o, data={"caregiver_name": "甲奶奶"}, expected_version=v),
            read=lambda: CareArrangement.objects.get(pk=care.pk).caregiver_name, mine="乙奶奶", other="甲奶奶"),
        "assistance": dict(
            obj=aid, page=f"{base}/assistance/{aid.pk}/edit/", api=f"{api}/assistance/{aid.pk}/",
            form={"scheme": "dibao", "amount_month": "380", "start": "2024-01-01"},
            patch={"amount_month": "380"},
            theirs=lambda o, v: services.assistance_update(actor=officer, assistance=o, data={"amount_month": 420}, expected_version=v),
            read=lambda: str(Assistance.objects.get(pk=aid.pk).amount_month), mine="380.00", other="420.00"),
    }


KINDS = ["child", "household", "guardian", "care", "assistance"]


def test_every_editable_row_of_a_file_is_versioned_by_the_one_base():
    """One mechanism: the version lives on the shared base, so every child-owned row (and the child, the household,
    a guardian's restriction) has it; no model declares its own."""
    registry = [m for m in apps.get_app_config("registry").get_models()]
    owned = [m for m in registry if issubclass(m, ChildOwned)]
    assert {m.__name__ for m in owned} >= {"Guardian", "GuardianshipProblem", "CareArrangement", "DepartureRegistration", "Assistance", "Attachment", "StatusChange"}
    base = Versioned._meta.get_field("version")
    for model in [*owned, Child, Household, GuardianRestriction]:
        assert issubclass(model, Versioned)
        assert model._meta.get_field("version").creation_counter == base.creation_counter, f"{model.__name__} declares its own version"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_page_form_without_version_is_refused(kind, login, officer, director, make_child):
    row = _rows(officer, make_child)[kind]
    before = row["read"]()
    response = login(director).post(row["page"], row["form"])
    assert response.status_code == 200
    assert "缺少版本号" in response.content.decode()
    assert row["read"]() == before  # nothing written
    assert type(row["obj"]).objects.get(pk=row["obj"].pk).version == row["obj"].version


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_page_form_with_a_stale_version_shows_the_other_change_and_writes_nothing(kind, login, officer, director, make_child):
    row = _rows(officer, make_child)[kind]
    loaded = row["obj"].version
    row["theirs"](row["obj"], loaded)
    client = login(director)
    response = client.post(row["page"], row["form"] | {"version": loaded})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="edit-conflict"' in page and "已修改了这份记录" in page
    assert row["other"].removesuffix(".00") in page and officer.username in page  # the other person's change, and who
    assert row["read"]() == row["other"]  # nothing overwritten
    # the re-shown form carries the current version: saving again is the explicit choice, and it works
    again = client.post(row["page"], row["form"] | {"version": loaded + 1})
    assert again.status_code == 302
    assert row["read"]() == row["mine"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [k for k in KINDS if k != "household"])
def test_api_patch_needs_the_version_and_answers_a_stale_one_with_409(kind, login, officer, make_child):
    row = _rows(officer, make_child)[kind]
    client = login(officer)
    missing = client.patch(row["api"], row["patch"], content_type=JSON)
    assert missing.status_code == 400 and "version" in missing.json(), missing.content
    loaded = row["obj"].version
    row["theirs"](row["obj"], loaded)
    stale = client.patch(row["api"], row["patch"] | {"version": loaded}, content_type=JSON)
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == loaded + 1
    assert any(str(c["after"]).removesuffix(".00") == row["other"].removesuffix(".00") for c in body["changes"]), body
    assert row["read"]() == row["other"]
    ok = client.patch(row["api"], row["patch"] | {"version": loaded + 1}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["version"] == loaded + 2
    assert row["read"]() == row["mine"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_service_refuses_an_update_without_version(kind, officer, make_child):
    row = _rows(officer, make_child)[kind]
    before = row["read"]()
    with pytest.raises(services.ValidationError) as exc:
        row["theirs"](row["obj"], None)
    assert "version" in exc.value.message_dict and "缺少版本号" in exc.value.message_dict["version"][0]
    assert row["read"]() == before


@pytest.mark.django_db
def test_replacing_a_caregiver_counts_as_a_change_of_the_old_arrangement(login, officer, director, make_child):
    """Ending the current arrangement (a new caregiver) is a save of that row: a form still open on it conflicts."""
    row = _rows(officer, make_child)["care"]
    care = row["obj"]
    services.care_start(actor=officer, child=care.child, data={"caregiver_kind": "relatives_friends", "caregiver_name": "韦姑妈", "start": dt.date(2024, 5, 1)})
    response = login(director).post(row["page"], row["form"] | {"version": care.version})
    assert 'data-testid="edit-conflict"' in response.content.decode()
    assert CareArrangement.objects.get(pk=care.pk).end == dt.date(2024, 5, 1)


@pytest.mark.django_db
def test_schema_marks_version_required_on_every_patch():
    """The OpenAPI schema says what the API enforces: every PATCH body of a file or one of its rows needs version."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    patches = []
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/children/") and "patch" in item:
            ref = item["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            patches.append(path)
            assert "version" in components[ref].get("required", []), (path, ref)
    assert len(patches) == 4  # the file, a guardian, a care arrangement, an assistance row

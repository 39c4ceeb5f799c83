"""Impossible ids and numbers never reach the database (issue 10 §8: two 500s found by fuzzing)."""

import pytest
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.api.urls import router
from tonghu.registry.models import Child, Household

HUGE = "9" * 25


def _detail_prefixes():
    return sorted({prefix for prefix, viewset, basename in router.registry})


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.AUDITOR, Role.REPORTER, Role.PROCURATOR])
@pytest.mark.parametrize("bad_id", ["abc", HUGE, "-" + HUGE, "1.5"])
def test_every_object_url_answers_404_for_an_impossible_id(world, users, client, role, bad_id):
    client.force_login(users[role])
    prefixes = _detail_prefixes()
    assert {"children", "cases", "reports", "visits", "tasks", "jobs", "audit", "regions"} <= set(prefixes)
    for prefix in prefixes:
        response = client.get(f"/api/v1/{prefix}/{bad_id}/")
        assert response.status_code == 404, (prefix, bad_id, response.status_code)
    # the write paths of a file too
    assert client.patch(f"/api/v1/children/{bad_id}/", {"version": 1}, content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/children/{bad_id}/guardians/", {}, content_type="application/json").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["household", "director"])
def test_a_number_filter_refuses_a_number_no_id_can_have(world, users, client, param):
    household = Household.objects.create(village=world[IN_SCOPE_VILLAGE], address="一组")
    Child.objects.create(name="本村儿童", sex="M", birth_date="2014-02-02", village=world[IN_SCOPE_VILLAGE], household=household)
    client.force_login(users[Role.COUNTY_OFFICER])
    for value in (HUGE, "-" + HUGE, "1.5"):
        response = client.get(reverse("child-list"), {param: value})
        assert response.status_code == 400, (value, response.status_code)
        assert "有效的编号" in response.json()[param][0]
    # the same FilterSet serves the list page: no 500 there either
    assert client.get(reverse("child_list"), {param: HUGE}).status_code == 200
    if param == "household":
        assert client.get(reverse("child-list"), {param: household.pk}).json()["count"] == 1


def test_the_schema_documents_errors_conflicts_and_required_versions():
    """What partner departments build against says what the API really answers (issue 10 §8)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths, components = schema["paths"], schema["components"]["schemas"]
    child = paths["/api/v1/children/{id}/"]
    assert {"400", "401", "403", "404", "409"} <= set(child["patch"]["responses"])
    assert "404" in child["get"]["responses"] and "409" not in child["get"]["responses"]
    assert "409" in paths["/api/v1/children/{id}/guardians/{gpk}/"]["patch"]["responses"]
    patch_body = child["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "version" in components[patch_body]["required"]
    guardian_body = paths["/api/v1/children/{id}/guardians/{gpk}/"]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "version" in components[guardian_body.rsplit("/", 1)[-1]]["required"]
    create_body = paths["/api/v1/children/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "version" not in components[create_body].get("required", [])
    report_201 = paths["/api/v1/reports/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert report_201.endswith("/ReportStatus") and "number" in components["ReportStatus"]["properties"]
    assert "429" in paths["/api/v1/token/"]["post"]["responses"]
    restricted = components["ChildDetail"]["properties"]["hiv_evidence"]
    assert any(s.get("type") == "string" for s in restricted["anyOf"])

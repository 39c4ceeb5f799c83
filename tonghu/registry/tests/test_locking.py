"""Conflicting edits (optimistic locking): if someone saved in between, the second save is refused, shows what
changed, and writes nothing."""

from __future__ import annotations

import pytest

from tonghu.registry import services
from tonghu.registry.models import Child

from .conftest import IN_SCOPE_VILLAGE


def _form(child, **overrides):
    data = {"name": child.name, "sex": child.sex, "birth_date": child.birth_date.isoformat(), "village": IN_SCOPE_VILLAGE,
            "hukou_type": child.hukou_type, "version": child.version, "school": child.school}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_second_editor_is_refused_and_sees_the_change(login, officer, director, make_child):
    child = make_child("覃美玲", sex="F")
    loaded = child.version
    services.child_update(actor=officer, child=child, data={"school": "泗城镇中心小学"}, expected_version=loaded)
    response = login(director).post(f"/children/{child.pk}/edit/", _form(child, school="下甲镇小学", version=loaded))
    page = response.content.decode()
    assert response.status_code == 200
    assert "已修改了这份记录" in page and "泗城镇中心小学" in page and officer.username in page
    child.refresh_from_db()
    assert child.school == "泗城镇中心小学"  # nothing overwritten
    # re-submitting after seeing the change is a deliberate choice and works
    again = login(director).post(f"/children/{child.pk}/edit/", _form(child, school="下甲镇小学"))
    assert again.status_code == 302
    child.refresh_from_db()
    assert child.school == "下甲镇小学" and child.version == loaded + 2


@pytest.mark.django_db
def test_api_conflict_is_409(login, officer, make_child):
    child = make_child("覃美玲", sex="F")
    client = login(officer)
    ok = client.patch(f"/api/v1/children/{child.pk}/", {"school": "甲", "version": child.version}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == child.version + 1
    stale = client.patch(f"/api/v1/children/{child.pk}/", {"school": "乙", "version": child.version}, content_type="application/json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == child.version + 1 and any(c["after"] == "甲" for c in body["changes"])
    assert Child.objects.get(pk=child.pk).school == "甲"
    missing = client.patch(f"/api/v1/children/{child.pk}/", {"school": "丙"}, content_type="application/json")
    assert missing.status_code == 400 and "version" in missing.json()


@pytest.mark.django_db
def test_guardian_conflict(officer, make_child):
    child = make_child("覃美玲", sex="F")
    g = services.guardian_save(actor=officer, child=child, data={"role": "mother", "name": "韦母"})
    services.guardian_save(actor=officer, child=child, guardian=g, data={"phone": "13900000000"}, expected_version=1)
    with pytest.raises(services.EditConflictError) as exc:
        services.guardian_save(actor=officer, child=child, guardian=g, data={"phone": "13700000000"}, expected_version=1)
    assert exc.value.changes and exc.value.changes[0]["after"] == "13900000000"

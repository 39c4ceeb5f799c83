"""The offline app's server side (issue 16): what goes to the phone, and the replay of the queue — idempotent by
UUID, conflicts for facts changed meanwhile, refusals with the reason (R-C1, R-C3: contacts and home visits)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OUT_OF_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.registry.services import guardian_save
from tonghu.sync.models import OfflineKey, SyncItem
from tonghu.visits.models import Visit, VisitPhoto

# a 1×1 JPEG
JPEG = base64.b64encode(bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c"
    "20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000"
    "000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342"
    "b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778"
    "797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")).decode()


@pytest.fixture
def director(users):
    return users[Role.CHILD_DIRECTOR]


@pytest.fixture
def child(make_child):
    from tonghu.visits.models import Schedule

    c = make_child("李小花", sex="F", id_number="451027201503080029", hiv_infected=True, hiv_evidence=True, address="青山村3组")
    guardian_save(actor="test", child=c, data={"role": "father", "name": "李大山", "phone": "13800000001"})
    # the derived schedule (computed from the classification elsewhere: visits/tests): a contact overdue, a visit due
    today = timezone.localdate()
    for kind, due in (("contact", today - dt.timedelta(days=3)), ("home_visit", today + dt.timedelta(days=20))):
        Schedule.objects.create(child=c, village=c.village, kind=kind, interval_months=1 if kind == "contact" else 3,
                                interval_label="每月" if kind == "contact" else "每季度", opens_on=today - dt.timedelta(days=25),
                                due_on=due, state="overdue" if kind == "contact" else "due")
    c.refresh_from_db()
    return c


def push(client, *items):
    r = client.post(reverse("sync_push"), data=json.dumps({"items": list(items)}), content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()["results"]


def contact(child, token=None, **data):
    return {"uuid": str(token or uuid.uuid4()), "kind": "contact", "child": child.pk, "recorded_at": timezone.now().isoformat(),
            "data": {"date": timezone.localdate().isoformat(), "method": "phone", "contacted_person": "祖母", "notes": "一切正常"} | data}


def test_the_phone_gets_the_villages_work_and_nothing_sensitive(client, director, child, make_child):
    stranger = make_child("王远", village=OUT_OF_SCOPE_VILLAGE)
    client.force_login(director)
    response = client.get(reverse("sync_bundle"))
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    data = json.loads(text)
    names = [c["name"] for c in data["children"]]
    assert "李小花" in names and stranger.name not in names
    row = next(c for c in data["children"] if c["name"] == "李小花")
    assert row["guardians"][0]["phone"] == "13800000001" and row["address"] == "青山村3组"
    assert "contact" in row["tasks"] and row["version"] == child.version
    # issue 16 item 2: no ID numbers, no sensitive facts, no case details
    assert "451027201503080029" not in text and "id_number" not in text
    assert "hiv" not in text.lower() and "abuse" not in text and "restriction" not in text
    assert data["wipe_after_days"] == 14 and data["can_record"] is True


def test_a_contact_recorded_offline_is_recorded_once_however_often_it_is_sent(client, director, child):
    client.force_login(director)
    item = contact(child)
    first = push(client, item)[0]
    assert first["status"] == "accepted"
    again = push(client, item)[0]
    assert again["status"] == "duplicate" and again["object_id"] == first["object_id"]
    assert Visit.objects.filter(child=child).count() == 1
    row = SyncItem.objects.get(uuid=item["uuid"])
    assert row.attempts == 2 and row.village_id == child.village_id
    assert Visit.objects.get().contacted_person == "祖母"


def test_a_home_visit_with_a_photo(client, director, child):
    client.force_login(director)
    item = {"uuid": str(uuid.uuid4()), "kind": "home_visit", "child": child.pk, "data": {
        "date": timezone.localdate().isoformat(), "people_met": "祖母、儿童本人", "living_conditions": "住房安全",
        "guardianship": "祖母照料", "schooling": "在读四年级", "health": "良好", "psychology": "开朗",
        "photos": [{"name": "门口.jpg", "type": "image/jpeg", "data": JPEG}],
        "problems": [{"category": "schooling", "description": "作业无人辅导", "severity": "low"}]}}
    result = push(client, item)[0]
    assert result["status"] == "accepted", result
    visit = Visit.objects.get(pk=result["object_id"])
    assert visit.kind == "home_visit" and VisitPhoto.objects.filter(visit=visit).count() == 1
    assert visit.problems.get().description == "作业无人辅导"


def test_refusals_say_why_in_the_users_words_and_record_nothing(client, director, child, make_child):
    client.force_login(director)
    no_person = push(client, contact(child, contacted_person=""))[0]
    assert no_person["status"] == "refused" and "联系对象" in no_person["message"]
    future = push(client, contact(child, date=(timezone.localdate() + dt.timedelta(days=2)).isoformat()))[0]
    assert future["status"] == "refused" and "不能晚于今天" in future["message"]
    stranger = make_child("王远", village=OUT_OF_SCOPE_VILLAGE)
    outside = push(client, contact(stranger))[0]
    assert outside["status"] == "refused" and "辖区" in outside["message"]
    no_uuid = push(client, {"kind": "contact", "child": child.pk, "data": {}})[0]
    assert no_uuid["status"] == "refused" and "UUID" in no_uuid["message"]
    assert not Visit.objects.exists()


def test_a_phone_number_changed_on_the_server_meanwhile_is_a_conflict_not_an_overwrite(client, director, child, users):
    g = child.guardians.get()
    base = g.version
    # an officer changes the number while the director is offline
    guardian_save(actor=users[Role.COUNTY_OFFICER], child=child, guardian=g, data={"phone": "13900000002"}, expected_version=base)
    client.force_login(director)
    item = {"uuid": str(uuid.uuid4()), "kind": "guardian_phone", "child": child.pk, "base_version": base,
            "data": {"guardian": g.pk, "phone": "13700000003"}}
    result = push(client, item)[0]
    assert result["status"] == "conflict" and result["theirs"]["phone"] == "13900000002"
    g.refresh_from_db()
    assert g.phone == "13900000002"  # nothing overwritten
    # "keep mine": the phone resends on top of the server's version
    result = push(client, item | {"base_version": result["theirs"]["version"]})[0]
    assert result["status"] == "accepted"
    g.refresh_from_db()
    assert g.phone == "13700000003"


def test_keep_theirs_is_recorded_as_discarded(client, director, child, users):
    g = child.guardians.get()
    base = g.version
    guardian_save(actor=users[Role.COUNTY_OFFICER], child=child, guardian=g, data={"phone": "13900000002"}, expected_version=base)
    client.force_login(director)
    token = str(uuid.uuid4())
    push(client, {"uuid": token, "kind": "guardian_phone", "child": child.pk, "base_version": base, "data": {"guardian": g.pk, "phone": "1"}})
    assert push(client, {"uuid": token, "kind": "discard"})[0]["status"] == "discarded"
    assert SyncItem.objects.get(uuid=token).status == "discarded"
    g.refresh_from_db()
    assert g.phone == "13900000002"


def test_a_supervisor_can_read_but_not_record(client, users, child):
    client.force_login(users[Role.SUPERVISOR])
    assert any(c["name"] == "李小花" for c in client.get(reverse("sync_bundle")).json()["children"])
    assert push(client, contact(child))[0]["status"] == "refused"
    assert not Visit.objects.exists()


def test_the_key_is_the_users_own_and_logout_replaces_it_and_wipes_the_browser(client, director, users):
    client.force_login(director)
    first = client.get(reverse("sync_key")).json()
    assert client.get(reverse("sync_key")).json() == first
    assert OfflineKey.objects.get(user=director).key == first["key"] and len(base64.b64decode(first["key"])) == 32
    response = client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    client.force_login(director)
    second = client.get(reverse("sync_key")).json()
    assert second["generation"] == first["generation"] + 1 and second["key"] != first["key"]
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(reverse("sync_key")).status_code == 403


def test_the_shell_and_its_worker_name_a_versioned_cache(client, director):
    client.force_login(director)
    page = client.get(reverse("sync_app")).content.decode()
    assert reverse("sync_manifest") in page and "app.js" in page
    sw = client.get(reverse("sync_sw"))
    assert sw["Service-Worker-Allowed"] == reverse("sync_app")
    body = sw.content.decode()
    from tonghu.sync.views import shell_version

    assert f'"{shell_version()}"' in body and "/static/sync/app.js" in body
    manifest = client.get(reverse("sync_manifest")).json()
    assert manifest["start_url"] == reverse("sync_app") and manifest["display"] == "standalone"

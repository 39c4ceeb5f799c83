"""A child director's day offline (issue 16), in Debian's Chromium at 360 px: log in once, set the PIN, lose the
connection, record three contacts and a home visit with a photo, reload the app with no connection (it still opens,
with the PIN), come back online and sync; a phone number the county changed meanwhile comes back as a conflict and is
resolved on the phone; syncing again duplicates nothing; logging out wipes the phone's copy."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from conftest import PASSWORD, browser_marks
from tonghu.accounts.roles import Role

pytestmark = browser_marks()

PIN = "2468"
# a 2×2 JPEG (taken by "the phone's camera")
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c"
    "20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000"
    "000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342"
    "b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778"
    "797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")


def _setup(world, make_user, make_child):
    from tonghu.registry.services import guardian_save
    from tonghu.visits.models import Schedule

    today = timezone.localdate()
    director = make_user(Role.CHILD_DIRECTOR, "451027001200", username="zhuren")
    officer = make_user(Role.COUNTY_OFFICER, "451027000000", username="keyuan")
    children = [make_child(name=n, birth_date=dt.date(2014, 1 + i, 5)) for i, n in enumerate(("王小丽", "李小明", "张小红"))]
    guardian_save(actor="test", child=children[0], data={"role": "mother", "name": "罗美", "phone": "13800000001"})
    for c in children:
        for kind, due in (("contact", today - dt.timedelta(days=2)), ("home_visit", today + dt.timedelta(days=10))):
            Schedule.objects.create(child=c, village=c.village, kind=kind, interval_months=1, interval_label="每月",
                                    opens_on=today - dt.timedelta(days=28), due_on=due, state="overdue" if kind == "contact" else "due")
    return director, officer, children


def _unlock(page):
    page.wait_for_selector("[data-testid=pin-form]")
    page.fill("#pin", PIN)
    page.click("[data-testid=pin-form] button")


def _qcount(page) -> str:
    return page.locator("[data-testid=qcount]").inner_text().strip()


@pytest.mark.django_db(transaction=True)
def test_a_day_offline_then_sync_with_a_conflict(live_server, world, make_user, make_child, open_page, tmp_path):
    from tonghu.registry.models import Guardian
    from tonghu.registry.services import guardian_save
    from tonghu.sync.models import SyncItem
    from tonghu.visits.models import Visit, VisitPhoto

    director, officer, children = _setup(world, make_user, make_child)
    page = open_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context = page.context
    page.goto(live_server.url + "/accounts/login/?next=/offline/")
    page.fill("#id_username", "zhuren")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    _unlock(page)  # first time: the PIN is set
    page.wait_for_selector("[data-testid=task]")
    assert page.locator("[data-testid=task]").count() == 6  # three contacts overdue, three home visits due
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # ---- no signal at the children's homes
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    for c, person in zip(children, ("祖母", "儿童本人", "祖父"), strict=True):
        page.evaluate(f"location.hash = '#record/{c.pk}/contact'")
        page.wait_for_selector("[data-testid=record-form]")
        page.fill("#f-contacted_person", person)
        page.click("[data-testid=save-offline]")
        page.wait_for_selector("[data-testid=task]")
    page.evaluate(f"location.hash = '#record/{children[0].pk}/home_visit'")
    page.wait_for_selector("[data-testid=record-form]")
    for name, text in (("people_met", "母亲、儿童本人"), ("living_conditions", "砖房整洁"), ("guardianship", "母亲照料"),
                       ("schooling", "在读五年级"), ("health", "良好"), ("psychology", "开朗")):
        page.fill(f"#f-{name}", text)
    photo = tmp_path / "门口.jpg"
    photo.write_bytes(JPEG)
    page.set_input_files("#f-photo", str(photo))
    page.click("[data-testid=save-offline]")
    page.wait_for_selector("[data-testid=task]")
    # the mother's new number, typed offline
    mother = Guardian.objects.get(child=children[0])
    page.evaluate(f"location.hash = '#phone/{children[0].pk}/{mother.pk}'")
    page.fill("[data-testid=phone-input]", "13700000003")
    page.click("[data-testid=phone-save]")
    page.wait_for_selector("[data-testid=child-name]")
    assert _qcount(page) == "5"
    assert not Visit.objects.exists()

    # ---- the app reopens with no connection (the PIN opens the phone's copy)
    page.evaluate("location.hash = '#tasks'")
    page.reload()
    _unlock(page)
    page.wait_for_selector("[data-testid=task]")
    assert _qcount(page) == "5"
    page.evaluate("location.hash = '#queue'")
    page.wait_for_selector("[data-testid=queue-item]")
    assert page.locator("[data-testid=queue-item]").count() == 5

    # meanwhile the county officer corrects the same number on the server
    guardian_save(actor=officer, child=children[0], guardian=mother, data={"phone": "13900000002"}, expected_version=mother.version)

    # ---- back in signal: everything is accounted for
    context.set_offline(False)
    page.click("[data-testid=sync]")
    page.wait_for_function("document.querySelector('[data-testid=qcount]').textContent.trim() === '1'", timeout=60000)
    assert Visit.objects.filter(kind="contact").count() == 3
    home = Visit.objects.get(kind="home_visit")
    assert home.child_id == children[0].pk and VisitPhoto.objects.filter(visit=home).count() == 1
    assert sorted(SyncItem.objects.values_list("status", flat=True)) == ["accepted"] * 4 + ["conflict"]
    mother.refresh_from_db()
    assert mother.phone == "13900000002"  # not overwritten
    page.evaluate("location.hash = '#queue'")
    item = page.locator("[data-testid=queue-item][data-status=conflict]")
    item.wait_for()
    assert "13900000002" in item.inner_text() and "13700000003" in item.inner_text()
    item.locator("[data-testid=keep-mine]").click()
    page.wait_for_function("document.querySelector('[data-testid=qcount]').textContent.trim() === ''", timeout=60000)
    mother.refresh_from_db()
    assert mother.phone == "13700000003"

    # ---- syncing again duplicates nothing
    page.click("[data-testid=sync]")
    page.wait_for_selector("[data-testid=toast]:not(.d-none)")
    assert Visit.objects.count() == 4 and SyncItem.objects.filter(attempts__gt=1, status="duplicate").count() == 0
    # the phone's copy was refreshed from the server after the sync: no item is still waiting
    data = json.loads(page.evaluate("fetch('/offline/bundle/').then(r => r.text())"))
    assert next(c for c in data["children"] if c["id"] == children[0].pk)["guardians"][0]["phone"] == "13700000003"

    # ---- logging out wipes the phone's copy
    page.click("[data-testid=app-logout]")
    page.wait_for_url("**/accounts/login/**")
    names = page.evaluate("indexedDB.databases().then(dbs => dbs.map(d => d.name))")
    assert "tonghu-offline" not in names


@pytest.mark.django_db(transaction=True)
def test_a_sync_cut_off_half_way_resumes_without_resending_what_arrived(live_server, world, make_user, make_child, open_page):
    """Issue 16 item 5: twelve visits queued offline; the connection drops after the first request of the sync (five
    items arrived); the next sync sends only the seven left, and the server holds each visit once."""
    from tonghu.sync.models import SyncItem
    from tonghu.visits.models import Visit

    director, officer, children = _setup(world, make_user, make_child)
    page = open_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page.goto(live_server.url + "/accounts/login/?next=/offline/")
    page.fill("#id_username", "zhuren")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    _unlock(page)
    page.wait_for_selector("[data-testid=task]")
    page.context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    today = timezone.localdate().isoformat()
    for i in range(12):
        page.evaluate("([child, i, today]) => window.tonghuOffline.enqueue('contact', child, "
                      "{date: today, method: 'phone', contacted_person: '祖母' + i, notes: ''})",
                      [children[i % 3].pk, i, today])
    assert _qcount(page) == "12"
    sent = []

    def drop_after_first(route):
        sent.append(json.loads(route.request.post_data)["items"])
        if len(sent) == 1:
            route.continue_()
        else:
            route.abort("internetdisconnected")  # the signal goes while the rest is on its way

    page.route("**/offline/push/", drop_after_first)
    page.context.set_offline(False)
    page.click("[data-testid=sync]")
    page.wait_for_function("document.querySelector('[data-testid=qcount]').textContent.trim() === '7'", timeout=60000)
    assert Visit.objects.count() == 5 and len(sent) == 2
    page.unroute("**/offline/push/")
    page.click("[data-testid=sync]")
    page.wait_for_function("document.querySelector('[data-testid=qcount]').textContent.trim() === ''", timeout=60000)
    assert Visit.objects.count() == 12
    assert sorted(Visit.objects.values_list("contacted_person", flat=True)) == sorted(f"祖母{i}" for i in range(12))
    assert SyncItem.objects.filter(status="accepted").count() == 12 and not SyncItem.objects.filter(attempts__gt=1).exists()

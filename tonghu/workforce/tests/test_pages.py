"""The pages a county manager uses (issue 15 "Done when"): coverage, a training and its attendance, a director
replaced, the ledger exported with ID numbers masked by the children's rule; R-J1, R-J2, R-J4, R-F7."""

import datetime as dt
import io
import re

from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE, SIBLING_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.workforce.models import Attendance, Course

VALID_ID = "110101199003074477"


def test_coverage_page_names_villages_without_a_director_and_drills_down(users, client, make_person):
    """R-J1: the county sees which villages lack a director, per township, and opens a township's villages."""
    make_person("一号", village=IN_SCOPE_VILLAGE)
    client.force_login(users[Role.COUNTY_MANAGER])
    page = client.get(reverse("workforce_coverage")).content.decode()
    assert "泗城镇" in page and "白石村" in page and "青山村" not in page  # only villages needing attention by default
    township = client.get(reverse("workforce_coverage_region", kwargs={"code": "451027001000"})).content.decode()
    assert "一号" in township and "白石村" in township
    assert client.get(reverse("workforce_coverage_region", kwargs={"code": "533401000000"})).status_code == 404


def test_record_a_training_and_its_attendance_through_the_pages(users, client, make_person, world):
    """R-J4: a course (level, date, hours, topic, organiser) and who attended with certificate numbers."""
    a = make_person("甲")
    make_person("乙", village=SIBLING_VILLAGE)
    client.force_login(users[Role.COUNTY_OFFICER])
    form = client.get(reverse("workforce_course_create")).content.decode()
    token = form.split('name="client_token" value="')[1].split('"')[0]
    r = client.post(reverse("workforce_course_create"), {"client_token": token, "region": "451027000000", "title": "年度培训",
                                                        "topic": "走访", "date": dt.date.today().isoformat(), "hours": "6", "organiser": "县民政局"})
    course = Course.objects.get()
    assert r.status_code == 302 and course.level == "county"
    r = client.post(reverse("workforce_attendance", kwargs={"pk": course.pk}), {"people": [a.pk], "certificates": "甲 LY-9"})
    assert r.status_code == 302
    assert Attendance.objects.get().certificate_no == "LY-9"
    page = client.get(reverse("workforce_training")).content.decode()
    assert "乙" in page.split('data-testid="untrained"')[1] and "甲" not in page.split('data-testid="untrained"')[1]


def test_replace_a_director_through_the_page(users, client, make_person, make_user, make_child):
    """R-J2: the handover page moves the files to the successor the same day."""
    old_account = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    new_account = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    old = make_person("老主任", user=old_account)
    new = make_person("新主任", user=new_account)
    child = make_child("小明", director=old_account)
    client.force_login(users[Role.COUNTY_MANAGER])
    page = client.get(reverse("workforce_handover", kwargs={"pk": old.pk})).content.decode()
    assert "目前负责 1 份在册儿童档案" in page
    r = client.post(reverse("workforce_handover", kwargs={"pk": old.pk}),
                    {"successor": new.pk, "on": dt.date.today().isoformat(), "reason": "换届", "deactivate_account": "on"})
    assert r.status_code == 302
    child.refresh_from_db()
    assert child.director == new_account
    # a second handover of the same person is refused with a message, nothing changes
    r = client.post(reverse("workforce_handover", kwargs={"pk": old.pk}),
                    {"successor": new.pk, "on": dt.date.today().isoformat(), "reason": "再次"})
    assert r.status_code == 200 and "已于" in r.content.decode()


def test_id_number_masked_for_roles_without_the_childrens_id_capability(users, client, make_person):
    """The children's rule: city staff see 110101********4477, the county sees the full number; export too."""
    p = make_person("甲", id_number=VALID_ID)
    client.force_login(users[Role.CITY_STAFF])
    page = client.get(reverse("workforce_person", kwargs={"pk": p.pk})).content.decode()
    assert VALID_ID not in page and "4477" in page
    export = client.get(reverse("workforce_people") + "?export=csv").content.decode("utf-8-sig")
    assert VALID_ID not in export and "甲" in export
    client.force_login(users[Role.COUNTY_MANAGER])
    assert VALID_ID in client.get(reverse("workforce_person", kwargs={"pk": p.pk})).content.decode()


def test_ledger_exports_as_excel(users, client, make_person):
    from openpyxl import load_workbook

    make_person("甲")
    client.force_login(users[Role.COUNTY_OFFICER])
    r = client.get(reverse("workforce_people") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][0] == "姓名" and rows[1][0] == "甲"


def test_background_check_results_only_for_county_managers(users, client, make_person):
    """R-F7: results visible only to county managers; the officer sees no check section."""
    p = make_person("甲")
    client.force_login(users[Role.COUNTY_MANAGER])
    r = client.post(reverse("workforce_check_create", kwargs={"pk": p.pk}), {
        "client_token": "4b0f7e1c-3c1e-4b7f-9a59-0c3c0a0e0a01", "checked_on": dt.date.today().isoformat(), "result": "adverse",
        "checked_by": "县人民检察院"})
    assert r.status_code == 302
    assert "有性侵害等违法犯罪记录" in client.get(reverse("workforce_person", kwargs={"pk": p.pk})).content.decode()
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("workforce_person", kwargs={"pk": p.pk})).content.decode()
    assert "有性侵害等违法犯罪记录" not in page and 'data-testid="checks"' not in page


# pagination text of the core view kit not in core's English catalogue yet (the kit is not this app's; remove
# them here once core translates them)
KIT_UNTRANSLATED = re.compile(r"^(第 \d+ / \d+ 页.*)$")


def _han_outside_names(html: str) -> list[str]:
    """Chinese text inside <main> that is not marked as a name or place (lang="zh"): what an English reader would
    trip on (the rule of core/tests/crawl.py, checked without a browser)."""
    from html.parser import HTMLParser

    han = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3001-\u3011]")
    void = {"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr"}

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.found, self.in_main = [], [], False

        def handle_starttag(self, tag, attrs):
            if tag == "main":
                self.in_main = True
            if tag in void:
                return
            a = dict(attrs)
            self.stack.append((tag, (tag != "html" and (a.get("lang") or "").startswith("zh")) or tag in ("script", "style") or "data-i18n-skip" in a))

        def handle_endtag(self, tag):
            if tag == "main":
                self.in_main = False
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break

        def handle_data(self, data):
            if self.in_main and han.search(data) and not any(skip for _t, skip in self.stack) and not KIT_UNTRANSLATED.match(data.strip()):
                self.found.append(data.strip()[:60])

    p = P()
    p.feed(html)
    return p.found


def test_the_pages_read_in_english(users, client, make_person, world):
    """Every page of the app reads fully in English apart from names of people and places (issue 15, language)."""
    a = make_person("甲", other_duties="村妇联主席")
    b = make_person("乙", village=SIBLING_VILLAGE)
    from tonghu.workforce import services

    course = services.course_create(actor=users[Role.COUNTY_OFFICER], data={"region": world["451027000000"], "title": "年度培训",
                                    "topic": "走访", "date": dt.date.today(), "hours": 6, "organiser": "县民政局"})
    services.attendance_record(actor=users[Role.COUNTY_OFFICER], course=course, people=[a])
    client.force_login(users[Role.COUNTY_MANAGER])
    urls = [reverse(n) for n in ("workforce_people", "workforce_coverage", "workforce_training", "workforce_courses",
                                 "workforce_person_create", "workforce_course_create")]
    urls += [reverse(n, kwargs={"pk": b.pk}) for n in ("workforce_person", "workforce_person_edit", "workforce_person_leave",
                                                        "workforce_handover", "workforce_check_create")]
    urls += [reverse(n, kwargs={"pk": course.pk}) for n in ("workforce_course", "workforce_course_edit", "workforce_attendance")]
    urls += [reverse("workforce_coverage_region", kwargs={"code": "451027001000"}), reverse("workforce_people") + "?q=甲"]
    # the check itself finds Chinese interface text when the page is in Chinese
    assert _han_outside_names(client.get(urls[0]).content.decode())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        assert not _han_outside_names(r.content.decode()), (url, _han_outside_names(r.content.decode()))

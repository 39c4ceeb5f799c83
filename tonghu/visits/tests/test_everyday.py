"""Everyday use (issue 18 §1, §3): a child director lands on today's tasks, which say how the month is going,
open the child's file and call the guardians; due dates read well in English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tonghu.accounts.roles import Role
from tonghu.visits import services
from tonghu.visits.models import Schedule

pytestmark = pytest.mark.django_db


def test_director_lands_on_todays_tasks_other_roles_on_their_dashboard(users, client, world):
    client.force_login(users[Role.CHILD_DIRECTOR])
    assert client.get("/")["Location"] == reverse("visit_tasks")
    client.force_login(users[Role.SUPERVISOR])
    assert client.get("/")["Location"] == reverse("supervision_dashboard")  # issue 13 §3 (tonghu.core.landing)


def test_task_list_links_the_file_calls_the_guardians_and_counts_the_month(make_child, users, client):
    from tonghu.registry.models import Guardian

    today = timezone.localdate()
    late = make_child(name="王小丽", opened=today - dt.timedelta(days=200))
    Guardian.objects.create(child=late, role="grandmother" if False else "mother", name="李秀英", phone="13907761234")
    services.schedule_refresh(late, today=today)
    Schedule.objects.filter(child=late, kind="contact").update(due_on=today - dt.timedelta(days=5))
    done = make_child(name="覃小军", opened=today - dt.timedelta(days=200))
    services.schedule_refresh(done, today=today)
    director = users[Role.CHILD_DIRECTOR]
    services.visit_record(actor=director, child=done, kind="contact", date=today, contacted_person="祖母", today=today)
    client.force_login(director)
    page = client.get(reverse("visit_tasks")).content.decode()
    assert f'href="{reverse("child_detail", kwargs={"pk": late.pk})}"' in page
    assert 'href="tel:13907761234"' in page
    progress = re.search(r'data-testid="month-progress">(.*?)<', page).group(1)
    done_n, total_n = map(int, re.search(r"(\d+) / (\d+)", progress).groups())
    assert done_n == 1 and total_n >= 2, progress


def test_due_dates_in_english_use_plural_forms_and_a_localized_date(make_child, users, client):
    """Issue 18 §3: "due in 1 days", and "Today's tasks 11月30日"."""
    today = timezone.localdate()
    one = make_child(name="韦一", opened=today - dt.timedelta(days=200))
    services.schedule_refresh(one, today=today)
    Schedule.objects.filter(child=one, kind="contact").update(due_on=today + dt.timedelta(days=1))
    two = make_child(name="韦二", opened=today - dt.timedelta(days=200))
    services.schedule_refresh(two, today=today)
    Schedule.objects.filter(child=two, kind="contact").update(due_on=today - dt.timedelta(days=1))
    client.force_login(users[Role.CHILD_DIRECTOR])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("visit_tasks")).content.decode()
    assert "due in 1 day<" in page or "due in 1 day " in page
    assert "1 day overdue" in page and "1 days" not in page
    shown = re.search(r'data-testid="today">(.*?)<', page).group(1)
    assert not re.search(r"[\u4e00-\u9fff]", shown), shown
    assert "Done this month" in page


def test_supervisor_village_page_labels_every_task_and_links_every_name(make_child, users, client):
    """Issue 18 §2: the village page listed "— 逾期 3 天" without saying contact or home visit, names not links,
    and the trend's header said 联系按时 twice."""
    today = timezone.localdate()
    child = make_child(name="王小丽", opened=today - dt.timedelta(days=200))
    services.schedule_refresh(child, today=today)
    Schedule.objects.filter(child=child, kind="contact").update(due_on=today - dt.timedelta(days=3))
    client.force_login(users[Role.SUPERVISOR])
    page = client.get(reverse("visit_compliance_region", kwargs={"code": "451027001200"})).content.decode()
    item = re.search(r'data-testid="village-child">(.*?)</li>', page, re.S).group(1)
    assert f'href="{reverse("child_detail", kwargs={"pk": child.pk})}"' in item
    lines = re.findall(r"<span[^>]*>([^<]*— [^<]*)</span>", item)
    assert lines and all(not line.strip().startswith("—") for line in lines), lines
    assert any("联系" in line and "逾期 3 天" in line for line in lines), lines
    if 'data-testid="trend"' in page:
        head = re.search(r'data-testid="trend">\s*<thead>(.*?)</thead>', page, re.S).group(1)
        assert head.count("联系按时") == 1

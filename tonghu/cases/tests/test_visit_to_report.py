"""A home visit that finds harm becomes a mandatory report — both sides real, nothing faked (R-C3, R-D1;
docs/visits.md, docs/cases.md; issue 20 item 2). The village's child director records the visit; the report is
filed through the cases app's own intake, routed with its deadline, and the county officer is told by the bell and
by e-mail once the notification job has run.

The visit is recorded at 09:30 on the day it happened: a visit has a date, not a time, and the report must not
claim the harm happened later in the day than now (it used to say noon, which the intake refused as a future time,
so no morning visit that found harm could be saved)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tonghu.audit.models import AuditEntry
from tonghu.cases.models import Report
from tonghu.visits.models import Notification, Visit
from tonghu.visits.notify import send_pending
from tonghu.visits.services import visit_record

MORNING = dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.django_db
@time_machine.travel(MORNING, tick=False)
def test_a_morning_visit_finding_harm_files_a_routed_report(cast, make_child, client, settings):
    settings.TONGHU = {**settings.TONGHU, "NOTIFY_CHANNELS": ["tonghu.visits.notify.EmailChannel"]}
    officer, director = cast["officer"], cast["director"]
    officer.email = "officer@example.org"
    officer.save(update_fields=["email"])
    child = make_child("覃小雨", sex="F", birth_date=dt.date(2016, 4, 9))
    today = timezone.localdate()

    visit = visit_record(actor=director, child=child, kind="home_visit", date=today, today=today, harm_found=True,
                         details={"people_met": "儿童本人、继父"}, harm_situation="injuries_violence", harm_description="手臂有多处新伤，称被继父打", immediate_danger=True)

    report = Report.objects.get()
    assert report.child == child and report.region_id == child.village_id
    assert report.channel == "visit" and report.source_ref == f"visit:{visit.pk}" and report.reporter == director
    assert report.situation == "injuries_violence" and report.immediate_danger is True
    assert report.occurred_at == MORNING
    assert report.what_happened == "手臂有多处新伤，称被继父打"
    assert report.deadlines.filter(kind="accept", done_at__isnull=True).exists()
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.report_status == "handed_over" and visit.report_ref == str(report.pk)
    assert AuditEntry.objects.filter(object_type="visits.visit", object_id=str(visit.pk), summary__contains="移交强制报告").exists()

    told = Notification.objects.get(user=officer, url=reverse("report_received", kwargs={"pk": report.pk}))
    assert "新的强制报告" in told.title and "紧急" in told.title
    assert send_pending() >= 1
    assert [m.to for m in mail.outbox if told.title in m.subject] == [["officer@example.org"]]

    client.force_login(officer)
    inbox = client.get(reverse("report_inbox")).content.decode()
    assert report.number in inbox

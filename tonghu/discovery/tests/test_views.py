"""The pages a county officer and a village director use (issue 12, "Done when")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tonghu.accounts.roles import Role
from tonghu.discovery.models import Candidate, CandidateStatus, Dataset
from tonghu.discovery.tests.helpers import roster_csv

pytestmark = pytest.mark.django_db
EDU = ["姓名", "性别", "出生日期", "身份证号码", "区划代码", "学校", "年级", "在校状态", "辍学日期"]


def test_upload_link_review_confirm_and_dismiss_through_the_pages(world, users, client, make_child, tmp_path, django_capture_on_commit_callbacks):
    from tonghu.core.jobs import execute_job

    officer = users[Role.COUNTY_OFFICER]
    make_child("张伟", birth_date=dt.date(2015, 3, 8))
    path = roster_csv(tmp_path / "学籍.csv", EDU, [
        ["張偉", "男", "2015-08-03", "", "451027001200", "青山小学", "五年级", "在校", ""],
        ["王芳", "女", "2016-04-09", "", "451027001201", "白石小学", "三年级", "在校", ""],
        ["刘强", "男", "2015-06-06", "", "451027001", "泗城小学", "四年级", "在校", ""],
    ])
    client.force_login(officer)
    page = client.get(reverse("discovery_upload"))
    assert page.status_code == 200 and "凌云县" in page.content.decode()
    token = page.context["form"].initial.get("client_token") or page.context.get("client_token")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("discovery_upload"), {"source": "education", "period": "2026年春季学期", "county": "451027000000",
                                                             "file": SimpleUploadedFile(path.name, path.read_bytes()), "client_token": token or ""})
    ds = Dataset.objects.get()
    assert response.status_code == 302 and response["Location"] == ds.get_absolute_url()
    execute_job(str(ds.import_job_id))
    ds.refresh_from_db()
    execute_job(str(ds.link_job_id))
    page = client.get(ds.get_absolute_url()).content.decode()
    assert "已比对" in page and "出生日期月、日颠倒" in page  # the model's weights are shown
    listing = client.get(reverse("discovery_candidates") + "?status=open").content.decode()
    assert "王芳" in listing and "刘强" in listing and "張偉" not in listing  # a match with nothing new makes no finding
    wang = Candidate.objects.get(evidence__name="王芳")
    detail = client.get(reverse("discovery_candidate", args=[wang.pk])).content.decode()
    assert "白石小学" in detail and "第 2 行" in detail.replace("第 3 行", "第 2 行")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("discovery_confirm", args=[wang.pk]), {"version": wang.version, "note": ""})
    wang.refresh_from_db()
    assert wang.status == CandidateStatus.CONFIRMED and r["Location"] == reverse("child_detail", args=[wang.child_id])
    liu = Candidate.objects.get(evidence__name="刘强")
    r = client.post(reverse("discovery_confirm", args=[liu.pk]), {"version": liu.version})
    assert r.status_code == 200 and "请选择儿童所在的村" in r.content.decode()  # the service's message on the form
    r = client.post(reverse("discovery_dismiss", args=[liu.pk]), {"version": liu.version, "reason": ""})
    assert r.status_code == 200
    r = client.post(reverse("discovery_dismiss", args=[liu.pk]), {"version": liu.version, "reason": "已转学外省"})
    liu.refresh_from_db()
    assert liu.status == CandidateStatus.DISMISSED
    figures = client.get(reverse("discovery_figures")).content.decode()
    assert "教育部门" in figures


def test_the_director_sees_and_answers_only_what_was_sent(world, users, client, tmp_path):
    from tonghu.discovery.services import candidate_send
    from tonghu.discovery.tests.helpers import upload

    officer, director = users[Role.COUNTY_OFFICER], users[Role.CHILD_DIRECTOR]
    ds = upload(officer, world, roster_csv(tmp_path / "e.csv", EDU, [["王芳", "女", "2016-04-09", "", "451027001200", "", "", "", ""]]))
    c = Candidate.objects.get(dataset=ds)
    client.force_login(director)
    assert "王芳" not in client.get(reverse("discovery_tasks")).content.decode()
    assert client.get(reverse("discovery_task", args=[c.pk])).status_code == 404
    assert client.get(reverse("discovery_candidate", args=[c.pk])).status_code == 404
    candidate_send(actor=officer, candidate=c, note="下次走访核实")
    assert "王芳" in client.get(reverse("discovery_tasks")).content.decode()
    page = client.get(reverse("discovery_task", args=[c.pk])).content.decode()
    assert "比对理由" not in page  # the director sees the person to visit, not the matching evidence
    c.refresh_from_db()
    client.post(reverse("discovery_verify", args=[c.pk]), {"version": c.version, "found": "1", "note": "确有此儿童"})
    c.refresh_from_db()
    assert c.status == CandidateStatus.OPEN and "核实属实" in c.note

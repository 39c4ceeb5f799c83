"""Fixtures for the cases tests: the demo-like cast of a county (teacher, police officer, officer, manager,
procurator, the village's and another village's child director) and a child with a file."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import IN_SCOPE_VILLAGE, SIBLING_VILLAGE
from tonghu.accounts.roles import Department, Role

COUNTY = "451027000000"


def _person(make_user, role, region, username, full_name, **extra):
    user = make_user(role, region, username=username, **extra)
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def cast(world, users, make_user):
    return {
        "teacher": _person(make_user, Role.REPORTER, COUNTY, "jiaoshi", "黄晓梅", department=Department.SCHOOL, unit="凌云县第一小学", phone="13907760001"),
        "police": _person(make_user, Role.REPORTER, COUNTY, "jingcha", "韦建国", department=Department.PUBLIC_SECURITY, unit="凌云县公安局"),
        "education": _person(make_user, Role.REPORTER, COUNTY, "jiaoyu", "陆文", department=Department.EDUCATION, unit="凌云县教育局"),
        "officer": users[Role.COUNTY_OFFICER],
        "manager": users[Role.COUNTY_MANAGER],
        "procurator": users[Role.PROCURATOR],
        "director": users[Role.CHILD_DIRECTOR],
        "other_director": _person(make_user, Role.CHILD_DIRECTOR, SIBLING_VILLAGE, "zhuren-baishi", "蓝天"),
        "city": users[Role.CITY_STAFF],
    }


@pytest.fixture
def child(make_child):
    return make_child("罗小花", sex="F", birth_date=dt.date(2016, 3, 8), village=IN_SCOPE_VILLAGE, id_number="451027201603080026")


def notices(user):
    from tonghu.visits.models import Notification

    return list(Notification.objects.filter(user=user).values_list("title", flat=True))

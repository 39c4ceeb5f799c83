"""Children with visit schedules for the supervision tests: the visits tests' fixtures (chosen policy facts,
a file opened on a chosen day)."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.visits.tests.conftest import facts  # noqa: F401  (fixture)


@pytest.fixture
def kid(world, facts):  # noqa: F811
    """``kid(name, village=…, opened=date)``: a left-behind child whose file was opened on ``opened``."""
    from django.utils import timezone

    from tonghu.registry.models import Child

    def make(name, *, village="451027001200", opened=dt.date(2025, 1, 1)):
        child = Child.objects.create(name=name, sex="F", birth_date=dt.date(2015, 5, 1), village_id=village)
        Child.objects.filter(pk=child.pk).update(created_at=timezone.make_aware(dt.datetime.combine(opened, dt.time(9))))
        child.refresh_from_db()
        return child

    return make

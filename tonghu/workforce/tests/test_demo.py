"""The demo county's workforce tells the story the issue asks for (issue 15: demo; R-J1, R-J2, R-J4)."""

import datetime as dt
import random

import pytest

pytestmark = pytest.mark.django_db


def test_demo_workforce(django_capture_on_commit_callbacks):
    from tonghu.accounts import demo as accounts_demo
    from tonghu.accounts.models import User
    from tonghu.accounts.roles import Role
    from tonghu.core.demo_loader import DemoContext
    from tonghu.core.models import Region
    from tonghu.policy import demo as policy_demo
    from tonghu.workforce import demo, selectors
    from tonghu.workforce.models import Handover, Person

    ctx = DemoContext(rng=random.Random(11))
    policy_demo.load_profiles(ctx)
    accounts_demo.regions(ctx)
    accounts_demo.users(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        demo.workforce(ctx)
    accounts = User.objects.filter(role__in=[Role.CHILD_DIRECTOR, Role.SUPERVISOR], region__code__startswith="451027").count()
    # every demo director and supervisor account is a ledger person, plus three earlier directors (history)
    assert Person.objects.filter(user__isnull=False).count() == accounts
    assert Handover.objects.count() == 3 and Person.objects.filter(user__isnull=True, left_on__isnull=False).count() == 3
    county = Region.objects.get(code="451027000000")
    over = selectors.villages_over_threshold_without_second(county)
    assert len(over) == 1 and over[0].target_children > 30 and over[0].director_count == 1
    assert len(selectors.villages_without_director(county)) == 1
    year = dt.date.today().year
    untrained = list(selectors.untrained(county, year))
    assert 0 < len(untrained) < accounts // 2
    assert any(r["count"] for r in selectors.demonstration_counts(county, year - 1))
    # ID numbers are valid and unique
    from tonghu.core.reference.idnumber import is_valid_id_number

    numbers = [p.id_number for p in Person.objects.all()]
    assert len(set(numbers)) == len(numbers) and all(is_valid_id_number(n) for n in numbers)

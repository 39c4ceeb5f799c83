"""Helpers for the policy app's Django tests (test_django_*.py): regions for all five plans, children with facts.

Facts are given directly as the JSONL dictionaries (``builders``) and installed with :func:`use_facts`, so the
tests do not depend on how the registry stores them; ``test_django_classification`` also checks the path from
registry rows through ``child_facts``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tonghu.policy.facts import ChildFacts

D = dt.date.fromisoformat

# One village per plan (plus Yunnan outside Shangri-La for the national default).
PLAN_VILLAGES = {
    "xizang": ("540102001001", "拉萨测试村"),
    "shangrila": ("533401001200", "尼西村"),
    "anshan": ("210381101201", "海城测试村"),
    "guangxi": ("451027001200", "青山村"),
    "changzhi": ("140403101201", "长治测试村"),
    "national": ("530102101201", "昆明测试村"),
}


@pytest.fixture
def profiles(db):
    from tonghu.policy.services import policy_load

    return policy_load()


@pytest.fixture
def plan_villages(world):
    from tonghu.core.models import Region

    out = {}
    for key, (code, name) in PLAN_VILLAGES.items():
        region = world.get(code) or Region.objects.create(code=code, name=name, level="village", kind="village", urban_rural="220")
        out[key] = region
    return out


@pytest.fixture
def facts_table(monkeypatch):
    """``facts_table[child.pk] = {...}`` sets the facts classification reads for that child."""
    from tonghu.policy import services

    table: dict[int, dict[str, Any]] = {}
    real = services.child_facts

    def fake(child, **kw):
        if child.pk not in table:
            return real(child, **kw)
        return ChildFacts.from_dict({"id": str(child.pk), **table[child.pk]})

    monkeypatch.setattr(services, "child_facts", fake)
    return table


def both_away(birth: str, since: str, residence: str, dest: str = "440305", hukou: str = "rural") -> dict[str, Any]:
    return {
        "child": {"birth_date": birth, "hukou_type": hukou, "residence_code": residence},
        "guardians": [
            {"role": "father", "working_away": {"since": since, "destination_code": dest}},
            {"role": "mother", "working_away": {"since": since, "destination_code": dest}},
        ],
    }

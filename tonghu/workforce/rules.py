"""The workforce settings of a region's jurisdiction profile (``workforce.*`` in ``tonghu/policy/profiles``).

``second_director_threshold`` (R-J1, 30 in every seed plan): a village or community whose target children
(left-behind + in difficulty, from the stored classification) exceed it needs a second child director.
``training_every_year`` and ``demonstration_per_year`` (R-J4). Profiles stored in the database before the section
existed do not have it; the shipped national file's value (with its citation) is used then.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone

from tonghu.policy.engine import load_profile, load_profiles
from tonghu.policy.profile import PROFILE_DIR, ProfileError, Setting, select_profile_key


@lru_cache(maxsize=4)
def _national_file_setting(path: str, on: dt.date) -> Setting:
    return load_profile("national", PROFILE_DIR).at(on).setting(path)


def setting_for(region_code: str, path: str, on: dt.date | None = None, profiles=None) -> Setting:
    """The cited setting ``workforce.<path>`` in force in ``region_code`` on ``on`` (default today)."""
    on = on or timezone.localdate()
    profiles = profiles if profiles is not None else load_profiles()
    profile = profiles[select_profile_key(region_code, profiles)]
    try:
        return profile.at(on).setting(f"workforce.{path}")
    except ProfileError:
        return _national_file_setting(f"workforce.{path}", on)


def thresholds(village_codes, on: dt.date | None = None) -> dict[str, Setting]:
    """``second_director_threshold`` for many villages at once (profiles loaded once)."""
    profiles = load_profiles()
    cache: dict[str, Setting] = {}
    out: dict[str, Setting] = {}
    for code in village_codes:
        key = select_profile_key(code, profiles)
        if key not in cache:
            cache[key] = setting_for(code, "second_director_threshold", on, profiles)
        out[code] = cache[key]
    return out

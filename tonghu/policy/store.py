"""Profiles from the database: rows → the engine's documents → validated :class:`~tonghu.policy.profile.Profile`.

``PolicyConfig.ready()`` installs :func:`db_profiles` as the engine's profile provider, so every existing caller
of ``engine.load_profile`` / ``engine.profile_for_region`` (visits, cases, ``tonghu classify``) reads the database
profiles — administrators' versions included — and falls back to the YAML files when the database has none (a
fresh database before ``tonghu policy-load``, or pure-Python tests without a database).

Built profiles are cached per process and rebuilt when the tables change: each call asks the database for a
cheap fingerprint (row counts, highest id, latest update) — one small query.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from typing import Any, Mapping

from django.db import DatabaseError
from django.db.models import Count, Max

from .profile import Profile

log = logging.getLogger(__name__)

_lock = threading.Lock()
_cache: dict[str, Any] = {"fingerprint": None, "profiles": None}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def revive_dates(value: Any) -> Any:
    """JSON keeps dates as ``YYYY-MM-DD`` strings; the engine (like YAML) wants ``datetime.date``."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return [revive_dates(v) for v in value]
    if isinstance(value, dict):
        return {k: revive_dates(v) for k, v in value.items()}
    return value


def jsonable(value: Any) -> Any:
    """The inverse of :func:`revive_dates`, for storing YAML-loaded settings in a JSON column."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def profile_document(profile, versions) -> dict[str, Any]:
    """One profile row and its version rows as the engine's raw document (the YAML shape)."""
    return {
        "key": profile.key,
        "name": {"zh": profile.name_zh, "en": profile.name_en},
        "parent": profile.parent.key if profile.parent_id else None,
        "region": {"prefix": profile.region_prefix, "source": profile.region_source},
        "document": {"zh": profile.document_zh, "seed": profile.seed or None},
        "versions": [
            {"version": v.version, "effective_from": v.effective_from, "source": v.source,
             "settings": revive_dates(v.settings)}
            for v in versions
        ],
    }


def documents_from_db() -> dict[str, dict[str, Any]]:
    from .models import PolicyProfile, PolicyProfileVersion

    profiles = {p.pk: p for p in PolicyProfile.objects.select_related("parent")}
    versions: dict[int, list] = {pk: [] for pk in profiles}
    for v in PolicyProfileVersion.objects.order_by("effective_from", "id"):
        versions[v.profile_id].append(v)
    return {p.key: profile_document(p, versions[pk]) for pk, p in profiles.items() if versions[pk]}


def _fingerprint() -> tuple | None:
    from .models import PolicyProfile, PolicyProfileVersion

    v = PolicyProfileVersion.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("created_at"))
    if not v["n"]:
        return None
    p = PolicyProfile.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (v["n"], v["last"], v["at"], p["n"], p["at"])


def db_profiles() -> Mapping[str, Profile] | None:
    """The database's profiles, built and validated; None when the database has none or cannot be read."""
    from .engine import profiles_from_documents

    try:
        fingerprint = _fingerprint()
    except (DatabaseError, RuntimeError):  # no table yet / database access not allowed (pure tests)
        return None
    if fingerprint is None:
        return None
    with _lock:
        if _cache["fingerprint"] == fingerprint:
            return _cache["profiles"]
    try:
        profiles = profiles_from_documents(documents_from_db())
    except Exception:  # noqa: BLE001 - stored rows were validated on save; never take the site down for it
        log.exception("database policy profiles failed to build; using the shipped files")
        return None
    with _lock:
        _cache["fingerprint"] = fingerprint
        _cache["profiles"] = profiles
    return profiles


def clear_cache() -> None:
    with _lock:
        _cache["fingerprint"] = None
        _cache["profiles"] = None

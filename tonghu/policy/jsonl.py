"""``tonghu classify``: one child's facts per JSON line in, one JSON result per line out.

Counties use it to check spreadsheets, so a bad line must never stop the run: it yields
``{"line": n, "error": "<中文说明>", "error_en": "...", "field": "<path>"}`` and processing continues with the
next line. Blank lines are skipped (they are not children). The input schema is :class:`ChildFacts`
(``docs/classify-format.md``); the output is documented there too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from .engine import classify, entitlement_gaps, load_profile, next_changes, visit_plan
from .facts import ChildFacts, FactsError
from .profile import Profile

__all__ = ["classify_lines", "classify_one"]


def classify_one(facts: ChildFacts, profile_name: str | Profile, on: dt.date,
                 profile_dir: Path | str | None = None) -> dict[str, Any]:
    """The full result for one child: categories, explanations, why-not, gaps, visits, upcoming changes.
    ``profile_name`` may be an already loaded :class:`~tonghu.policy.profile.Profile`."""
    profile = profile_name if isinstance(profile_name, Profile) else load_profile(profile_name, profile_dir)
    c = classify(facts, profile, on)
    out = c.to_dict()
    out["gaps"] = [g.to_dict() for g in entitlement_gaps(facts, c, profile)]
    plan = visit_plan(facts, c, profile)
    out["visits"] = plan.to_dict() if plan else None
    out["next_changes"] = [ch.to_dict() for ch in next_changes(facts, profile, on)]
    return out


def _error(n: int, field: str, zh: str, en: str, child_id: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"line": n, "error": f"第{n}行：{zh}", "error_en": f"line {n}: {en}", "field": field}
    if isinstance(child_id, str):
        out["id"] = child_id
    return out


def classify_lines(
    lines: Iterable[str],
    profile_name: str,
    on: dt.date | None = None,
    profile_dir: Path | str | None = None,
) -> Iterator[dict[str, Any]]:
    """Classify each JSON line under ``profile_name`` on ``on`` (default: today).

    An unknown profile raises :class:`~tonghu.policy.profile.ProfileError` before any line is read — that is a
    mistake in the command, not in the file.
    """
    on = on or dt.date.today()
    profile = load_profile(profile_name, profile_dir)  # fail fast on a wrong --profile; loaded once per file
    for n, raw in enumerate(lines, start=1):
        text = raw.strip().lstrip("\ufeff")
        if not text:
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield _error(n, "(整行)", f"不是有效的 JSON（第{exc.colno}列：{exc.msg}）",
                         f"invalid JSON at column {exc.colno}: {exc.msg}")
            continue
        child_id = data.get("id") if isinstance(data, dict) else None
        try:
            facts = ChildFacts.from_dict(data)
        except FactsError as exc:
            yield _error(n, exc.field, f"字段 {exc.field}：{exc.message_zh}", f"field {exc.field}: {exc.message_en}",
                         child_id)
            continue
        if facts.child.birth_date > on:
            yield _error(n, "child.birth_date",
                         f"字段 child.birth_date：出生日期 {facts.child.birth_date.isoformat()} 晚于评估日期 {on.isoformat()}",
                         "field child.birth_date: born after the evaluation date", child_id)
            continue
        result = classify_one(facts, profile, on)
        yield {"line": n, **result}

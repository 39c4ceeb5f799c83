"""Small builders for fact dictionaries (the JSONL form), so scenario tables stay readable.

Region codes used in the tables (GB/T 2260 county codes + made-up township/village digits):

=========  ===================  ==========================  ==========================  =================
profile    child's village      other county, same city     other city, same province   other province
=========  ===================  ==========================  ==========================  =================
national   530102101201 (昆明)   530103                      530302 (曲靖)                510104 (成都)
xizang     540102001001 (拉萨)   540103                      540202 (日喀则)              510104
shangrila  533401101201         533422 (德钦，同迪庆州)        530102 (昆明)                510104
guangxi    450321101201 (阳朔)   450322                      450102 (南宁)                440305 (深圳)
anshan     210381101201 (海城)   210321                      210102 (沈阳)                110105 (北京)
changzhi   140403101201 (长治)   140423                      140105 (太原)                410102 (郑州)
=========  ===================  ==========================  ==========================  =================
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tonghu.policy.engine import classify, load_profile
from tonghu.policy.facts import ChildFacts
from tonghu.policy.results import Classification

D = dt.date.fromisoformat

REGIONS: dict[str, dict[str, str]] = {
    "national": {"home": "530102101201", "same_county": "530102", "other_county": "530103",
                 "other_city": "530302", "other_province": "510104"},
    "xizang": {"home": "540102001001", "same_county": "540102", "other_county": "540103",
               "other_city": "540202", "other_province": "510104"},
    "shangrila": {"home": "533401101201", "same_county": "533401", "other_county": "533422",
                  "other_city": "530102", "other_province": "510104"},
    "guangxi": {"home": "450321101201", "same_county": "450321", "other_county": "450322",
                "other_city": "450102", "other_province": "440305"},
    "anshan": {"home": "210381101201", "same_county": "210381", "other_county": "210321",
               "other_city": "210102", "other_province": "110105"},
    "changzhi": {"home": "140403101201", "same_county": "140403", "other_county": "140423",
                 "other_city": "140105", "other_province": "410102"},
}
PROFILES = tuple(REGIONS)
# All local profiles are in force from 2024-07-01 (xizang's first version); test dates are later.
ON = D("2024-11-15")


def child(birth: str = "2014-05-01", *, profile: str = "national", hukou: str = "rural", **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"birth_date": birth, "hukou_type": hukou, "residence_code": REGIONS[profile]["home"]}
    out.update(kw)
    return out


def away(role: str, since: str, dest: str | None = None, **kw: Any) -> dict[str, Any]:
    wa: dict[str, Any] = {"since": since}
    if dest:
        wa["destination_code"] = dest
    wa.update(kw)
    return {"role": role, "working_away": wa}


def parent(role: str, **kw: Any) -> dict[str, Any]:
    return {"role": role, **kw}


def facts(child_: dict[str, Any] | None = None, *guardians: dict[str, Any], household: dict[str, Any] | None = None,
          received: tuple[str, ...] = (), id: str = "T-1") -> ChildFacts:
    data: dict[str, Any] = {"id": id, "child": child_ or child(), "guardians": list(guardians)}
    if household:
        data["household"] = household
    if received:
        data["assistance_received"] = list(received)
    return ChildFacts.from_dict(data)


def both_away(profile: str, since: str = "2024-08-15", where: str = "other_province", **kw: Any) -> ChildFacts:
    dest = REGIONS[profile][where]
    return facts(child(profile=profile, **kw), away("father", since, dest), away("mother", since, dest))


def run(f: ChildFacts, profile: str, on: dt.date | str = ON) -> Classification:
    return classify(f, load_profile(profile), D(on) if isinstance(on, str) else on)

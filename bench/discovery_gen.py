#!/usr/bin/env python
"""Synthetic registry and roster for the linkage benchmark (issue 12, "Performance"): realistic Chinese names (the
demo generator's, with minority names), a fixed seed, and the noise departments' rosters really have.

    .venv/bin/python bench/discovery_gen.py --n 10000 --out /tmp/link10k

writes ``registry.csv`` (n children) and ``roster.csv`` (n records) in the format of ``tonghu link``
(docs/discovery-format.md), and ``truth.csv`` (roster_id, registry_id or empty). Of the roster: 80 % are registered
children, written with noise; 20 % are not registered, a third of those namesakes of a registered child in the same
county (same name, another birth date). Noise on registered children (independent draws): traditional characters
(OpenCC s2t) 10 %, a homophone in the given name 6 %, the name in pinyin 3 %, transliteration variants of minority
names (阿卜杜拉/阿布都拉, 扎西/扎喜) always when the name has such a character, day and month transposed 3 %, the day
mistyped in the same month 2 %, no ID number on one side 55 %, moved to another village of the township 10 % or
another county 2 %, another guardian 10 %, another phone 20 %, sex missing 5 %.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOMOPHONES = [set(g) for g in ("伟维玮炜", "丽莉俐", "静婧靖", "芳方舫", "军君钧", "华桦骅", "明铭鸣", "杰洁", "磊垒", "涛韬",
                               "强蔷", "敏闵", "燕艳雁", "玲铃琳", "宇雨语羽", "浩皓昊", "鹏朋", "海亥", "平萍", "红宏鸿虹",
                               "建健剑", "文雯", "欣新馨", "佳嘉家", "怡宜仪", "轩萱宣", "梓子紫", "涵寒含", "睿瑞锐", "晨辰臣")]
VARIANTS = {"卜": "布", "布": "卜", "杜": "都", "都": "杜", "喜": "西", "西": "喜", "卓": "着", "玛": "马", "买": "麦", "热": "惹"}


def _homophone(rng, name):
    for i in range(len(name) - 1, 0, -1):
        for group in HOMOPHONES:
            if name[i] in group:
                other = rng.choice(sorted(group - {name[i]}))
                return name[:i] + other + name[i + 1:]
    return None


def _variant(name):
    out = "".join(VARIANTS.get(ch, ch) for ch in name)
    return out if out != name else None


def generate(n: int, seed: int = 20260501, out: Path | None = None):
    import opencc
    from pypinyin import lazy_pinyin

    from tonghu.core.demo.names import person_name

    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    counties = [f"45{c:04d}" for c in range(1, max(2, n // 10000) + 1)]
    ethn = ["01"] * 80 + ["08"] * 8 + ["05"] * 4 + ["04"] * 4 + ["07"] * 4  # Han, Zhuang, Uyghur, Tibetan, Yi
    start = dt.date(2008, 1, 1).toordinal()

    def village(county=None):
        county = county or rng.choice(counties)
        return f"{county}{rng.randint(1, 10):03d}{rng.randint(200, 220):03d}"

    def person(i, county=None):
        sex = rng.choice("MF")
        birth = dt.date.fromordinal(start + rng.randrange(365 * 17))
        return {"id": f"R{i}", "name": person_name(rng, rng.choice(ethn), sex), "sex": sex, "birth_date": birth.isoformat(),
                "id_number": f"{village(county)[:6]}{birth:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}",
                "region_code": village(county), "guardian_name": person_name(rng, "01", "M", adult=True),
                "guardian_phone": f"1{rng.randint(3, 9)}{rng.randrange(10 ** 9):09d}"}

    registry = [person(i) for i in range(n)]
    for r in registry:
        r["id_number"] = r["id_number"] if rng.random() < 0.7 else ""
        r["region_code"] = r["id_number"][:6] + r["region_code"][6:] if r["id_number"] else r["region_code"]
    roster, truth = [], []
    n_new = n // 5
    picks = rng.sample(range(n), n - n_new)
    for j, i in enumerate(picks):
        src = registry[i]
        rec = dict(src, id=f"S{j}")
        name = rec["name"]
        x = rng.random()
        if x < 0.10:
            name = s2t.convert(name)
        elif x < 0.16:
            name = _homophone(rng, name) or name
        elif x < 0.19 and "·" not in name:
            name = " ".join(p.capitalize() for p in lazy_pinyin(name))
        name = _variant(name) if rng.random() < 0.5 and _variant(name) else name
        rec["name"] = name
        b = dt.date.fromisoformat(rec["birth_date"])
        x = rng.random()
        if x < 0.03 and b.day <= 12 and b.day != b.month:
            rec["birth_date"] = dt.date(b.year, b.day, b.month).isoformat()
        elif x < 0.05:
            rec["birth_date"] = b.replace(day=min(28, max(1, b.day + rng.choice((-2, -1, 1, 2))))).isoformat()
        if rng.random() < 0.55 or not src["id_number"]:
            rec["id_number"] = ""
        elif not rec["id_number"]:
            pass
        x = rng.random()
        if x < 0.10:
            rec["region_code"] = rec["region_code"][:9] + f"{rng.randint(200, 220):03d}"
        elif x < 0.12:
            rec["region_code"] = village()
        if rng.random() < 0.10:
            rec["guardian_name"] = person_name(rng, "01", "F", adult=True)
        if rng.random() < 0.20:
            rec["guardian_phone"] = f"1{rng.randint(3, 9)}{rng.randrange(10 ** 9):09d}"
        if rng.random() < 0.05:
            rec["sex"] = ""
        roster.append(rec)
        truth.append((rec["id"], src["id"]))
    for k in range(n_new):
        j = n - n_new + k
        if k % 3 == 0:  # a namesake of a registered child in the same county, born on another day
            twin = registry[rng.randrange(n)]
            rec = person(j, twin["region_code"][:6])
            rec["name"] = twin["name"]
        else:
            rec = person(j)
        rec["id"] = f"S{j}"
        rec["id_number"] = rec["id_number"] if rng.random() < 0.4 else ""
        roster.append(rec)
        truth.append((rec["id"], ""))
    rng.shuffle(roster)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        cols = ["id", "name", "sex", "birth_date", "id_number", "region_code", "guardian_name", "guardian_phone"]
        for fname, rows in (("registry.csv", registry), ("roster.csv", roster)):
            with open(out / fname, "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
        with open(out / "truth.csv", "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([("roster_id", "registry_id"), *truth])
    return registry, roster, dict(truth)


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonghu.settings")
    import django

    django.setup()
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20260501)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    generate(a.n, a.seed, a.out)
    print(f"wrote {a.out}/registry.csv, roster.csv, truth.csv ({a.n} each)")

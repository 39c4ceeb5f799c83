#!/usr/bin/env python
"""Linkage benchmark (issue 12, "Performance"; reported in docs/benchmarks.md, "Discovery").

    .venv/bin/python bench/discovery_bench.py --n 10000            # generate (bench/discovery_gen.py, fixed seed) and link
    .venv/bin/python bench/discovery_bench.py --n 200000 --dir /tmp/link200k

Runs ``tonghu link`` as a child process (``/usr/bin/time -v`` gives its peak memory), then scores its
``matches.csv`` against ``truth.csv``: pair precision and recall of ``match`` decisions, the same counting
``review`` as found, and the precision of ``new`` ("not registered"). The bare operation beside it: DuckDB reading
both CSVs and joining them on the ID number (the exact match alone), in the same run. Prints JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def score(matches: Path, truth: Path) -> dict:
    with open(truth, encoding="utf-8") as fh:
        t = {r["roster_id"]: r["registry_id"] for r in csv.DictReader(fh)}
    tp = fp = tp_r = fp_r = new_ok = new_bad = 0
    with open(matches, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            want = t[r["roster_id"]]
            got = r["registry_id"]
            if r["decision"] == "match":
                tp, fp = tp + (got == want), fp + (got != want)
            if r["decision"] in ("match", "review"):
                tp_r, fp_r = tp_r + (got == want), fp_r + (got != want)
            if r["decision"] == "new":
                new_ok, new_bad = new_ok + (want == ""), new_bad + (want != "")
    true_pairs = sum(1 for v in t.values() if v)
    return {"pairs_true": true_pairs, "match_precision": round(tp / max(1, tp + fp), 5), "match_recall": round(tp / max(1, true_pairs), 5),
            "match_or_review_recall": round(tp_r / max(1, true_pairs), 5), "review": (tp_r + fp_r) - (tp + fp),
            "new_precision": round(new_ok / max(1, new_ok + new_bad), 5), "new": new_ok + new_bad}


def bare(d: Path) -> float:
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"""select count(*) from read_csv('{d}/roster.csv', all_varchar=true) a
                    join read_csv('{d}/registry.csv', all_varchar=true) b on a.id_number = b.id_number where a.id_number <> ''""").fetchall()
    return round(time.perf_counter() - t0, 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--engine", default="duckdb")
    a = ap.parse_args()
    d = a.dir or Path(f"/tmp/tonghu-link-{a.n}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tonghu.settings"}
    py = sys.executable
    t0 = time.perf_counter()
    if not (d / "truth.csv").exists():
        subprocess.run([py, str(ROOT / "bench/discovery_gen.py"), "--n", str(a.n), "--out", str(d)], check=True, env=env, cwd=ROOT)
    gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", py, str(ROOT / "manage.py"), "link", str(d / "roster.csv"), str(d / "registry.csv"),
                           "--out", str(d / "matches.csv"), "--engine", a.engine], capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t1
    if proc.returncode:
        sys.exit(proc.stderr[-3000:])
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    out = {"n": a.n, "engine": a.engine, "generate_s": round(gen, 1), "link_end_to_end_s": round(wall, 1), "peak_rss_mib": peak // 1024,
           "link_output": proc.stdout.strip(), "bare_duckdb_exact_join_s": bare(d), **score(d / "matches.csv", d / "truth.csv"),
           "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

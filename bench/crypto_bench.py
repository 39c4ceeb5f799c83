#!/usr/bin/env python
"""Encryption-at-rest benchmark (issue 10 §12): exact ID look-up and the child list page, before/after.

    .venv/bin/python bench/crypto_bench.py --rows 3000 --db sqlite
    .venv/bin/python bench/crypto_bench.py --rows 3000 --db postgres   # DATABASE_URL or tonghu_bench

Runs the same on a checkout without field encryption (the "before"; the script notices that ``id_number_bidx`` is
absent) and with it. In a database of its own (as ``bench/registry_bench.py``, whose setup it reuses) it imports an
N-row generated ledger (one county), then times, as the county officer:

* ``Child.objects.get(id_number=…)`` for 1,000 random existing numbers (ORM; the blind index after) and the bare SQL
  beside it (``WHERE id_number = %s`` before, ``WHERE id_number_bidx = %s`` with the HMAC computed in Python after);
* the list page searched by a full ID number (``?q=<number>``), 200 requests;
* the list page, pages 1–20 (50 children each, every column the page shows), 200 requests.

Prints JSON; reported in docs/benchmarks.md ("Encryption at rest").
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _stats(times: list[float], cpu: list[float] | None = None) -> dict:
    """Wall-clock p50/p95/mean, and this process's CPU time per call (less sensitive to a busy machine)."""
    times = sorted(times)
    out = {"n": len(times), "p50_ms": round(statistics.median(times), 3), "p95_ms": round(times[int(0.95 * len(times)) - 1], 3), "mean_ms": round(statistics.fmean(times), 3)}
    if cpu:
        out["cpu_p50_ms"] = round(statistics.median(cpu), 3)
    return out


def _timed(fn, items) -> dict:
    wall, cpu = [], []
    for item in items:
        t0, c0 = time.perf_counter(), time.process_time()
        fn(item)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return _stats(wall, cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workdir")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200, help="list page requests of each kind")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tonghu-crypto-bench-"))
    import registry_bench as rb

    rb.setup_django(argparse.Namespace(db=args.db), workdir)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tonghu.registry.models import Child

    user, region = rb.load_world()
    encrypted = any(f.name == "id_number_bidx" for f in Child._meta.get_fields())
    if not Child.objects.exists():
        path = workdir / "ledger.xlsx"
        rb.write_ledger(path, args.rows, region)
        imported = rb.run_import(path, user, region)
    else:
        imported = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    numbers = [n for n in Child.objects.exclude(id_number__isnull=True).values_list("id_number", flat=True)]
    rng = random.Random(args.seed)
    sample = [rng.choice(numbers) for _ in range(1000)]
    figures = {"db": connection.vendor, "encrypted": encrypted, "children": Child.objects.count(), "with_id": len(numbers)}
    if imported:
        figures["import_rows_per_s"] = imported.get("rows_per_s")

    figures["id_lookup_orm"] = _timed(lambda number: Child.objects.get(id_number=number), sample)

    if encrypted:
        from tonghu.core.crypto import blind_index

    with connection.cursor() as cur:
        def raw(number):
            if encrypted:
                cur.execute("SELECT id FROM registry_child WHERE id_number_bidx = %s", [blind_index(number)])
            else:
                cur.execute("SELECT id FROM registry_child WHERE id_number = %s", [number])
            assert cur.fetchone() is not None

        figures["id_lookup_raw_sql"] = _timed(raw, sample)

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    url = reverse("child_list")
    client.get(url)

    def search(number):
        response = client.get(url, {"q": number})
        assert response.status_code == 200 and number[-4:] in response.content.decode()

    def page(i):
        assert client.get(url, {"page": i % 20 + 1}).status_code == 200

    figures["list_id_search"] = _timed(search, sample[: args.requests])
    figures["list_page"] = _timed(page, range(args.requests))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()

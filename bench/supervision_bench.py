"""Benchmark of the supervision app on PostgreSQL (docs/benchmarks.md, section "Supervision", issue 13).

    DATABASE_URL=postgres://…/h_supervision python bench/supervision_bench.py [--cities 14 --counties 8
        --townships 11 --villages 12 --per-village 67]

The issue's target is a province of 14 cities, 110 counties, 1,200 townships, 15,000 villages and 1,000,000
children; the defaults here build that shape, and the arguments scale it down (the shared 2-core machine). Fills
regions, children, their classification and two stored schedule rows per child with bulk SQL (generate_series),
then times, in-process through the real code:

* the monthly snapshot job for the whole province (``services.snapshot_take``), beside the bare SQL aggregates of
  the same rows (children, classification, schedule grouped per village);
* the province dashboard (``selectors.dashboard``: cards, trend, ranking of the cities; reads the snapshot) cold
  (first call after ``DISCARD ALL`` in a fresh connection) and warm, beside the bare SQL reading the same snapshot rows;
* the drill-down at county and township level (counted live), beside the bare SQL aggregate of the same rows;
* the child director's task list and the county compliance table at this scale.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonghu.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

PROVINCE = "45"


def populate(a) -> None:
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM core_region")
        if c.fetchone()[0] > 1:
            return
        print("populating…", flush=True)
        c.execute("INSERT INTO core_region (code, name, parent_id, level, kind, urban_rural, prefix, active) VALUES "
                  "(%s, '省', NULL, 'province', '', '', %s, true)", [PROVINCE.ljust(12, "0"), PROVINCE])
        # cities 4501.., counties 450101.., townships 450101001.., villages 450101001001..
        c.execute("""
            INSERT INTO core_region (code, name, parent_id, level, kind, urban_rural, prefix, active)
            SELECT %(p)s || lpad(ci::text, 2, '0') || '00000000', '市' || ci, %(p)s || '0000000000', 'city', '', '', %(p)s || lpad(ci::text, 2, '0'), true
            FROM generate_series(1, %(cities)s) ci""", {"p": PROVINCE, "cities": a.cities})
        c.execute("""
            INSERT INTO core_region (code, name, parent_id, level, kind, urban_rural, prefix, active)
            SELECT %(p)s || lpad(ci::text, 2, '0') || lpad(co::text, 2, '0') || '000000', '县' || ci || '-' || co,
                   %(p)s || lpad(ci::text, 2, '0') || '00000000', 'county', '', '', %(p)s || lpad(ci::text, 2, '0') || lpad(co::text, 2, '0'), true
            FROM generate_series(1, %(cities)s) ci, generate_series(1, %(counties)s) co""", {"p": PROVINCE, "cities": a.cities, "counties": a.counties})
        c.execute("""
            INSERT INTO core_region (code, name, parent_id, level, kind, urban_rural, prefix, active)
            SELECT substr(code, 1, 6) || lpad(t::text, 3, '0') || '000', name || '镇' || t, code, 'township', '', '121', substr(code, 1, 6) || lpad(t::text, 3, '0'), true
            FROM core_region, generate_series(1, %s) t WHERE level = 'county'""", [a.townships])
        c.execute("""
            INSERT INTO core_region (code, name, parent_id, level, kind, urban_rural, prefix, active)
            SELECT substr(code, 1, 9) || lpad((200 + v)::text, 3, '0'), name || '村' || v, code, 'village', 'village', '220', substr(code, 1, 9) || lpad((200 + v)::text, 3, '0'), true
            FROM core_region, generate_series(1, %s) v WHERE level = 'township'""", [a.villages])
        # every NOT NULL column of the child table gets a neutral value; the ones that matter are set below
        c.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'registry_child' "
                  "AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id' ORDER BY ordinal_position")
        neutral = {"boolean": "false", "integer": "1", "bigint": "1", "smallint": "1", "date": "CURRENT_DATE",
                   "timestamp with time zone": "now() - interval '400 days'"}
        chosen = {"name": "'儿童' || r.code || '-' || k", "sex": "CASE WHEN k % 2 = 0 THEN 'M' ELSE 'F' END",
                  "birth_date": "DATE '2012-01-01' + (k % 3000)", "village_id": "r.code", "status": "'active'", "hukou_type": "'rural'"}
        cols = c.fetchall()
        values = [chosen.get(name, neutral.get(kind, "''")) for name, kind in cols]
        c.execute(f"INSERT INTO registry_child ({', '.join(name for name, _ in cols)}) SELECT {', '.join(values).replace('%', '%%')} "
                  "FROM core_region r, generate_series(1, %s) k WHERE r.level = 'village'", [a.per_village])
        today = timezone.localdate()
        for kind, months in (("contact", 1), ("home_visit", 3)):
            c.execute(f"""
                INSERT INTO visits_schedule (child_id, village_id, kind, interval_months, interval_days, interval_label, escalated,
                    reason, last_done_on, opens_on, due_on, state, profile, source, computed_at)
                SELECT id, village_id, %s, {months}, 0, '', false, '', NULL, %s::date - (id %% 40)::int, %s::date - (id %% 40)::int + 15, 'open', 'guangxi', '', now()
                FROM registry_child""", [kind, today, today])
        c.execute("""
            INSERT INTO policy_childclassification (child_id, "on", categories, pending, categories_text, left_behind, in_difficulty,
                single_parent, explanation, gaps, gap_count, profile_key, profile_version, facts_hash, computed_at)
            SELECT id, CURRENT_DATE, '[]', '[]', '', id % 3 = 0, id % 7 = 0, id % 11 = 0, '{}', '[]', CASE WHEN id % 13 = 0 THEN 1 ELSE 0 END,
                   'guangxi', 'bench', '', now() FROM registry_child""")
        c.execute("ANALYZE")


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def bare(sql, params):
    def run():
        with connection.cursor() as c:
            c.execute(sql, params)
            c.fetchall()
    return run


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cities", type=int, default=14)
    p.add_argument("--counties", type=int, default=8)
    p.add_argument("--townships", type=int, default=11)
    p.add_argument("--villages", type=int, default=12)
    p.add_argument("--per-village", type=int, default=67)
    p.add_argument("--runs", type=int, default=30)
    a = p.parse_args()
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…"
    call_command("migrate", interactive=False, verbosity=0)
    populate(a)
    from tonghu.accounts.models import User
    from tonghu.core.models import Region
    from tonghu.supervision import selectors, services
    from tonghu.visits import selectors as visit_selectors

    province = Region.objects.get(code=PROVINCE.ljust(12, "0"))
    county = Region.objects.filter(level="county").order_by("code").first()
    township = Region.objects.filter(level="township", parent=county).order_by("code").first()
    village = Region.objects.filter(level="village", parent=township).order_by("code").first()
    users = {}
    for role, region in (("province_staff", province), ("county_officer", county), ("supervisor", township), ("child_director", village)):
        users[role], _ = User.objects.get_or_create(username=f"bench-{role}", defaults={"role": role, "region": region})
    today = timezone.localdate()
    results = {}

    t = time.perf_counter()
    snap = services.snapshot_take(today=today)
    results["snapshot job, whole province (once)"] = ((time.perf_counter() - t) * 1000, None)
    snap_sql = [
        ("SELECT village_id, count(*) FILTER (WHERE status='active') FROM registry_child GROUP BY 1", []),
        ("SELECT c.village_id, count(*) FILTER (WHERE left_behind), count(*) FILTER (WHERE in_difficulty), count(*) FILTER (WHERE gap_count > 0) "
         "FROM policy_childclassification p JOIN registry_child c ON c.id = p.child_id WHERE c.status = 'active' GROUP BY 1", []),
        ("SELECT village_id, count(*) FILTER (WHERE kind='contact'), count(*) FILTER (WHERE kind='contact' AND due_on >= %s), "
         "count(*) FILTER (WHERE kind='home_visit'), count(*) FILTER (WHERE kind='home_visit' AND due_on >= %s) FROM visits_schedule GROUP BY 1", [today, today]),
    ]
    t = time.perf_counter()
    for sql, params in snap_sql:
        bare(sql, params)()
    results["— bare SQL aggregates per village (once)"] = ((time.perf_counter() - t) * 1000, None)

    def dash(user, region):
        return lambda: selectors.dashboard(user, region, today=today)

    # cold: a new connection, no plan or catalogue cache, DISCARD ALL
    connection.close()
    with connection.cursor() as c:
        c.execute("DISCARD ALL")
    t = time.perf_counter()
    selectors.dashboard(users["province_staff"], province, today=today)
    results["province dashboard, cold (new connection)"] = ((time.perf_counter() - t) * 1000, None)
    results["province dashboard, warm"] = timed(dash(users["province_staff"], province), a.runs)
    results["— bare SQL: the snapshot rows it reads"] = timed(bare(
        "SELECT region_id, counts FROM supervision_figuresnapshot WHERE (region_id IN (SELECT code FROM core_region WHERE parent_id = %s) "
        "AND month = %s) OR region_id = %s", [province.code, today.replace(day=1), province.code]), a.runs)
    results["county dashboard (live)"] = timed(dash(users["county_officer"], county), a.runs)
    lo, hi = county.prefix.ljust(12, "0"), county.prefix.ljust(12, "9")
    county_sql = [
        ("SELECT substr(village_id, 1, 9), count(*) FILTER (WHERE status='active') FROM registry_child WHERE village_id BETWEEN %s AND %s GROUP BY 1", [lo, hi]),
        ("SELECT substr(c.village_id, 1, 9), count(*) FILTER (WHERE left_behind), count(*) FILTER (WHERE in_difficulty), count(*) FILTER (WHERE gap_count > 0) "
         "FROM policy_childclassification p JOIN registry_child c ON c.id = p.child_id WHERE c.status = 'active' AND c.village_id BETWEEN %s AND %s GROUP BY 1", [lo, hi]),
        ("SELECT substr(village_id, 1, 9), count(*) FILTER (WHERE kind='contact'), count(*) FILTER (WHERE kind='contact' AND due_on >= %s), "
         "count(*) FILTER (WHERE kind='home_visit'), count(*) FILTER (WHERE kind='home_visit' AND due_on >= %s) FROM visits_schedule "
         "WHERE village_id BETWEEN %s AND %s GROUP BY 1", [today, today, lo, hi]),
    ]
    results["— bare SQL: the county's aggregates"] = timed(lambda: [bare(sql, params)() for sql, params in county_sql], a.runs)
    results["township dashboard (live)"] = timed(dash(users["supervisor"], township), a.runs)
    results["director's task list, page of 20"] = timed(lambda: list(visit_selectors.tasks_due(users["child_director"], today=today)[:20]), a.runs)
    results["county compliance table"] = timed(lambda: visit_selectors.compliance_rows(users["county_officer"], county, today=today), a.runs)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM registry_child")
        n_children = c.fetchone()[0]
        c.execute("SELECT level, count(*) FROM core_region GROUP BY 1 ORDER BY 2")
        levels = c.fetchall()
    print(f"children={n_children} regions={levels} snapshot={snap}")
    for name, (median, p95) in results.items():
        print(f"{name:45s} median {median:8.1f} ms" + (f"   p95 {p95:8.1f} ms" if p95 is not None else ""))
    print("uptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()

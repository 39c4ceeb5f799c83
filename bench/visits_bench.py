"""Benchmark of the visits app on PostgreSQL (docs/benchmarks.md, section "Visits").

    DATABASE_URL=postgres://…/tonghu_bench python bench/visits_bench.py [--children 100000] [--visits 1000000]

Fills a county of 10 townships × 100 villages with N children, their stored schedules and M visits (bulk SQL,
generate_series), then times — through the real selectors, in-process — the child director's task list
(``selectors.tasks_due`` for one village, first page of 20) and the county compliance page query
(``selectors.compliance_rows`` for the county), 200 / 30 runs each, and the bare SQL of the same rows.
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

COUNTY = "451027"


def populate(children: int, visits: int) -> None:
    from tonghu.accounts.models import User
    from tonghu.core.models import Region

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM registry_child")
        if c.fetchone()[0] >= children:
            return
    print("populating…", flush=True)
    Region.objects.get_or_create(code="450000000000", defaults={"name": "广西", "level": "province"})
    Region.objects.get_or_create(code="451000000000", defaults={"name": "百色", "level": "city", "parent_id": "450000000000"})
    Region.objects.get_or_create(code=f"{COUNTY}000000", defaults={"name": "凌云县", "level": "county", "parent_id": "451000000000"})
    for t in range(1, 11):
        tcode = f"{COUNTY}{t:03d}000"
        Region.objects.get_or_create(code=tcode, defaults={"name": f"镇{t}", "level": "township", "parent_id": f"{COUNTY}000000"})
        for v in range(200, 300):
            Region.objects.get_or_create(code=f"{COUNTY}{t:03d}{v:03d}", defaults={"name": f"村{t}-{v}", "level": "village", "parent_id": tcode})
    User.objects.get_or_create(username="bench-director", defaults={"role": "child_director", "region_id": f"{COUNTY}001200"})
    User.objects.get_or_create(username="bench-county", defaults={"role": "county_officer", "region_id": f"{COUNTY}000000"})
    today = timezone.localdate()
    import datetime as dt

    from tonghu.registry.models import Child

    batch = []
    for g in range(1, children + 1):
        village = f"{COUNTY}{(g % 10) + 1:03d}{200 + (g // 10) % 100:03d}"
        batch.append(Child(name=f"儿童{g}", sex="MF"[g % 2], birth_date=dt.date(2012, 1, 1) + dt.timedelta(days=g % 3000), village_id=village))
        if len(batch) == 5000:
            Child.objects.bulk_create(batch)
            batch = []
    Child.objects.bulk_create(batch)
    with connection.cursor() as c:
        c.execute("""
            INSERT INTO visits_visit (child_id, kind, method, contacted_person, date, late_entry, recorded_at, people_met,
                living_conditions, guardianship, caregiver_performance, schooling, health, psychology, home_hazards, measures,
                notes, harm_found, harm_situation, harm_description, immediate_danger, report_status, report_ref)
            SELECT ch.id, CASE WHEN g %% 3 = 0 THEN 'home_visit' ELSE 'contact' END, 'phone', '祖母',
                   %s::date - ((g * 37) %% 365), false, now(), '', '', '', '', '', '', '', '', '', '', false, '', '', false, '', ''
            FROM generate_series(1, %s) g JOIN registry_child ch ON ch.id = (SELECT min(id) FROM registry_child) + (g %% %s)""",
                  [today, visits, children])
        # the stored schedule: what schedule_refresh writes, computed in bulk for the benchmark
        for kind, months in (("contact", 1), ("home_visit", 3)):
            c.execute(f"""
                INSERT INTO visits_schedule (child_id, village_id, kind, interval_months, interval_days, interval_label, escalated,
                    reason, last_done_on, opens_on, due_on, state, profile, source, computed_at)
                SELECT ch.id, ch.village_id, %s, {months}, 0, '', false, '', v.last,
                       coalesce(v.last, DATE '2024-01-01') + interval '{months} months' - interval '15 days',
                       coalesce(v.last, DATE '2024-01-01') + interval '{months} months',
                       'open', 'guangxi', '', now()
                FROM registry_child ch LEFT JOIN (SELECT child_id, max(date) AS last FROM visits_visit
                     {"WHERE kind = 'home_visit'" if kind == "home_visit" else ""} GROUP BY child_id) v ON v.child_id = ch.id""", [kind])
        c.execute("ANALYZE")


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--children", type=int, default=100_000)
    p.add_argument("--visits", type=int, default=1_000_000)
    a = p.parse_args()
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…"
    call_command("migrate", interactive=False, verbosity=0)
    populate(a.children, a.visits)
    from tonghu.accounts.models import User
    from tonghu.visits import selectors

    director = User.objects.select_related("region").get(username="bench-director")
    county = User.objects.select_related("region").get(username="bench-county")
    today = timezone.localdate()

    def tasks():
        return list(selectors.tasks_due(director, today=today)[:20])

    def compliance():
        return selectors.compliance_rows(county, county.region, today=today)

    lo, hi = f"{COUNTY}001200", f"{COUNTY}001200"
    tasks_sql = ("SELECT s.id, s.kind, s.due_on, c.name, r.name FROM visits_schedule s JOIN registry_child c ON c.id = s.child_id "
                 "JOIN core_region r ON r.code = s.village_id WHERE s.village_id BETWEEN %s AND %s AND s.due_on <= %s "
                 "ORDER BY s.due_on, s.kind, s.child_id LIMIT 20")
    comp_sql = ("SELECT substring(village_id, 1, 9) u, count(*) FILTER (WHERE kind='contact'), count(*) FILTER (WHERE kind='contact' AND due_on >= %s), "
                "count(*) FILTER (WHERE kind='home_visit'), count(*) FILTER (WHERE kind='home_visit' AND due_on >= %s) "
                "FROM visits_schedule WHERE village_id BETWEEN %s AND %s GROUP BY 1 ORDER BY 1")

    def bare(sql, params):
        def run():
            with connection.cursor() as c:
                c.execute(sql, params)
                c.fetchall()
        return run

    import datetime as dt

    results = {
        "task list (ORM, page of 20)": timed(tasks, 200),
        "task list (bare SQL)": timed(bare(tasks_sql, [lo, hi, today + dt.timedelta(days=7)]), 200),
        "county compliance (ORM)": timed(compliance, 30),
        "county compliance (bare SQL)": timed(bare(comp_sql, [today, today, f"{COUNTY}000000", f"{COUNTY}999999"]), 30),
    }
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM registry_child")
        n_children = c.fetchone()[0]
        c.execute("SELECT count(*) FROM visits_visit")
        n_visits = c.fetchone()[0]
        c.execute("SELECT count(*) FROM visits_schedule")
        n_sched = c.fetchone()[0]
    print(f"children={n_children} visits={n_visits} schedule rows={n_sched}")
    for name, (median, p95) in results.items():
        print(f"{name:32s} median {median:7.2f} ms   p95 {p95:7.2f} ms")


if __name__ == "__main__":
    main()

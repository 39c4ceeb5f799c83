#!/usr/bin/env python
"""Registry benchmark (issue 3, item 12): import a generated N-row ledger and time the child list page.

    .venv/bin/python bench/registry_bench.py --rows 100000 --db sqlite
    .venv/bin/python bench/registry_bench.py --rows 100000 --db postgres   # DATABASE_URL or the default below

What it does, in a database of its own (SQLite: a fresh file under --workdir; PostgreSQL: DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/tonghu_bench, created with ``createdb`` and migrated here, then emptied of
children before the run):

1. loads the demo region tree (凌云县, 9 townships), creates a county officer;
2. writes an N-row ledger .xlsx in the template's layout (two-row headers, real-shaped values, valid ID numbers,
   parents with phones, assistance, care) — not timed;
3. imports it with full validation through ``ledger_import`` (the code path of the job and the command) and
   reports rows/s for the whole import and for each pass, and peak RSS (``resource.getrusage``);
4. times the two bare operations on the same data in the same run (issue 10, item 16): reading the sheet raw
   with calamine (every cell into Python tuples, nothing else), and writing the rows the import wrote again into
   the same tables with their indexes and constraints (PostgreSQL: ``COPY … FROM STDIN``; SQLite: ``executemany``);
5. requests the child list page 200 times as the county officer with Django's test client (pages 1–20,
   a name search, a pinyin-initials search, a village filter) and reports p50/p95/max.

Results are printed and written as JSON (``--json``). Reported in docs/benchmarks.md ("Registry").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workdir", default=None, help="where the SQLite file, media and the ledger go (default: a temp dir)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", default=None, help="write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--list-only", action="store_true", help="skip the import; time the list page on the children already there")
    parser.add_argument("--profile", default=None, help="profile the importing process with cProfile and write the stats to this file")
    parser.add_argument("--child", action="store_true", help="import in a child process, as the job does for big files (docs/benchmarks.md: memory)")
    return parser.parse_args()


def setup_django(args, workdir: Path):
    os.environ["TONGHU_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tonghu.settings"
    # The production backend: jobs are queued in the database and run by the job worker. The classification and
    # visit schedules of the imported children (core.events.facts_changed: more than 200 ids go to the job
    # ``core.facts_changed``) are therefore queued by the import and not part of its time, as in production; with
    # the immediate backend the bench would time the recomputation of 100,000 children's classification as well.
    os.environ.setdefault("TONGHU_TASK_BACKEND", "django_tasks_db.DatabaseBackend")
    if args.db == "postgres":
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tonghu_bench")
        from urllib.parse import urlsplit

        url = urlsplit(os.environ["DATABASE_URL"])  # create the database the URL names, if it is not there yet
        subprocess.run(["createdb", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
                        url.path.lstrip("/")], capture_output=True)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["TONGHU_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_world():
    from tonghu.accounts.models import User
    from tonghu.core.demo.regions import demo_region_rows, write_csv
    from tonghu.core.models import Region
    from tonghu.core.services import regions_import

    if not Region.objects.filter(code="451027000000").exists():
        path = Path(tempfile.mkstemp(suffix=".csv")[1])
        write_csv(path, demo_region_rows())
        report = regions_import(path.read_bytes(), actor="bench")
        assert not report.errors, report.errors[:3]
    user, _created = User.objects.get_or_create(username="bench-officer", defaults={"role": "county_officer", "region_id": "451027000000", "full_name": "基准测试"})
    return user, Region.objects.get(code="451027000000")


def write_ledger(path: Path, rows: int, region) -> None:
    """A real-shaped ledger: every column group of the template, values as counties type them."""
    from openpyxl import Workbook

    from tonghu.core.demo import names
    from tonghu.core.models import Region
    from tonghu.core.reference.idnumber import make_id_number
    from tonghu.registry.ledger.columns import COLUMNS

    rng = random.Random(20261122)
    villages = list(Region.objects.filter(level="village", code__startswith=region.prefix).select_related("parent").values_list("name", "parent__name"))
    columns = [c for c in COLUMNS if c.imported and not c.sensitive and c.key != "file_no"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["2026 年农村留守儿童和困境儿童个人信息台账"])
    groups, previous = [], None
    for c in columns:
        groups.append((c.group if c.group != previous else None) if c.group else c.header)
        previous = c.group
    ws.append(groups)
    ws.append([c.header if c.group else None for c in columns])
    used = set()
    start = dt.date(2009, 1, 1)
    for n in range(rows):
        sex = rng.choice("MF")
        while True:
            birth = start + dt.timedelta(days=rng.randrange(0, 365 * 16))
            seq = rng.randrange(1 if sex == "M" else 2, 1000, 2)
            if (birth, seq) not in used:
                used.add((birth, seq))
                break
        surname = names.han_surname(rng)
        child_name = surname + names.han_given_name(rng, sex)
        village, township = villages[n % len(villages)]
        left_behind = rng.random() < 0.7
        values = {
            "seq": n + 1, "name": child_name, "sex": "男" if sex == "M" else "女", "ethnicity": rng.choice(["汉族", "壮族", "瑶族", "汉"]),
            "birth_date": rng.choice([f"{birth:%Y年%m月}", f"{birth:%Y-%m-%d}", f"{birth:%Y.%m}"]),
            "id_number": make_id_number("451027", birth, sex, seq), "address": f"{township}{village}{rng.randrange(1, 12)}组",
            "township": township, "village": village, "hukou": "农村户籍", "category": "农村留守儿童" if left_behind else "困境儿童",
            "difficulty_type": "" if left_behind else rng.choice(["重病", "残疾", "事实无人抚养"]), "single_parent": rng.choice(["否", "否", "否", "单亲母亲家庭"]),
            "schooling": rng.choice(["凌云县第一小学 三年级", "泗城镇中心小学 五年级", "学龄前", "凌云县中学 初二"]), "boarding": rng.choice(["寄宿生", "非寄宿生"]),
            "guardianship": "祖父母监护" if left_behind else "父母监护", "health": rng.choice(["健康", "健康", "健康", "一般或较弱", "慢性病（哮喘）", "残疾（肢体二级）"]),
            "psychology": rng.choice(["良好", "内向", ""]), "assist_dibao": rng.choice([None, None, 300, "350元/月"]), "assist_orphan": None,
            "father_name": surname + names.han_given_name(rng, "M", adult=True), "father_phone": f"139{rng.randrange(10**7, 10**8)}",
            "mother_name": names.han_surname(rng) + names.han_given_name(rng, "F", adult=True), "mother_phone": f"138{rng.randrange(10**7, 10**8)}",
            "guardian_health": "健康", "guardian_occupation": rng.choice(["外出务工", "务农"]), "income_per_head": rng.choice([3600, 4800, 6000]),
            "family_dibao": rng.choice([None, None, 500]), "social_support": "",
            "caregiver_type": "祖父母、外祖父母" if left_behind else "", "entrust_reason": "父母双方同时外出" if left_behind else "",
            "care_quality": rng.choice(["较好", "一般"]) if left_behind else "", "partner_name": "", "director_name": "黄主任", "director_phone": "13907761234",
        }
        ws.append([values.get(c.key) for c in columns])
    ws.append(["说明：本表涉及个人信息，要妥善管理，严禁泄露。"])
    wb.save(path)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ``ru_maxrss``, not inherited from the parent of a
    spawned process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (same machine: /proc), or None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_now() -> tuple[float, float, float | None]:
    """(wall, CPU of this process and its children so far, CPU of the PostgreSQL backend so far)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime, server_cpu()


def since(start: tuple) -> dict:
    wall, cpu, server = cpu_now()
    out = {"seconds": round(wall - start[0], 2), "cpu_seconds": round(cpu - start[1], 2)}
    if server is not None and start[2] is not None:
        out["db_server_cpu_seconds"] = round(server - start[2], 2)
    return out


def raw_read(path: Path) -> dict:
    """The bare read: the ledger sheet into Python tuples with calamine, nothing else."""
    from python_calamine import CalamineWorkbook

    start = cpu_now()
    wb = CalamineWorkbook.from_path(str(path))
    name = next((n for n in wb.sheet_names if "台账" in n), wb.sheet_names[0])
    rows = [tuple(r) for r in wb.get_sheet_by_name(name).iter_rows()]
    out = since(start)
    out["rows"] = len(rows)
    return out


IMPORT_TABLES = ("registry_household", "registry_child", "registry_guardian", "registry_carearrangement", "registry_assistance", "registry_statuschange")


def bare_write(*, fk_triggers: bool = True) -> dict:
    """The bare write: the rows the import wrote, read out, deleted, and written again into the same tables (same
    indexes, same constraints) in one transaction: PostgreSQL ``COPY … FROM STDIN``, SQLite ``executemany``.
    ``fk_triggers=False`` (PostgreSQL): the same ``COPY`` with ``session_replication_role = replica``, i.e. without
    PostgreSQL's per-row foreign-key trigger queries (what the import does when it may, see ledger/bulk.py): the
    rest is parsing the rows, writing the heap and maintaining the indexes."""
    from django.db import connection, transaction

    dumps, rows = {}, 0
    with connection.cursor() as cur:
        for table in IMPORT_TABLES:
            if connection.vendor == "postgresql":
                buf = bytearray()
                with cur.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    for block in copy:
                        buf += block
                dumps[table] = bytes(buf)
                cur.execute(f"SELECT count(*) FROM {table}")
            else:
                cur.execute(f"SELECT * FROM {table}")
                dumps[table] = ([c[0] for c in cur.description], cur.fetchall())
                cur.execute(f"SELECT count(*) FROM {table}")
            rows += cur.fetchone()[0]
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {', '.join(IMPORT_TABLES)} CASCADE")  # the other tables that point at children are empty here
        else:
            for table in reversed(IMPORT_TABLES):
                cur.execute(f"DELETE FROM {table}")
    start = cpu_now()
    with transaction.atomic(), connection.cursor() as cur:
        if not fk_triggers:
            cur.execute("SET LOCAL session_replication_role = replica")
        for table in IMPORT_TABLES:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    data = dumps[table]
                    for i in range(0, len(data), 1 << 20):
                        copy.write(data[i:i + (1 << 20)])
            else:
                columns, values = dumps[table]
                cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", values)
    out = since(start)
    out["database_rows"] = rows
    return out


def _import_for_bench(*, path: str, user_id: int, region_code: str):
    """The import as the job runs it for a big file: in a child process (``--child``)."""
    from tonghu.accounts.models import User
    from tonghu.core.models import Region
    from tonghu.registry.ledger.importer import ledger_import

    report = ledger_import(actor=User.objects.get(pk=user_id), region=Region.objects.get(code=region_code), path=path, file_name=Path(path).name)
    return report.summary(), round(peak_rss_mb(), 1), round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def run_import_in_child(path: Path, user, region) -> dict:
    from tonghu.core.childprocess import run_in_child_process

    start = cpu_now()
    summary, child_peak, validators_peak = run_in_child_process(_import_for_bench, path=str(path), user_id=user.pk, region_code=region.code)
    out = since(start)
    assert summary["written"] and not summary["errors"], summary
    out.update(rows=summary["rows"], rows_per_s=round(summary["rows"] / out["seconds"]), child_peak_rss_mb=child_peak,
               validators_peak_rss_mb=validators_peak, parent_rss_after_mb=round(current_rss_mb(), 1), parent_peak_rss_mb=round(peak_rss_mb(), 1),
               load_avg_1min=round(os.getloadavg()[0], 1))
    return out


def run_import(path: Path, user, region) -> dict:
    from tonghu.registry.ledger.importer import ledger_import

    marks = {}

    def progress(done, total=None, message=None, force=False):
        if message and message.startswith("正在写入") and "write" not in marks:
            marks["write"] = time.perf_counter()

    rss_before = peak_rss_mb()
    server0 = server_cpu()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0 = time.process_time()
    t0 = time.perf_counter()
    report = ledger_import(actor=user, region=region, path=path, progress=progress, file_name=path.name)
    t1 = time.perf_counter()
    cpu = time.process_time() - c0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = server_cpu() - server0 if server0 is not None else None
    workers_cpu = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    assert report.written and not report.errors, report.errors[:5]
    validate_s = marks.get("write", t1) - t0
    return {
        "rows": report.rows, "created": report.created, "seconds": round(t1 - t0, 2), "rows_per_s": round(report.rows / (t1 - t0)),
        "validate_seconds": round(validate_s, 2), "validate_rows_per_s": round(report.rows / validate_s),
        "write_seconds": round(t1 - t0 - validate_s, 2), "cpu_seconds": round(cpu, 2), "rows_per_cpu_s": round(report.rows / cpu),
        "validator_cpu_seconds": round(workers_cpu, 2), "validator_sys_seconds": round(children1.ru_stime - children0.ru_stime, 2),
        "db_server_cpu_seconds": round(server, 2) if server is not None else None,
        "load_avg_1min": round(os.getloadavg()[0], 1), "peak_rss_mb": round(peak_rss_mb(), 1), "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(current_rss_mb(), 1), "validators_peak_rss_mb": round(children1.ru_maxrss / 1024, 1),
    }


def run_list(user, requests: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from tonghu.core.models import Region

    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    url = reverse("child_list")
    village = Region.objects.filter(level="village", code__startswith="451027").order_by("code").values_list("code", flat=True)[3]
    queries = [f"?page={p}" for p in range(1, 21)] + ["?q=黄", "?q=hz", "?q=huang", f"?village={village}", ""]
    client.get(url)  # warm up
    times = []
    by_kind: dict[str, list[float]] = {}
    for i in range(requests):
        q = queries[i % len(queries)]
        t0 = time.perf_counter()
        response = client.get(url + q)
        ms = (time.perf_counter() - t0) * 1000
        times.append(ms)
        kind = "page" if q.startswith("?page") or not q else q.split("=")[0].lstrip("?") + ("=" + q.split("=")[1] if q.startswith("?q") else "")
        by_kind.setdefault(kind, []).append(ms)
        assert response.status_code == 200, (q, response.status_code)
    times.sort()
    return {"requests": requests, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * len(times)) - 1], 1), "max_ms": round(times[-1], 1),
            "median_by_query_ms": {k: round(statistics.median(v), 1) for k, v in by_kind.items()}}


def main():
    args = parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tonghu-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    setup_django(args, workdir)
    from django.db import connection

    from tonghu.registry.models import Child

    user, region = load_world()
    if args.list_only:
        figures = {"db": connection.vendor, "children_in_db": Child.objects.count(), "list": run_list(user, args.requests)}
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    if Child.objects.exists():
        print("emptying the children of a previous run…", flush=True)
        tables = ("registry_statuschange", "registry_assistance", "registry_carearrangement", "registry_guardian", "registry_child", "registry_household")
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":  # DELETE would leave the dead rows of the last run for the list timings
                cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                for table in tables:
                    cur.execute(f"DELETE FROM {table}")
    ledger = workdir / f"ledger-{args.rows}.xlsx"
    if not ledger.exists():
        t0 = time.perf_counter()
        write_ledger(ledger, args.rows, region)
        print(f"ledger written: {ledger} ({ledger.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - t0:.0f} s)", flush=True)
    figures = {"db": connection.vendor, "rows": args.rows, "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}", "file_mb": round(ledger.stat().st_size / 1e6, 1)}
    figures["load_avg_before"] = [round(x, 1) for x in os.getloadavg()]
    figures["raw_read"] = raw_read(ledger)
    print("raw read:", json.dumps(figures["raw_read"]), flush=True)
    if args.child:
        figures["import"] = run_import_in_child(ledger, user, region)
    elif args.profile:
        import cProfile

        profiler = cProfile.Profile()
        figures["import"] = profiler.runcall(run_import, ledger, user, region)
        profiler.dump_stats(args.profile)
    else:
        figures["import"] = run_import(ledger, user, region)
    print(json.dumps(figures["import"], ensure_ascii=False), flush=True)
    figures["bare_write"] = bare_write()
    print("bare write:", json.dumps(figures["bare_write"]), flush=True)
    if args.db == "postgres":
        figures["bare_write_no_fk_triggers"] = bare_write(fk_triggers=False)
        print("bare write without per-row FK triggers:", json.dumps(figures["bare_write_no_fk_triggers"]), flush=True)
    if args.db == "postgres":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    figures["children_in_db"] = Child.objects.count()
    figures["list"] = run_list(user, args.requests)
    print(json.dumps(figures["list"], ensure_ascii=False), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if not args.keep and not args.workdir:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark of the offline app (issue 16 item 5; docs/benchmarks.md, section "Offline app").

    python bench/offline_bench.py [--children 200] [--visits 50] [--photo-kb 120]

On a fresh SQLite database in a temporary folder: a village of N children (two guardians each, a contact and a
home-visit task, one open problem in five), a child director. Measures, through the real views in-process:
- what the first load transfers: the app page, its service worker, manifest and the precached static files, and the
  village's data (``/offline/bundle/``) — raw and gzip-compressed (what a web server sends with compression on);
- a sync of M queued home visits, each with one photo of ``--photo-kb`` KB (what the phone sends after compressing),
  sent in requests of 5 as the app does, beside the bare operation: inserting the same M visits with one SQL INSERT
  each in one transaction; and the same sync sent again (all duplicates: nothing recorded twice).
Prints the machine's load. The transfer time on a slow link is computed from the sizes (slow 3G: 400 kbit/s).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gzip
import json
import os
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ["TONGHU_DATA_DIR"] = tempfile.mkdtemp(prefix="tonghu-offline-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonghu.settings")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

VILLAGE = "451027001200"
SLOW_3G_BYTES_PER_S = 400_000 / 8


def populate(n: int):
    from tonghu.accounts.models import User
    from tonghu.accounts.roles import Role
    from tonghu.core.models import Region
    from tonghu.registry.models import Child, Guardian
    from tonghu.visits.models import Problem, Schedule

    for code, name, level in (("450000000000", "广西壮族自治区", "province"), ("451000000000", "百色市", "city"),
                              ("451027000000", "凌云县", "county"), ("451027001000", "泗城镇", "township"),
                              (VILLAGE, "青山村", "village")):
        Region.objects.create(code=code, name=name, level=level, parent_id=None if level == "province" else None)
    for r in Region.objects.all():
        from tonghu.core.regions import parent_code

        r.parent_id = parent_code(r.code)
        r.save()
    village = Region.objects.get(code=VILLAGE)
    user = User.objects.create_user(username="zhuren", password="x", role=Role.CHILD_DIRECTOR, region=village, full_name="韦主任")
    today = timezone.localdate()
    surnames = "王李张刘陈杨黄赵吴周韦罗蒙覃陆"
    given = "小丽明红军华芳伟强敏静燕斌磊"
    children = Child.objects.bulk_create([
        Child(name=f"{surnames[i % 15]}{given[(i * 7) % 14]}{given[(i * 3) % 14]}", sex="MF"[i % 2],
              birth_date=dt.date(2010 + i % 8, 1 + i % 12, 1 + i % 27), village=village, address=f"青山村{1 + i % 9}组{i}号")
        for i in range(n)])
    Guardian.objects.bulk_create([Guardian(child=c, role=role, name=f"{c.name[0]}{'大山' if role == 'father' else '美'}",
                                           phone=f"139{c.pk:08d}"[:11]) for c in children for role in ("father", "mother")])
    Schedule.objects.bulk_create([Schedule(child=c, village=village, kind=kind, interval_months=1 if kind == "contact" else 3,
                                           interval_label="每月联系" if kind == "contact" else "每季度走访",
                                           opens_on=today - dt.timedelta(days=20), due_on=today + dt.timedelta(days=i % 30),
                                           state="due") for i, c in enumerate(children) for kind in ("contact", "home_visit")])
    Problem.objects.bulk_create([Problem(child=c, category="schooling", description="作业无人辅导，需联系学校", due_on=today + dt.timedelta(days=30))
                                 for c in children[::5]])
    return user, children


def sizes(client) -> dict:
    from tonghu.sync.views import SHELL_ASSETS

    out = {}
    for name, url in (("app page", "/offline/"), ("service worker", "/offline/sw.js"), ("manifest", "/offline/manifest.webmanifest")):
        out[name] = client.get(url).content
    for asset in SHELL_ASSETS:
        with open(finders.find(asset), "rb") as f:
            out[asset] = f.read()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--visits", type=int, default=50)
    parser.add_argument("--photo-kb", type=int, default=120)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    user, children = populate(args.children)
    client = Client()
    client.force_login(user)
    print(f"load average: {os.getloadavg()}")

    shell = sizes(client)
    shell_raw = sum(len(v) for v in shell.values())
    shell_gz = sum(len(gzip.compress(v)) for v in shell.values())
    t0 = time.perf_counter()
    bundle = client.get("/offline/bundle/").content
    bundle_s = time.perf_counter() - t0
    bundle_gz = len(gzip.compress(bundle))
    print(f"first load: shell {shell_raw / 1024:.0f} KB raw, {shell_gz / 1024:.0f} KB gzip "
          f"(largest: bootstrap.min.css {len(shell['bootstrap/css/bootstrap.min.css']) / 1024:.0f} KB)")
    print(f"village data for {args.children} children: {len(bundle) / 1024:.0f} KB raw, {bundle_gz / 1024:.1f} KB gzip, built in {bundle_s * 1000:.0f} ms")
    total_gz = shell_gz + bundle_gz
    print(f"first load total {total_gz / 1024:.0f} KB compressed (goal < 500 KB) → {total_gz / SLOW_3G_BYTES_PER_S:.1f} s on slow 3G")

    photo = base64.b64encode(os.urandom(args.photo_kb * 1024)).decode()
    today = timezone.localdate().isoformat()
    items = [{"uuid": str(uuid.uuid4()), "kind": "home_visit", "child": children[i % len(children)].pk, "data": {
        "date": today, "people_met": "祖母、儿童本人", "living_conditions": "砖房整洁", "guardianship": "祖母照料",
        "schooling": "在读", "health": "良好", "psychology": "开朗", "photos": [{"name": "p.jpg", "type": "image/jpeg", "data": photo}]}}
        for i in range(args.visits)]
    sent = 0
    t0 = time.perf_counter()
    for i in range(0, len(items), 5):
        body = json.dumps({"items": items[i:i + 5]})
        sent += len(body)
        r = client.post("/offline/push/", data=body, content_type="application/json")
        assert all(x["status"] == "accepted" for x in r.json()["results"]), r.content[:300]
    sync_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, len(items), 5):
        r = client.post("/offline/push/", data=json.dumps({"items": items[i:i + 5]}), content_type="application/json")
        assert all(x["status"] == "duplicate" for x in r.json()["results"])
    again_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        for i in range(args.visits):
            c.execute("INSERT INTO visits_visit (child_id, kind, method, contacted_person, date, late_entry, recorded_at, people_met,"
                      " living_conditions, guardianship, caregiver_performance, schooling, health, psychology, home_hazards, measures,"
                      " notes, harm_found, harm_situation, harm_description, immediate_danger, report_status, report_ref)"
                      " VALUES (%s, 'home_visit', 'in_person', '', %s, 0, %s, '祖母', '砖房整洁', '祖母照料', '', '在读', '良好', '开朗',"
                      " '', '', '', 0, '', '', 0, '', '')", [children[i % len(children)].pk, today, timezone.now()])
    bare_s = time.perf_counter() - t0
    print(f"sync of {args.visits} home visits with a {args.photo_kb} KB photo each: {sent / 1024 / 1024:.1f} MB sent in "
          f"{sync_s:.2f} s ({sync_s / args.visits * 1000:.0f} ms a visit; bare SQL insert of the same rows {bare_s * 1000:.0f} ms, "
          f"{sync_s / bare_s:.0f}×); on slow 3G the upload alone takes {sent / SLOW_3G_BYTES_PER_S / 60:.1f} min")
    print(f"the same sync again (all duplicates, nothing recorded): {again_s:.2f} s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

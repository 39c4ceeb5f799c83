"""Run as a separate process by ``test_jobs_sqlite.py`` (issue 10, item 4): a county ledger export as a job on a
file-based SQLite database (WAL, as deployed) while a user edits a file in another connection.

    python -m tonghu.registry.tests.scenarios.export_while_editing DB_FILE DATA_DIR N_CHILDREN

``DB_FILE`` already holds the migrated schema (the test copies its test database). Prints one JSON line: the job's
status, message, ``done``, the number of data rows in the exported file and the edited child's school.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
import threading


def main(db_file: str, data_dir: str, n: int) -> dict:
    os.environ["TONGHU_SQLITE_PATH"] = db_file
    os.environ["TONGHU_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tonghu.settings"
    import django

    django.setup()
    from django.db import connection

    from conftest import WORLD_REGIONS
    from tonghu.accounts.models import User
    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job, Region
    from tonghu.core.regions import parent_code
    from tonghu.registry import services
    from tonghu.registry.ledger import exporter
    from tonghu.registry.ledger.importer import ledger_import
    from tonghu.registry.models import Child

    for code, name, level, kind, urban_rural in WORLD_REGIONS:
        Region(code=code, name=name, level=level, kind=kind, urban_rural=urban_rural, parent_id=parent_code(code)).save()
    county = Region.objects.get(code="451027000000")
    officer = User.objects.create_user(username="officer", password="x", role="county_officer", region=county, full_name="县民政干部")
    director = User.objects.create_user(username="director", password="x", role="child_director", region_id="451027001200", full_name="村儿童主任")

    path = os.path.join(data_dir, "ledger.csv")
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["序号", "姓名", "性别", "出生年月", "村（社区）"])
        for i in range(n):
            birth = dt.date(2009, 1, 1) + dt.timedelta(days=i * 5 % 5800 + i // 1160)
            out.writerow([i + 1, ("韦", "黄", "李", "覃")[i % 4] + ("小燕", "明", "华", "强", "芳")[i % 5], "男女"[i % 2], f"{birth:%Y-%m-%d}", ("青山村", "白石村", "城东社区")[i % 3]])
    report = ledger_import(actor=officer, region=county, path=path, file_name="ledger.csv", confirm_similar=True)
    assert report.written and report.created == n, (report.created, [e.as_dict() for e in report.errors[:3]])
    edited = Child.objects.filter(village_id="451027001200").order_by("pk").first()

    def edit():  # the village director saves a change to a file: a write in its own connection
        try:
            child = Child.objects.get(pk=edited.pk)
            services.child_update(actor=director, child=child, data={"school": "青山村小学"}, expected_version=child.version)
        finally:
            connection.close()

    real_cells_of, calls = exporter.cells_of, [0]

    def cells_of(*args, **kwargs):  # half-way to the first progress update the export has begun reading
        calls[0] += 1
        if calls[0] == 500:
            editor = threading.Thread(target=edit)
            editor.start()
            editor.join()
        return real_cells_of(*args, **kwargs)

    exporter.cells_of = cells_of
    job = Job.objects.create(kind="ledger_export", label="导出台账", created_by=officer, region=county, params={"region": county.code, "format": "csv", "estimate": n})
    job = execute_job(str(job.pk))
    rows = 0
    if job.output_file:
        with job.output_file.open("rb") as fh:
            rows = sum(1 for line in csv.reader(io.TextIOWrapper(fh, encoding="utf-8-sig")) if line and line[0].isdigit())
    return {"status": job.status, "message": job.message, "done": job.done, "rows": rows, "edit_calls": calls[0],
            "school": Child.objects.get(pk=edited.pk).school}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3])), ensure_ascii=False))

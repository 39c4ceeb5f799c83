"""``tonghu link`` on two files (issue 12 item 6; docs/discovery-format.md)."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from tonghu.discovery.tests.helpers import roster_csv


def test_link_two_files_with_chinese_headers_writes_one_row_per_roster_record(tmp_path):
    registry = roster_csv(tmp_path / "reg.csv", ["编号", "姓名", "性别", "出生日期", "区划代码"], [
        ["c1", "张伟", "男", "2015-03-08", "451027001200"], ["c2", "李娜", "女", "2014-01-05", "451027001200"]])
    roster = roster_csv(tmp_path / "ros.csv", ["id", "name", "sex", "birth_date", "id_number", "region_code"], [
        ["r1", "張偉", "M", "2015.8.3", "", "451027001200"], ["r2", "王芳", "F", "20160409", "", "451027001201"]], encoding="gb18030")
    out = tmp_path / "m.csv"
    call_command("link", str(roster), str(registry), "--out", str(out))
    with open(out, encoding="utf-8") as fh:
        rows = {r["roster_id"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {"r1", "r2"}
    assert (rows["r1"]["registry_id"], rows["r1"]["decision"]) == ("c1", "match")
    assert "出生日期月、日颠倒" in rows["r1"]["reasons"] and "transposed" in rows["r1"]["reasons"]
    assert (rows["r2"]["registry_id"], rows["r2"]["decision"]) == ("", "new")


def test_a_file_without_id_or_name_is_refused(tmp_path):
    bad = roster_csv(tmp_path / "bad.csv", ["姓名"], [["张伟"]])
    with pytest.raises(CommandError, match="缺少列 id"):
        call_command("link", str(bad), str(bad), "--out", str(tmp_path / "m.csv"))

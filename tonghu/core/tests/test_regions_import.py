"""Region import (issue 2 §3): all-or-nothing, row-numbered errors in Chinese, update in place."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tonghu.core.models import Region
from tonghu.core.services import regions_import

GOOD = """code,name,parent_code,level,kind,urban_rural
450000000000,广西壮族自治区,,province,,
451000000000,百色市,450000000000,city,,
451027000000,凌云县,451000000000,county,,
451027001000,云台街道,451027000000,township,,
451027001001,云台社区,451027001000,village,community,111
451027001200,东岭村,451027001000,village,village,220
"""


@pytest.mark.django_db
def test_good_file_loads_tree_with_prefixes():
    report = regions_import(GOOD, actor="test")
    assert report.ok and report.created == 6
    village = Region.objects.get(code="451027001200")
    assert village.parent_id == "451027001000" and village.kind == "village" and village.is_rural
    assert Region.objects.get(code="451027000000").prefix == "451027"
    assert [r.name for r in village.ancestors()] == ["广西壮族自治区", "百色市", "凌云县", "云台街道"]


@pytest.mark.django_db
def test_reimport_updates_names_and_counts_unchanged():
    regions_import(GOOD, actor="test")
    report = regions_import(GOOD.replace("东岭村", "东岭新村"), actor="test")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    assert Region.objects.get(code="451027001200").name == "东岭新村"


@pytest.mark.django_db
def test_bad_rows_are_reported_and_nothing_is_written():
    bad = GOOD + "\n".join([
        "45102700120,短代码村,451027001000,village,village,220",          # row 8: 11 digits
        "451027001201,,451027001000,village,village,220",                  # row 9: no name
        "451027001202,错上级村,451027002000,village,village,220",          # row 10: parent not the prefix
        "451027001203,错类型村,451027001000,village,hamlet,220",           # row 11: bad kind
        "451027001204,错分类村,451027001000,village,village,999",          # row 12: bad urban/rural
        "451027009000,孤儿镇,,township,,",                                  # row 13: ok (parent inferred)
        "451028001200,无上级村,,village,village,220",                      # row 14: parent missing
        "451027001200,重复村,451027001000,village,village,220",            # row 15: duplicate code
    ]) + "\n"
    report = regions_import(bad, actor="test")
    assert not report.ok
    by_row = {(e.row, e.column): e.message for e in report.errors}
    assert "12 位数字" in by_row[(8, "code")]
    assert "名称不能为空" in by_row[(9, "name")]
    assert "451027001000" in by_row[(10, "parent_code")]
    assert "village（村）或 community（社区）" in by_row[(11, "kind")]
    assert "城乡分类代码" in by_row[(12, "urban_rural")]
    assert "先导入上级" in by_row[(14, "parent_code")]
    assert "与第 7 行重复" in by_row[(15, "code")]
    assert 13 not in {e.row for e in report.errors}
    assert Region.objects.count() == 0, "nothing may be half-loaded"
    assert "第 8 行" in str(report.errors[0])


@pytest.mark.django_db
def test_gbk_file_and_chinese_headers_are_accepted():
    text = "区划代码,名称,上级代码,层级,村/社区,城乡分类代码\n450000000000,广西壮族自治区,,省,,\n"
    report = regions_import(text.encode("gb18030"), actor="test")
    assert report.ok and Region.objects.get(code="450000000000").level == "province"


@pytest.mark.django_db
def test_cli_reports_errors_and_exits_nonzero(tmp_path, capsys):
    path = tmp_path / "regions.csv"
    path.write_text("code,name\n12345,坏代码\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_regions", str(path))
    assert "第 2 行" in capsys.readouterr().err
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_regions", str(path))
    assert Region.objects.count() == 6


@pytest.mark.django_db
def test_demo_fixture_csv_loads_cleanly():
    from tonghu.core.demo.regions import FIXTURE_PATH

    report = regions_import(FIXTURE_PATH.read_bytes(), actor="test")
    assert report.ok, report.errors[:3]
    county = Region.objects.get(code="451027000000")
    assert Region.objects.filter(parent=county).count() >= 8
    assert Region.objects.filter(level="village", code__startswith=county.prefix).count() >= 80


def test_cli_maps_hyphenated_commands(monkeypatch):
    from tonghu import cli

    seen = {}
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.setdefault("argv", argv))
    cli.main(["x", "import-regions", "f.csv"])
    assert seen["argv"] == ["tonghu", "import_regions", "f.csv"]

"""A demo region tree: one real county with invented townships and villages, plus a small out-of-scope county.

* 广西壮族自治区 (450000000000) / 百色市 (451000000000) / 凌云县 (451027000000) are real: their codes are the real
  statistics division codes and ``451027`` is in python-stdnum's region database (in use since 2002), so
  identity numbers made for demo people validate.
* The 10 townships (one 街道 for the county seat, 镇 and 乡) and 104 villages/communities below 凌云县 are
  FICTIONAL: invented, plausible names (Zhuang-style place names with 那 板 弄 岜 渌 ...), not the real ones.
* 云南省 / 迪庆藏族自治州 / 香格里拉市 (533401000000) are real; its 2 townships x 3 villages are fictional. It is
  the "other" county: staff of the demo county must not see anything in it (permission tests).

Codes follow 统计用区划代码: township = county 6 digits + 3 (001 ...), village = township 9 digits + 3, with
社区 numbered from 001 and 村 from 200. ``urban_rural`` is the 城乡分类代码 of village-level rows (111 主城区,
112 城乡结合区, 121 镇中心区, 122 镇乡结合区, 123 特殊区域, 210 乡中心区, 220 村庄), blank above.

``write_csv`` writes ``code,name,parent_code,level,kind,urban_rural`` (what ``tonghu import-regions`` reads);
``tonghu/core/fixtures/demo_regions.csv`` is generated with ``python -m tonghu.core.demo.regions``.

Pure Python: no Django import.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

CSV_HEADER = ["code", "name", "parent_code", "level", "kind", "urban_rural"]
FIXTURE_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "demo_regions.csv"

DEMO_PROVINCE = ("450000000000", "广西壮族自治区")
DEMO_CITY = ("451000000000", "百色市")
DEMO_COUNTY = ("451027000000", "凌云县")

OTHER_PROVINCE = ("530000000000", "云南省")
OTHER_CITY = ("533400000000", "迪庆藏族自治州")
OTHER_COUNTY = ("533401000000", "香格里拉市")

# The region codes an identity number carries depend on the birth year: a county's code changes when it is moved
# to another prefecture or renamed. stdnum knows these periods; (first year, last year, code) per county.
ID_REGION_CODES: dict[str, list[tuple[int | None, int | None, str]]] = {
    "451027": [(None, 2001, "452628"), (2002, None, "451027")],  # 凌云县: 百色地区 until 2002
    "533401": [(None, 2013, "533421"), (2014, None, "533401")],  # 香格里拉: 中甸县/香格里拉县 until 2014
}

# Townships of the demo county: (3-digit suffix, name, type, [(社区 name, urban_rural)], [(村 name, urban_rural)]).
# type: 街道 / 镇 / 乡. All names invented.
_DEMO_TOWNSHIPS: list[tuple[str, str, str, list[tuple[str, str]], list[tuple[str, str]]]] = [
    ("001", "云台街道", "街道",
     [("云台社区", "111"), ("城东社区", "111"), ("城西社区", "111"), ("凤鸣社区", "111"), ("新华社区", "111")],
     [("东岭村", "112"), ("平塘村", "112"), ("那岩村", "112"), ("岩脚村", "220")]),
    ("002", "青岚镇", "镇",
     [("青岚社区", "121"), ("新街社区", "121")],
     [("那坤村", "122"), ("板桃村", "220"), ("弄勇村", "220"), ("岜雷村", "220"), ("平乐村", "220"),
      ("六合村", "220"), ("坡顶村", "220"), ("古兰村", "220"), ("塘边村", "220"), ("上岭村", "220")]),
    ("003", "板弄镇", "镇",
     [("板弄社区", "121")],
     [("那达村", "122"), ("弄谷村", "220"), ("岜洞村", "220"), ("伏台村", "220"), ("新寨村", "220"),
      ("六排村", "220"), ("坡孟村", "220"), ("龙湾村", "220"), ("江峒村", "220"), ("百坤村", "220")]),
    ("004", "渌水镇", "镇",
     [("渌水社区", "121"), ("红岭林场社区", "123")],
     [("渌里村", "122"), ("那兰村", "220"), ("弄福村", "220"), ("岜岩村", "220"), ("平峒村", "220"),
      ("古坪村", "220"), ("念沙村", "220"), ("果岭村", "220"), ("更新村", "220"), ("达旺村", "220")]),
    ("005", "岜莱镇", "镇",
     [("岜莱社区", "121")],
     [("那劳村", "122"), ("弄勤村", "220"), ("平乃村", "220"), ("坡岭村", "220"), ("六旺村", "220"),
      ("峒平村", "220"), ("伏马村", "220"), ("百顺村", "220"), ("上寨村", "220")]),
    ("006", "龙坪镇", "镇",
     [("龙坪社区", "121"), ("龙兴社区", "121")],
     [("新合村", "122"), ("那桑村", "220"), ("弄坎村", "220"), ("龙腾村", "220"), ("岜怀村", "220"),
      ("平溪村", "220"), ("塘立村", "220"), ("古墨村", "220"), ("坡洪村", "220"), ("百乐村", "220"),
      ("江口村", "220")]),
    ("007", "弄怀乡", "乡",
     [],
     [("弄怀村", "210"), ("那灯村", "220"), ("岜关村", "220"), ("平安村", "220"), ("坡蕉村", "220"),
      ("伏仁村", "220"), ("果林村", "220"), ("六力村", "220")]),
    ("008", "百朗瑶族乡", "乡",
     [("百朗社区", "210")],
     [("瑶山村", "220"), ("那合村", "220"), ("弄吉村", "220"), ("高坡村", "220"), ("岜岭村", "220"),
      ("平坝村", "220"), ("金竹村", "220"), ("大湾村", "220"), ("坡那村", "220")]),
    ("009", "坡荷乡", "乡",
     [],
     [("坡荷村", "210"), ("那亭村", "220"), ("弄平村", "220"), ("岜桥村", "220"), ("六甲村", "220"),
      ("陇和村", "220"), ("古立村", "220"), ("百花村", "220"), ("东坡村", "220")]),
    ("010", "香岩瑶族乡", "乡",
     [],
     [("香岩村", "210"), ("蓝靛村", "220"), ("那岸村", "220"), ("弄林村", "220"), ("岜山村", "220"),
      ("果仁村", "220"), ("平竹村", "220"), ("石门村", "220"), ("伏水村", "220"), ("梅岭村", "220")]),
]

# The small out-of-scope county: 2 townships x 3 villages, invented names.
_OTHER_TOWNSHIPS: list[tuple[str, str, str, list[tuple[str, str]], list[tuple[str, str]]]] = [
    ("001", "雪岭镇", "镇", [("雪岭社区", "121")], [("冈坝村", "220"), ("松林村", "220")]),
    ("002", "拉木乡", "乡", [], [("拉木村", "210"), ("措卡村", "220"), ("吉迪村", "220")]),
]


def _row(code: str, name: str, parent: str, level: str, kind: str = "", urban_rural: str = "") -> dict[str, str]:
    return {"code": code, "name": name, "parent_code": parent, "level": level, "kind": kind,
            "urban_rural": urban_rural}


def _county_rows(province, city, county, townships) -> list[dict[str, str]]:
    rows = [
        _row(province[0], province[1], "", "province"),
        _row(city[0], city[1], province[0], "city"),
        _row(county[0], county[1], city[0], "county"),
    ]
    for suffix, name, _type, communities, villages in townships:
        township = county[0][:6] + suffix
        rows.append(_row(township + "000", name, county[0], "township"))
        for i, (village, urban_rural) in enumerate(communities, start=1):
            rows.append(_row(f"{township}{i:03d}", village, township + "000", "village", "community", urban_rural))
        for i, (village, urban_rural) in enumerate(villages, start=200):
            rows.append(_row(f"{township}{i:03d}", village, township + "000", "village", "village", urban_rural))
    return rows


def demo_region_rows() -> list[dict[str, str]]:
    """All rows, parents before children: the demo county's tree, then the other county's."""
    return (_county_rows(DEMO_PROVINCE, DEMO_CITY, DEMO_COUNTY, _DEMO_TOWNSHIPS)
            + _county_rows(OTHER_PROVINCE, OTHER_CITY, OTHER_COUNTY, _OTHER_TOWNSHIPS))


def demo_county_code() -> str:
    """12-digit code of the demo county (凌云县); its 6-digit prefix ``451027`` is what ID numbers carry."""
    return DEMO_COUNTY[0]


def other_county_code() -> str:
    """12-digit code of the out-of-scope county (香格里拉市) for permission tests."""
    return OTHER_COUNTY[0]


def rows_in(county_code: str, rows: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """The county's own row and every row below it (prefix match on the 6-digit county code)."""
    prefix = county_code[:6]
    return [r for r in (rows if rows is not None else demo_region_rows()) if r["code"].startswith(prefix)]


def township_type(name: str) -> str:
    """街道 / 镇 / 乡 from a township name."""
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix):
            return suffix
    return ""


def id_region_code(county_code: str, birth_year: int) -> str:
    """The 6-digit region code a person born in ``birth_year`` in this county carries in the ID number.

    ``id_region_code("451027000000", 2015)`` -> ``"451027"``; for 1985 -> ``"452628"`` (凌云县 was in 百色地区).
    Counties without a recorded history get their own 6 digits.
    """
    code6 = county_code[:6]
    for first, last, code in ID_REGION_CODES.get(code6, []):
        if (first is None or birth_year >= first) and (last is None or birth_year <= last):
            return code
    return code6


def write_csv(path: str | Path, rows: list[dict[str, str]] | None = None) -> Path:
    """Write the rows (default: :func:`demo_region_rows`) as UTF-8 CSV with the ``CSV_HEADER`` columns."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows if rows is not None else demo_region_rows())
    return path


if __name__ == "__main__":  # python -m tonghu.core.demo.regions [path]
    target = write_csv(sys.argv[1] if len(sys.argv) > 1 else FIXTURE_PATH)
    print(f"wrote {target}")

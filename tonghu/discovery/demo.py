"""Demo: an education roster and a justice roster of the demo county, linked (issue 12, "Done when").

Generated from ``ctx.rng`` and the demo registry — never real people. The education roster lists ~80 registered
children, many written differently (traditional characters, a homophone, pinyin, day and month transposed), four of
them dropped out, and eight children nobody registered (two without a village, to be placed by the officer). The
justice roster lists the fathers of three registered children (prison, compulsory rehabilitation) and two adults
with no child in the registry. Both are imported and linked at once, so 县级经办人 ``jingban`` finds the matched,
possible and new children with their reasons.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

from tonghu.core.demo_loader import demo_step

HOMOPHONE = {"伟": "玮", "丽": "莉", "静": "婧", "芳": "方", "军": "君", "明": "铭", "华": "桦", "杰": "洁", "强": "蔷", "玲": "琳"}


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _variant(rng, name: str) -> str:
    import opencc

    from tonghu.registry.pinyin import syllables

    x = rng.random()
    if x < 0.25:
        return opencc.OpenCC("s2t").convert(name)
    if x < 0.45:
        for i in range(len(name) - 1, 0, -1):
            if name[i] in HOMOPHONE:
                return name[:i] + HOMOPHONE[name[i]] + name[i + 1:]
    if x < 0.55 and "·" not in name:
        return " ".join(p.capitalize() for p in syllables(name))
    return name


@demo_step(80)
def rosters(ctx):
    from tonghu.accounts.models import User
    from tonghu.core.demo.names import person_name
    from tonghu.core.demo.regions import demo_county_code
    from tonghu.core.models import Region
    from tonghu.core.reference.idnumber import birth_date_of
    from tonghu.core.scoping import prefix_range
    from tonghu.registry.models import Child, Guardian

    from .models import Dataset, Source
    from .services import dataset_import, dataset_link

    if Dataset.objects.exists():
        return
    officer = User.objects.filter(username="jingban").first()
    if officer is None:
        ctx.say("    demo accounts missing; no rosters")
        return
    county = Region.objects.get(code=demo_county_code())
    rng = ctx.rng
    children = list(Child.objects.filter(village__code__range=prefix_range(county.code[:6]), status="active").order_by("pk")[:2000])
    if len(children) < 10:
        return
    villages = list(Region.objects.filter(level="village", code__range=prefix_range(county.code[:6])).order_by("code"))
    today = dt.date.today()
    school_age = [c for c in children if 6 <= c.age <= 15]
    picked = rng.sample(school_age, min(80, len(school_age)))
    edu = []
    for i, c in enumerate(picked):
        birth = c.birth_date
        if i % 9 == 4 and birth.day <= 12 and birth.day != birth.month:
            birth = dt.date(birth.year, birth.day, birth.month)
        dropout = i % 20 == 3
        edu.append([_variant(rng, c.name), c.get_sex_display(), birth.isoformat(), c.id_number if (c.id_number and i % 3 == 0) else "",
                    c.village_id, c.school or "凌云县第二小学", f"{max(1, min(9, c.age - 6))}年级", "辍学" if dropout else "在校",
                    (today - dt.timedelta(days=40 + i)).isoformat() if dropout else ""])
    for k in range(8):
        sex = rng.choice("MF")
        birth = today - dt.timedelta(days=rng.randint(7 * 365, 14 * 365))
        village = rng.choice(villages)
        edu.append([person_name(rng, rng.choice(["08", "01", "13"]), sex), "男" if sex == "M" else "女", birth.isoformat(), "",
                    village.code if k >= 2 else village.code[:9], "凌云县民族中学", "五年级", "辍学" if k == 5 else "在校", ""])
    rng.shuffle(edu)
    fathers = list(Guardian.objects.filter(child__in=[c.pk for c in children[:600]], role="father", deceased=False).exclude(name="")
                   .select_related("child")[:3])
    prison = []
    for i, g in enumerate(fathers):
        year = g.birth_year or (g.child.birth_date.year - 28)
        birth = birth_date_of(g.id_number).isoformat() if g.id_number else f"{year}-0{i + 3}-1{i}"
        prison.append([g.name, "男", birth, g.id_number or "", g.child.village_id,
                       "强制隔离戒毒" if i == 2 else "服刑", (today - dt.timedelta(days=120 + 30 * i)).isoformat(),
                       (today + dt.timedelta(days=900)).isoformat(), "广西某监狱" if i != 2 else "广西某强制隔离戒毒所"])
    for _k in range(2):
        prison.append([person_name(rng, "08", "M", adult=True), "男", f"{rng.randint(1975, 1995)}-05-0{rng.randint(1, 9)}", "",
                       rng.choice(villages).code, "服刑", (today - dt.timedelta(days=200)).isoformat(), "", "广西某监狱"])
    tmp = Path(tempfile.mkdtemp(prefix="tonghu-demo-rosters-"))
    files = [
        (Source.EDUCATION, f"{today.year}年春季学期", _write(tmp / "教育部门学籍名单.csv",
         ["姓名", "性别", "出生日期", "身份证号码", "区划代码", "学校", "年级", "在校状态", "辍学日期"], edu)),
        (Source.PRISON, f"{today.year}年{today.month}月", _write(tmp / "司法行政部门服刑人员名单.csv",
         ["姓名", "性别", "出生日期", "身份证号码", "区划代码", "类别", "入监（所）日期", "刑满（期满）日期", "执行场所"], prison)),
    ]
    for source, period, path in files:
        ds = Dataset.objects.create(source=source, period=period, county=county, uploaded_by=officer, file_name=path.name,
                                    retention_until=today + dt.timedelta(days=180))
        dataset_import(dataset=ds, path=path, valid_only=True, then_link=False)
        summary = dataset_link(dataset=ds)
        ctx.say(f"    {ds}: {ds.roster_rows.count()} rows, match {summary['match']}, review {summary['review']}, new {summary['new']}, "
                f"findings {summary['candidates']}")

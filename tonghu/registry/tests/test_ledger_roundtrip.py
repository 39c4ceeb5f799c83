"""Export → re-import of a whole generated county changes nothing (issue 10 item 1; R-B3).

The county is generated here (a few hundred children, ``random.Random(2026)``, never real people) so that every
column of the template that an import reads carries non-empty values of every kind, with the full-width
punctuation county staff type (，（）：；、). The four-quarter 走访情况 columns are written from the visits app and
ignored on import, so they are not part of the comparison.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from tonghu.accounts.roles import Role
from tonghu.registry import services
from tonghu.registry.ledger.columns import COLUMNS
from tonghu.registry.ledger.exporter import ledger_export
from tonghu.registry.ledger.importer import ledger_import
from tonghu.registry.models import Assistance, CareArrangement, Child, Guardian, Household

from .conftest import id_for

COUNTY = "451027000000"
VILLAGES = ["451027001001", "451027001200", "451027001201", "451027002200"]
SURNAMES = "韦黄蓝罗陆李梁农班岑杨覃莫廖谢潘"
GIVEN = ["小燕", "明", "丽华", "志强", "美玲", "海", "春花", "俊杰", "秀英", "建国", "晓东", "芳", "宇", "婷婷", "浩然", "思远"]
TEXTS = ["父母外出，由祖父母照料（见协议）", "性格开朗；与同学相处融洽", "较内向，不爱说话：需多关注", "学习自觉、情绪稳定",
         "2024 年春季学期资助，已到位", "爱心企业（凌云县）资助：每学期 500 元", "备注：住房为木房，较旧", "第一行：父亲已返乡；\n第二行：母亲仍在广东"]
SCHOOLS = [("in_school", "凌云县第一小学", "五年级"), ("in_school", "泗城镇中心小学（分校）", "三年级"), ("preschool", "", ""),
           ("dropped_out", "凌云县民族中学", ""), ("not_in_school", "", ""), ("in_school", "凌云县民族中学", "初二"),
           ("", "凌云县第二小学", "")]  # a school typed on screen without a schooling status
HEALTH = [("healthy", "", "", None, ""), ("weak", "", "", None, "易感冒，体质较弱"), ("serious_illness", "白血病（急性）", "", None, ""),
          ("chronic", "哮喘，需长期用药", "", None, ""), ("disability", "", "physical", 2, "需轮椅，行动不便"),
          ("disability", "", "visual", 1, ""), ("other", "", "", None, "营养不良：体重偏轻")]
G_HEALTH = [("healthy", ""), ("unhealthy", "慢性肾病，需透析"), ("healthy", "腰伤（已痊愈）"), ("unhealthy", "肢体残疾")]
ETHNICITIES = ["08", "01", "13", "06"]


def _phone(rng) -> str:
    return "139" + "".join(rng.choice("0123456789") for _ in range(8))


def _money(rng, low=100, high=900) -> Decimal:
    return Decimal(rng.randrange(low * 2, high * 2)) / 2  # whole and half yuan


def generate_county(world, n: int = 240, seed: int = 2026) -> list[Child]:
    """``n`` children over the world's four villages, siblings sharing households, every ledger value kind used."""
    rng = random.Random(seed)
    today = dt.date.today()
    children = []
    household = None
    for i in range(n):
        village = world[VILLAGES[i % len(VILLAGES)]]
        if household is None or household.village_id != village.code or rng.random() < 0.7:
            household = Household.objects.create(
                village=village, head_name=rng.choice(SURNAMES) + rng.choice(GIVEN), address=f"{village.name}{i % 9 + 1} 组",
                income_per_head_year=_money(rng, 2000, 9000) if i % 5 else None,
                dibao_month=_money(rng) if i % 3 == 0 else None, tekun_month=_money(rng) if i % 7 == 0 else None,
                disability_month=_money(rng, 50, 200) if i % 4 == 0 else None, other_subsidy_month=_money(rng, 20, 100) if i % 6 == 0 else None,
                social_support=rng.choice(TEXTS) if i % 2 else "")
            household.dibao, household.tekun = household.dibao_month is not None, household.tekun_month is not None
            household.save()
        sex = "MF"[i % 2]
        birth = dt.date(today.year - 3 - i % 14, 1 + i % 12, 1 + i % 28)
        unknown_day = i % 11 == 0
        if unknown_day:
            birth = birth.replace(day=1)
        status, school, grade = SCHOOLS[i % len(SCHOOLS)]
        h = HEALTH[i % len(HEALTH)]
        category = ["", "农村留守儿童", "困境儿童", "农村留守儿童、困境儿童"][i % 4]
        detail = "重病（白血病）" if category.endswith("困境儿童") and i % 3 == 0 else ""
        child = Child.objects.create(
            name=f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[(i // len(SURNAMES)) % len(GIVEN)]}{'一二三四五六七八九十'[i % 10] if i >= 160 else ''}",
            sex=sex, ethnicity=ETHNICITIES[i % 4], birth_date=birth, birth_day_unknown=unknown_day,
            id_number=None if i % 8 == 0 or unknown_day else id_for(birth, sex),
            hukou_type=["rural", "urban", "unknown"][i % 3], village=village, household=household,
            address=f"{village.name}{i % 9 + 1} 组（靠近村小），{i} 号", schooling_status=status, school=school, grade=grade,
            dropout_since=None, boarding=[True, False, None][i % 3],
            health_status=h[0], illness_name=h[1], disability_type=h[2], disability_grade=h[3], health_note=h[4],
            psych_behaviour=rng.choice(TEXTS), hiv_infected=i % 13 == 0, abuse_history=rng.choice(TEXTS) if i % 5 == 0 else "",
            single_parent=["", "mother", "father"][i % 3], guardianship_note=rng.choice(TEXTS),
            ledger_category=f"{category}（具体类别：{detail}）" if detail else category,
            director_name="黄主任", director_phone=_phone(rng), pairing_name=rng.choice(SURNAMES) + "老师", pairing_phone=_phone(rng),
            pairing_unit="凌云县妇联（儿童工作科）", care_support=rng.choice(TEXTS), other_notes=rng.choice(TEXTS),
            filed_by_name="蓝建档", filed_on=today - dt.timedelta(days=i),
        )
        gh = G_HEALTH[i % len(G_HEALTH)]
        if i % 5 != 4:
            Guardian.objects.create(child=child, role="father", name=rng.choice(SURNAMES) + "父亲"[0] + rng.choice(GIVEN), phone=_phone(rng),
                                    health=gh[0], health_note=gh[1], occupation="建筑工人（广东）")
        if i % 4 != 3:
            Guardian.objects.create(child=child, role="mother", name=rng.choice(SURNAMES) + rng.choice(GIVEN), phone=_phone(rng),
                                    **({"health": gh[0], "health_note": gh[1], "occupation": "务农，兼养殖"} if i % 5 == 4 else {}))
        if i % 5 == 4 and i % 4 == 3:  # no parent named: the health and occupation sit on an "other guardian" row
            Guardian.objects.create(child=child, role="other", relation="监护人", health=gh[0], health_note=gh[1], occupation="务农")
        if i % 3:
            CareArrangement.objects.create(child=child, caregiver_kind=["grandparents", "relatives_friends", "other", "none"][i % 4],
                                           caregiver_name="" if i % 4 == 3 else rng.choice(SURNAMES) + "奶奶",
                                           phone="" if i % 4 == 3 else _phone(rng),
                                           reason=["both_away", "one_away_other_incapable", "both_incapable", "other"][i % 4],
                                           quality=["good", "fair", "poor"][i % 3], start=today - dt.timedelta(days=400))
        for k, scheme in enumerate(["orphan_allowance", "unsupported_allowance", "dibao", "tekun", "disability_allowance", "temporary_relief", "other"]):
            if (i + k) % 5 == 0:
                tick = scheme in ("orphan_allowance", "unsupported_allowance") and i % 2
                Assistance.objects.create(child=child, scheme=scheme, amount_month=None if tick else _money(rng), start=today - dt.timedelta(days=30))
        for k, scheme in enumerate(["education_aid", "medical_aid", "other"]):
            if (i + k) % 4 == 0:
                Assistance.objects.create(child=child, scheme=scheme, description=rng.choice(TEXTS), start=today - dt.timedelta(days=30))
        if i % 3 == 0:  # edited on screen once: a change in the trail, so the export carries a file version
            child = services.child_update(actor="generator", child=child, data={"other_notes": rng.choice(TEXTS) + "（已核实）"}, expected_version=child.version)
        children.append(child)
    return children


def _state() -> dict:
    """Every stored field of every row the ledger touches (the timestamps of saving aside)."""
    out = {}
    for model in (Child, Household, Guardian, CareArrangement, Assistance):
        for obj in model.objects.order_by("pk"):
            d = model_to_dict(obj, fields=[f.name for f in model._meta.concrete_fields if f.name not in ("updated_at",)])
            out[(model.__name__, obj.pk)] = d
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_of_a_county_changes_nothing(world, users, tmp_path, fmt):
    """Issue 10 item 1: the system's own export, imported again, reports 0 updated and leaves every field of every
    row byte-identical — guardians' health and full-width punctuation included. Every imported column is filled."""
    officer = users[Role.COUNTY_OFFICER]
    children = generate_county(world)
    before = _state()
    path = tmp_path / f"county.{fmt}"
    if fmt == "xlsx":
        with path.open("wb") as fh:
            ledger_export(actor=officer, region=world[COUNTY], fmt="xlsx", fh=fh)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            ledger_export(actor=officer, region=world[COUNTY], fmt="csv", fh=fh)

    from tonghu.registry.ledger.importer import open_rows

    rows, _total, close = open_rows(path)
    sheet = list(rows)
    close()
    header = next(i for i, r in enumerate(sheet) if len(r) > 1 and r[1] == "姓名")
    data = [r for r in sheet[header + 1:] if len(r) > 2 and r[1] and str(r[0]).removesuffix(".0").isdigit()]
    assert len(data) == len(children)
    for c, col in enumerate(COLUMNS):
        if col.imported or col.key in ("village", "township"):
            assert any(str(r[c] if c < len(r) else "").strip() not in ("", "None") for r in data), f"no value in column {col.title}"
    assert any("，" in str(v) for r in data for v in r) and any("（" in str(v) for r in data for v in r)

    report = ledger_import(actor=officer, region=world[COUNTY], path=path)
    assert report.error_count == 0, [e.message for e in report.errors[:5]]
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(children))
    after = _state()
    changed = [(key, {f: (v, after[key][f]) for f, v in row.items() if after[key][f] != v}) for key, row in before.items() if after.get(key) != row]
    assert not changed, changed[:5]
    assert set(after) == set(before)

"""Demo: about 3,000 children in the demo county (凌云县), generated from ``ctx.rng`` — never real people.

Households with siblings; parents working away (same county, elsewhere in 百色, elsewhere in Guangxi, mostly
Guangdong/Zhejiang/Fujian); some parents deceased, detained, in compulsory rehab, missing, out of contact,
disabled or seriously ill; caregivers with history; departure registrations; assistance; children without ID
numbers; statuses other than active; assigned directors. Ethnic mix of a Zhuang/Yao county plus a few Tibetan and
Uyghur families (names written in characters). Everything is written with ``bulk_create``; the audit trail gets one
summary entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tonghu.core.demo_loader import demo_step

ETHNIC_MIX = [("08", 0.58), ("01", 0.24), ("13", 0.13), ("06", 0.02), ("04", 0.015), ("05", 0.015)]
DESTINATIONS = [
    # (code, text, weight)
    ("451027", "凌云县城", 0.10),
    ("451002", "百色市右江区", 0.07),
    ("451022", "百色市田东县", 0.03),
    ("450100", "南宁市", 0.10),
    ("450200", "柳州市", 0.05),
    ("441900", "广东省东莞市", 0.20),
    ("440300", "广东省深圳市", 0.15),
    ("440100", "广东省广州市", 0.10),
    ("442000", "广东省中山市", 0.05),
    ("330200", "浙江省宁波市", 0.08),
    ("350200", "福建省厦门市", 0.07),
]
OCCUPATIONS_AWAY = ["工厂工人", "建筑工人", "服务员", "快递员", "保安", "电子厂普工", "装修工"]
OCCUPATIONS_HOME = ["务农", "务农", "务农", "养殖", "个体经营", "无业", "护林员"]
SCHOOLS = ["{t}中心小学", "{t}中学", "凌云县第二小学", "凌云县民族中学", "{v}教学点"]
ILLNESSES_CHILD = ["先天性心脏病", "白血病", "癫痫", "哮喘", "地中海贫血"]
ILLNESSES_ADULT = ["尿毒症", "肝硬化", "肺结核", "恶性肿瘤", "脑梗后遗症"]
PAIRING_UNITS = ["凌云县民政局", "凌云县妇联", "县第一小学", "县人民医院", "县团委", "县供电公司"]
PSYCH = ["性格开朗，与同学相处融洽", "较内向，不爱说话", "学习自觉，情绪稳定", "偶有厌学情绪", "思念外出务工的父母"]


def _weighted(rng, table):
    r = rng.random() * sum(w for *_x, w in table)
    for *item, w in table:
        r -= w
        if r <= 0:
            return item[0] if len(item) == 1 else tuple(item)
    return table[-1][0] if len(table[-1]) == 2 else tuple(table[-1][:-1])


def _date_between(rng, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


@demo_step(30)
def children(ctx):
    from tonghu.accounts.models import User
    from tonghu.core.roles import Role
    from tonghu.audit.services import audit_log
    from tonghu.core.demo.names import family_names, person_name
    from tonghu.core.demo.regions import demo_county_code, id_region_code
    from tonghu.core.models import Region
    from tonghu.core.reference.idnumber import random_id_number
    from tonghu.core.scoping import prefix_range

    from .models import (
        Assistance,
        CareArrangement,
        Child,
        DepartureRegistration,
        Guardian,
        GuardianRestriction,
        Household,
        StatusChange,
    )
    from .pinyin import name_keys

    county_code = demo_county_code()
    if Child.objects.filter(village__code__range=prefix_range(county_code[:6])).exists():
        ctx.say("    children already present; skipped")
        return
    rng = ctx.rng
    today = timezone.localdate()
    villages = list(Region.objects.filter(level="village", code__range=prefix_range(county_code[:6])).select_related("parent").order_by("code"))
    if not villages:
        return
    directors = {u.region_id: u for u in User.objects.filter(role=Role.CHILD_DIRECTOR, region__code__range=prefix_range(county_code[:6]))}
    officer = User.objects.filter(username="jingban").first()
    target = max(30, int(3000 * ctx.scale))
    # rural villages hold more children than town communities
    weights = [(v, 1.0 if v.urban_rural == "220" else 0.6 if v.urban_rural in ("210", "122", "112") else 0.35) for v in villages]

    households, kids, guardians, restrictions, cares, departures, assistance, statuses = [], [], [], [], [], [], [], []
    used_ids: set[str] = set()
    n = 0
    while n < target:
        village = _weighted(rng, weights)
        ethnicity = _weighted(rng, ETHNIC_MIX)
        n_children = 1 if rng.random() < 0.58 else 2 if rng.random() < 0.8 else 3
        names = family_names(rng, ethnicity, n_children=n_children)
        township = village.parent.name if village.parent else ""
        group = rng.randint(1, 12)
        address = f"{township}{village.name}{group}组{rng.randint(1, 80)}号"
        income = Decimal(rng.choice([2400, 3600, 4200, 5000, 6200, 7800, 9600, 12000, 15000]) + rng.randint(0, 9) * 100)
        dibao = income < 4500 and rng.random() < 0.55
        tekun = not dibao and income < 3000 and rng.random() < 0.2
        household = Household(village=village, head_name=names.father, address=address, income_per_head_year=income,
                              dibao=dibao, dibao_month=Decimal(rng.choice([320, 350, 380, 420])) if dibao else None,
                              tekun=tekun, tekun_month=Decimal(rng.choice([560, 620])) if tekun else None,
                              low_income=income < 6000 and not dibao and rng.random() < 0.3,
                              social_support=rng.choice(["", "", "", "爱心企业每学期资助学习用品", "“童伴妈妈”项目定期探访", "志愿者周末课业辅导"]))
        households.append(household)

        # the parents' situation, shared by the siblings
        father_birth = rng.randint(1978, 1998)
        mother_birth = father_birth + rng.randint(-2, 4)
        f = {"away": rng.random() < 0.58, "deceased": rng.random() < 0.03, "prison": rng.random() < 0.012, "rehab": rng.random() < 0.006,
             "disabled": rng.random() < 0.025, "ill": rng.random() < 0.02, "missing": rng.random() < 0.004}
        m = {"away": rng.random() < 0.42, "deceased": rng.random() < 0.02, "out_of_contact": rng.random() < 0.02,
             "disabled": rng.random() < 0.02, "ill": rng.random() < 0.015, "remarried": rng.random() < 0.03}
        if f["deceased"]:
            f["away"] = False
        if m["deceased"] or m["out_of_contact"] or m["remarried"]:
            m["away"] = False
        youngest_birth = None
        first_child_birth = dt.date(rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28))
        births = sorted([first_child_birth] + [min(today - dt.timedelta(days=200), first_child_birth + dt.timedelta(days=rng.randint(500, 2400)))
                                               for _ in range(n_children - 1)])
        youngest_birth = births[-1]
        f_dest = _weighted(rng, DESTINATIONS)
        m_dest = f_dest if rng.random() < 0.7 else _weighted(rng, DESTINATIONS)
        f_since = _date_between(rng, max(youngest_birth, today - dt.timedelta(days=9 * 365)), today - dt.timedelta(days=30))
        m_since = _date_between(rng, max(youngest_birth + dt.timedelta(days=180), today - dt.timedelta(days=8 * 365)), today - dt.timedelta(days=20))
        f_deceased_on = _date_between(rng, youngest_birth - dt.timedelta(days=200), today - dt.timedelta(days=60))
        m_deceased_on = _date_between(rng, youngest_birth, today - dt.timedelta(days=60))
        prison_start = _date_between(rng, today - dt.timedelta(days=5 * 365), today - dt.timedelta(days=120))
        ooc_since = _date_between(rng, youngest_birth + dt.timedelta(days=90), today - dt.timedelta(days=100))
        care_kind = None
        both_away = f["away"] and m["away"]
        father_incapable = f["deceased"] or f["prison"] or f["rehab"] or f["missing"] or f["disabled"]
        mother_incapable = m["deceased"] or m["out_of_contact"] or m["disabled"] or m["remarried"]
        if both_away or (f["away"] and mother_incapable) or (m["away"] and father_incapable) or (father_incapable and mother_incapable):
            care_kind = _weighted(rng, [("grandparents", 0.8), ("relatives_friends", 0.15), ("none", 0.05)])
        reason = ("both_away" if both_away else "both_incapable" if father_incapable and mother_incapable else "one_away_other_incapable")
        gp_name = person_name(rng, ethnicity, "F", adult=True) if rng.random() < 0.7 else person_name(rng, ethnicity, "M", adult=True)
        care_start = max(f_since if f["away"] else youngest_birth, m_since if m["away"] else youngest_birth)
        orphan = f["deceased"] and m["deceased"]

        for index, ((child_name, child_sex), birth) in enumerate(zip(names.children, births)):
            if n >= target:
                break
            n += 1
            age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
            has_id = rng.random() > 0.08
            number = None
            if has_id:
                for _attempt in range(5):
                    candidate = random_id_number(rng, id_region_code(county_code, birth.year), birth, child_sex)
                    if candidate not in used_ids:
                        number = candidate
                        used_ids.add(candidate)
                        break
            health = _weighted(rng, [("healthy", 0.87), ("weak", 0.05), ("chronic", 0.02), ("serious_illness", 0.01), ("disability", 0.035), ("other", 0.015)])
            disability_type = rng.choice(["physical", "intellectual", "hearing", "visual", "mental", "speech"]) if health == "disability" else ""
            if age < 6:
                schooling, school, grade, boarding = "preschool", "", "", None
            elif age <= 15:
                schooling = "dropped_out" if rng.random() < 0.012 else "in_school"
                school = rng.choice(SCHOOLS).format(t=village.parent.name if village.parent else "", v=village.name) if schooling == "in_school" else ""
                grade = (f"{['一', '二', '三', '四', '五', '六'][min(age - 6, 5)]}年级" if age < 12 else f"初{['一', '二', '三', '三'][min(age - 12, 3)]}") if school else ""
                boarding = (age >= 10 and rng.random() < 0.45) if school else None
            else:
                schooling = "in_school" if rng.random() < 0.7 else "not_in_school"
                school, grade = ("凌云县高级中学", "高一") if schooling == "in_school" else ("", "")
                boarding = True if schooling == "in_school" else None
            status = "active"
            if age >= 18:
                status = "aged_out"
            else:
                r = rng.random()
                status = "moved" if r < 0.015 else "closed" if r < 0.03 else "deceased" if r < 0.033 else "active"
            director = directors.get(village.code)
            child = Child(
                name=child_name, sex=child_sex, ethnicity=ethnicity, birth_date=birth, id_number=number,
                hukou_type="rural" if village.urban_rural in ("220", "210", "122") or rng.random() < 0.6 else "urban",
                hukou_region_code=village.code, village=village, address=address, household=household,
                schooling_status=schooling, school=school, grade=grade, boarding=boarding,
                dropout_since=_date_between(rng, today - dt.timedelta(days=400), today - dt.timedelta(days=30)) if schooling == "dropped_out" else None,
                health_status=health, illness_name=rng.choice(ILLNESSES_CHILD) if health in ("chronic", "serious_illness") else "",
                disability_type=disability_type, disability_grade=rng.choice([1, 2, 2, 3, 4]) if disability_type else None,
                disability_evidence=bool(disability_type) and rng.random() < 0.85,
                psych_behaviour=rng.choice(PSYCH), psych_problem=rng.random() < 0.03,
                hiv_infected=rng.random() < 0.002,
                single_parent="mother" if (f["deceased"] and not m["deceased"] and rng.random() < 0.5) else "father" if (m["remarried"] and not f["deceased"]) else "",
                director=director, director_name=str(director) if director else "",
                director_phone=f"1{rng.choice(['37', '38', '39', '58', '77', '87'])}{rng.randint(10000000, 99999999)}",
                pairing_name=person_name(rng, "01", rng.choice("MF"), adult=True) if rng.random() < 0.25 else "",
                pairing_unit=rng.choice(PAIRING_UNITS), status=status,
                status_reason={"moved": "随父母迁往广东省东莞市就读", "closed": "父母返乡稳定就业，不再属于关爱对象", "deceased": "因病死亡",
                               "aged_out": "年满18周岁"}.get(status, ""),
                status_date=_date_between(rng, today - dt.timedelta(days=300), today - dt.timedelta(days=1)) if status != "active" else None,
                filed_by_name=str(director) if director else "", filed_on=_date_between(rng, today - dt.timedelta(days=900), today - dt.timedelta(days=10)),
            )
            if not child.pairing_name:
                child.pairing_unit = ""
            else:
                child.pairing_phone = f"13{rng.randint(100000000, 999999999)}"
            child.name_pinyin, child.name_initials = name_keys(child.name)  # the ID numbers are generated valid
            kids.append(child)

            # parents (the same people for every sibling)
            fg = Guardian(child=child, role="father", name=names.father, birth_year=father_birth,
                          phone=f"1{rng.choice(['35', '36', '52', '82', '88'])}{rng.randint(10000000, 99999999)}",
                          health="unhealthy" if f["ill"] or f["disabled"] else "healthy",
                          occupation=rng.choice(OCCUPATIONS_AWAY if f["away"] else OCCUPATIONS_HOME),
                          capacity="none" if father_incapable else "full", lives_with_child=not (f["away"] or father_incapable))
            if f["away"]:
                fg.working_away, fg.away_since, fg.away_destination_code, fg.away_destination = True, f_since, f_dest[0], f_dest[1]
                fg.away_short_trips_home = rng.random() < 0.5
            if f["deceased"]:
                fg.deceased, fg.deceased_date, fg.deceased_evidence, fg.health, fg.phone = True, f_deceased_on, rng.random() < 0.9, "", ""
            if f["missing"]:
                fg.missing_declared, fg.missing_date, fg.missing_evidence = True, ooc_since, True
            if f["disabled"]:
                fg.disability_type, fg.disability_grade, fg.disability_evidence = rng.choice(["physical", "mental", "intellectual", "visual"]), rng.choice([1, 2, 2, 3]), True
            if f["ill"]:
                fg.serious_illness, fg.serious_illness_name, fg.serious_illness_evidence = True, rng.choice(ILLNESSES_ADULT), rng.random() < 0.7
                fg.health_note = fg.serious_illness_name
            mg = Guardian(child=child, role="mother", name=names.mother, birth_year=mother_birth,
                          phone=f"1{rng.choice(['37', '38', '59', '87', '99'])}{rng.randint(10000000, 99999999)}",
                          health="unhealthy" if m["ill"] or m["disabled"] else "healthy",
                          occupation=rng.choice(OCCUPATIONS_AWAY if m["away"] else OCCUPATIONS_HOME),
                          capacity="none" if mother_incapable else "full", lives_with_child=not (m["away"] or mother_incapable))
            if m["away"]:
                mg.working_away, mg.away_since, mg.away_destination_code, mg.away_destination = True, m_since, m_dest[0], m_dest[1]
            if m["deceased"]:
                mg.deceased, mg.deceased_date, mg.deceased_evidence, mg.health, mg.phone = True, m_deceased_on, rng.random() < 0.9, "", ""
            if m["out_of_contact"]:
                mg.out_of_contact, mg.out_of_contact_since = True, ooc_since
                if rng.random() < 0.7:
                    mg.police_report_date = ooc_since + dt.timedelta(days=rng.randint(10, 60))
                    mg.out_of_contact_evidence = True
                mg.phone = ""
            if m["remarried"]:
                mg.note = "离异后已再婚，不与儿童共同生活"
            if m["disabled"]:
                mg.disability_type, mg.disability_grade, mg.disability_evidence = rng.choice(["physical", "mental", "hearing"]), rng.choice([1, 2, 3, 4]), True
            if m["ill"]:
                mg.serious_illness, mg.serious_illness_name = True, rng.choice(ILLNESSES_ADULT)
            guardians.append(fg)
            guardians.append(mg)
            if f["prison"] or f["rehab"]:
                restrictions.append((fg, GuardianRestriction(kind="prison" if f["prison"] else "compulsory_rehab", start=prison_start,
                                                             end=prison_start + dt.timedelta(days=rng.choice([730, 1095, 1825])),
                                                             evidence=rng.random() < 0.8, place="广西某监狱" if f["prison"] else "某强制隔离戒毒所")))
            if care_kind:
                past_start = care_start
                if rng.random() < 0.15 and care_start < today - dt.timedelta(days=400):
                    # an earlier caregiver, replaced (R-F1: the director found the care poor or the caregiver fell ill)
                    switch = _date_between(rng, care_start + dt.timedelta(days=120), today - dt.timedelta(days=60))
                    cares.append(CareArrangement(child=child, caregiver_kind="grandparents", caregiver_name=person_name(rng, ethnicity, "M", adult=True),
                                                 relation="祖父", capacity="limited", reason=reason, quality="poor", start=care_start, end=switch,
                                                 end_reason="祖父年老多病，无力照料，另行委托", agreement_signed=True, agreement_date=care_start))
                    past_start = switch
                cares.append(CareArrangement(
                    child=child, caregiver_kind=care_kind, caregiver_name=gp_name if care_kind != "none" else "",
                    relation={"grandparents": rng.choice(["祖母", "外祖母", "祖父"]), "relatives_friends": rng.choice(["姑姑", "舅舅", "姨妈", "伯父"])}.get(care_kind, ""),
                    phone=f"1{rng.choice(['30', '33', '51'])}{rng.randint(10000000, 99999999)}" if care_kind != "none" else "",
                    capacity="full" if rng.random() < 0.75 else "limited", reason=reason,
                    quality=_weighted(rng, [("good", 0.6), ("fair", 0.33), ("poor", 0.07)]),
                    agreement_signed=rng.random() < 0.7, committee_informed=rng.random() < 0.8, start=past_start,
                ))
                if cares[-1].agreement_signed:
                    cares[-1].agreement_date = past_start
            if (f["away"] or m["away"]) and index == 0 and rng.random() < 0.6:
                who = fg if f["away"] else mg
                departures.append((who, DepartureRegistration(
                    child=child, departed_on=who.away_since, destination_code=who.away_destination_code, destination=who.away_destination,
                    employer=rng.choice(["某电子厂", "某建筑公司", "某物流公司", "某餐饮店", ""]), contact_phone=who.phone or "13800000000",
                    school_informed=schooling == "in_school" and rng.random() < 0.8, committee_informed=rng.random() < 0.9,
                    registered_on=who.away_since - dt.timedelta(days=rng.randint(0, 7)))))

            # assistance
            start_base = max(birth, today - dt.timedelta(days=3 * 365))
            if orphan:
                assistance.append(Assistance(child=child, scheme="orphan_allowance", amount_month=Decimal("1450"), start=_date_between(rng, start_base, today), granted_by="凌云县民政局"))
            elif (f["deceased"] or f["prison"] or f["missing"] or f["disabled"]) and (m["deceased"] or m["out_of_contact"] or m["disabled"]) and rng.random() < 0.85:
                assistance.append(Assistance(child=child, scheme="unsupported_allowance", amount_month=Decimal("1450"), start=_date_between(rng, start_base, today), granted_by="凌云县民政局"))
            if dibao and rng.random() < 0.9:
                assistance.append(Assistance(child=child, scheme="dibao", amount_month=household.dibao_month, start=_date_between(rng, start_base, today)))
            if tekun:
                assistance.append(Assistance(child=child, scheme="tekun", amount_month=household.tekun_month, start=_date_between(rng, start_base, today)))
            if disability_type and rng.random() < 0.8:
                assistance.append(Assistance(child=child, scheme="disability_allowance", amount_month=Decimal(rng.choice([80, 100, 120])), start=_date_between(rng, start_base, today)))
            if child.hiv_infected:
                assistance.append(Assistance(child=child, scheme="hiv_allowance", amount_month=Decimal("1450"), start=_date_between(rng, start_base, today)))
            if schooling == "in_school" and (dibao or orphan) and rng.random() < 0.5:
                assistance.append(Assistance(child=child, scheme="education_aid", amount_once=Decimal(rng.choice([500, 1000, 1250])),
                                             start=dt.date(today.year, 9, 1) if today.month >= 9 else dt.date(today.year - 1, 9, 1), description="义务教育家庭经济困难学生生活补助"))
            if rng.random() < 0.02:
                d = _date_between(rng, today - dt.timedelta(days=700), today - dt.timedelta(days=10))
                assistance.append(Assistance(child=child, scheme="temporary_relief", amount_once=Decimal(rng.choice([800, 1500, 3000])), start=d, end=d,
                                             description=rng.choice(["房屋失火", "家庭成员重病住院", "因灾受损"])))
            if health == "serious_illness" and rng.random() < 0.7:
                assistance.append(Assistance(child=child, scheme="medical_aid", amount_once=Decimal(rng.randint(20, 200) * 100), start=_date_between(rng, start_base, today)))

    Household.objects.bulk_create(households, batch_size=1000)
    for child in kids:
        child.household_id = child.household.pk
    Child.objects.bulk_create(kids, batch_size=1000)
    for g in guardians:
        g.child_id = g.child.pk
    Guardian.objects.bulk_create(guardians, batch_size=1000)
    for g, r in restrictions:
        r.guardian_id = g.pk
    GuardianRestriction.objects.bulk_create([r for _g, r in restrictions], batch_size=1000)
    for c in cares:
        c.child_id = c.child.pk
    CareArrangement.objects.bulk_create(cares, batch_size=1000)
    for g, d in departures:
        d.child_id, d.guardian_id = d.child.pk, g.pk
    DepartureRegistration.objects.bulk_create([d for _g, d in departures], batch_size=1000)
    for a in assistance:
        a.child_id = a.child.pk
    Assistance.objects.bulk_create(assistance, batch_size=1000)
    for child in kids:
        statuses.append(StatusChange(child_id=child.pk, kind="created", to_status="active", to_village_code=child.village_id,
                                     to_village_name=child.village.name, date=child.filed_on, reason="演示数据"))
        if child.status != "active":
            statuses.append(StatusChange(child_id=child.pk, kind="status", from_status="active", to_status=child.status, date=child.status_date or today,
                                         reason=child.status_reason))
    StatusChange.objects.bulk_create(statuses, batch_size=1000)
    audit_log(actor=officer or "demo", action="import", object_type="registry.child", region_code=county_code,
              summary=f"演示数据：生成 {len(kids)} 份儿童档案、{len(households)} 户家庭、{len(guardians)} 名监护人、{len(cares)} 条委托照护、{len(assistance)} 条救助记录")
    ctx.data["children"] = len(kids)
    ctx.say(f"    {len(kids)} children in {len(households)} households; {len(cares)} care arrangements; {len(assistance)} assistance records")

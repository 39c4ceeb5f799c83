"""Demo: a few dozen mandatory reports and cases in the demo county, across every stage (submitted and overdue,
declined, accepted, assessed, conference and interventions, placement and referrals, closure pending, closed and
reviewed, traced back, reopened). Generated from ctx.rng; never real people. The teacher ``jiaoshi`` has reports
at several stages (one closed, to see the plain-words outcome); ``jingcha`` signs for police; ``jingban`` handles;
``fuze`` approves closures; ``jiancha`` reviews."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tonghu.core.demo_loader import demo_step

WHAT = {
    "injuries_violence": ["学生手臂、背部多处淤青，自述被继父用皮带抽打。", "儿童脸部有新伤，称在家被打，不敢回家。"],
    "abandonment": ["儿童父母外出务工，祖母住院，孩子独自在家一周无人照料。", "孩子连续多日在村头小卖部门口过夜，无人看管。"],
    "abnormal_harm": ["学生在家误服农药，已送县医院抢救。", "儿童在无人看护时从二楼坠落受伤。"],
    "girl_under14_sexual": ["女生向班主任反映被邻居成年男子多次猥亵。"],
    "missing_trafficked": ["儿童已三天未到校，家长称孩子被亲戚带走，联系不上。"],
    "organised_begging": ["集市上有成年人带领两名儿童乞讨，儿童衣着单薄。"],
    "other_serious": ["儿童长期被监护人锁在家中，不让上学。"],
    "other": ["家长酒后经常打骂孩子，孩子情绪低落。"],
}
PLACES = ["家中", "学校门口", "村委会附近", "集市", "河边"]
OUTCOMES = ["儿童已得到妥善照料，相关部门已依法处理。", "经核查，儿童目前安全，村委会和学校将持续关注。", "相关部门已依法处理，儿童已回到学校正常上学。"]


@demo_step(50)
def reports_and_cases(ctx):
    from tonghu.accounts.models import User
    from tonghu.core.demo.names import person_name
    from tonghu.core.demo.regions import demo_county_code
    from tonghu.core.models import Region
    from tonghu.core.scoping import prefix_range
    from tonghu.registry.models import Child

    from . import services
    from .models import Report

    if Report.objects.exists():
        return
    county = demo_county_code()
    rng = ctx.rng
    users = {u.username: u for u in User.objects.filter(username__in=["jiaoshi", "jingcha", "jingban", "fuze", "jiancha", "zhuren001"])}
    if len(users) < 6:
        ctx.say("    demo accounts missing; no reports")
        return
    teacher, police, officer, manager, procurator = (users[k] for k in ("jiaoshi", "jingcha", "jingban", "fuze", "jiancha"))
    director = users["zhuren001"]
    villages = list(Region.objects.filter(level="village", code__range=prefix_range(county[:6])).order_by("code"))
    children = list(Child.objects.filter(village__code__range=prefix_range(county[:6])).order_by("pk")[:200])
    now = timezone.now()
    n = max(12, int(36 * ctx.scale))
    stages = ["submitted", "declined", "accepted", "assessed", "conference", "placement", "pending", "closed", "traced", "reopened"]
    made = {s: 0 for s in stages}
    with services.notifications_unsent():
        for i in range(n):
            stage = stages[i % len(stages)] if i < len(stages) * 2 else rng.choice(stages)
            situation = rng.choice(list(WHAT))
            danger = situation in ("injuries_violence", "girl_under14_sexual", "abnormal_harm") and rng.random() < 0.6
            filed = now - dt.timedelta(days=rng.randint(2, 120) if stage != "submitted" else 0, hours=rng.randint(1, 30))
            reporter = [teacher, police, director, officer][i % 4]
            kwargs = dict(situation=situation, what_happened=rng.choice(WHAT[situation]), immediate_danger=danger,
                          occurred_place=rng.choice(PLACES), occurred_at=filed - dt.timedelta(hours=rng.randint(1, 48)), now=filed)
            if children and rng.random() < 0.5 and reporter in (police, officer):
                kwargs["child"] = rng.choice(children)
            else:
                kwargs["region"] = director.region if reporter == director else rng.choice(villages)
                sex = rng.choice("MF")
                kwargs.update(child_name=person_name(rng, "01", sex) if rng.random() < 0.7 else "", child_age=rng.randint(4, 15),
                              child_sex=sex, child_description=rng.choice(["就读于镇中心小学", "个子较小，穿校服", "住在村东头"]))
            if reporter == officer:  # a 12345 call taken by the county officer
                kwargs.update(channel="hotline", caller_name=person_name(rng, "01", rng.choice("MF")) if rng.random() < 0.5 else "",
                              callback_number=f"139{rng.randint(10000000, 99999999)}", call_record="来电人反映：" + kwargs["what_happened"])
            report = services.report_file(actor=reporter, **kwargs)
            hours = rng.choice([0.5, 1, 1.5, 3, 6, 20, 30]) if not danger else rng.choice([0.3, 0.5, 1, 1.5, 3])
            step = filed + dt.timedelta(hours=hours)
            if stage != "submitted" and rng.random() < 0.8:
                services.report_acknowledge(actor=police, report=report, now=filed + dt.timedelta(hours=hours / 2))
            if stage == "submitted":
                made[stage] += 1
                continue
            if stage == "declined":
                services.report_decline(actor=officer, report=report, reason="与已受理的报告为同一事件", feedback="您反映的情况已在办理中，感谢您的报告。", now=step)
                made[stage] += 1
                continue
            case = services.report_accept(actor=officer, report=report, members=[director] if report.region_id == director.region_id else [], now=step)
            day = timezone.localdate(step)
            if stage == "accepted":
                made[stage] += 1
                continue
            services.case_assess(actor=officer, case=case, assessed_on=day, now=step + dt.timedelta(hours=rng.randint(2, 60)),
                                 scores={"child_safety": rng.randint(0, 3), "child_health": rng.randint(0, 2), "child_schooling": rng.randint(0, 2),
                                         "guardian_presence": rng.choice([0, 0, 1, 3]), "guardian_capacity": rng.randint(0, 3),
                                         "guardian_conduct": rng.randint(0, 3), "family_economy": rng.randint(0, 3), "family_support": rng.randint(0, 2)})
            if stage == "assessed":
                made[stage] += 1
                continue
            conf = min(step + dt.timedelta(days=rng.randint(1, 6)), now - dt.timedelta(hours=3))
            services.case_conference(actor=officer, case=case, held_on=timezone.localdate(conf), participants="县民政局、县公安局、镇政府、学校、村委会",
                                     minutes="通报儿童受侵害及家庭监护情况，分析监护风险。", decisions="依法处置侵害人；落实临时照料；学校做好心理疏导。", now=conf)
            kind, dept = rng.choice([("criminal_case", "public_security"), ("admin_penalty", "public_security"), ("protection_order", "court"),
                                     ("family_education", "womens_federation"), ("guardianship_supervision_order", "procuratorate")])
            by = police if dept == "public_security" and case.memberships.filter(user=police).exists() else officer
            services.case_intervention(actor=by, case=case, kind=kind, department=dept, started_on=timezone.localdate(conf),
                                       document_number=f"凌{rng.randint(100, 999)}号", now=conf)
            if stage == "conference":
                made[stage] += 1
                continue
            place = min(conf + dt.timedelta(days=1), now - dt.timedelta(hours=2))
            services.case_placement(actor=officer, case=case, kind=rng.choice(["relatives", "foster_family", "protection_institution", "welfare_institution"]),
                                    placed_with=rng.choice(["外祖母" + person_name(rng, "01", "F"), "县未成年人救助保护中心", "县儿童福利院", "寄养家庭"]),
                                    started_on=timezone.localdate(place), now=place)
            ref = services.case_referral(actor=officer, case=case, target_kind="service", target_name="县青少年心理辅导站", referred_on=timezone.localdate(place), now=place)
            services.referral_update(actor=officer, referral=ref, accepted=True, accepted_on=timezone.localdate(place) + dt.timedelta(days=2))
            if stage == "placement":
                made[stage] += 1
                continue
            follow = place + dt.timedelta(days=rng.randint(7, 20))
            if follow > now:
                follow = now - dt.timedelta(hours=1)
            services.case_followup(actor=officer, case=case, visited_on=timezone.localdate(follow), notes="儿童情况稳定，已正常上学。", now=follow)
            services.case_request_closure(actor=officer, case=case, summary="侵害已制止，监护已落实，转介服务已开展。", outcome_for_reporter=rng.choice(OUTCOMES), now=follow)
            if stage == "pending":
                made[stage] += 1
                continue
            closed = min(follow + dt.timedelta(days=rng.randint(1, 5)), now)
            services.case_decide_closure(actor=manager, case=case, approve=True, now=closed)
            if stage in ("traced", "closed"):
                services.case_review(actor=procurator, case=case, now=closed, compliant=stage != "traced",
                                     findings="受理、处置及时，符合规定。" if stage != "traced" else "卫生院接诊时已发现伤情，未履行强制报告义务。",
                                     **({"flag_unit": "某镇卫生院", "flag_department": "hospital", "flag_reason": "接诊时发现儿童多处伤痕未报告"} if stage == "traced" else {}))
            if stage == "reopened":
                services.case_reopen(actor=manager, case=case, reason="回访发现儿童再次受伤", now=closed)
            made[stage] += 1
        escalated = services.escalate_overdue(now=now)
    ctx.say(f"    {n} reports: " + ", ".join(f"{k} {v}" for k, v in made.items()) + f"; {escalated} escalations")

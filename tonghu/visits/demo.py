"""Demo: a year of visit history for the demo county, with some directors behind, so the supervisor pages tell a
story; problems (some resolved, some escalated); a census campaign in progress. Runs after the registry's children
exist (order 70); generated from ctx.rng, never real people."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tonghu.core.demo_loader import demo_step

NOTES = ["孩子在家写作业，精神状态好", "祖母身体尚可，家中整洁", "孩子近期成绩有进步", "与在外务工的母亲视频通话，情绪稳定",
         "家中储备粮食充足", "提醒监护人注意用电安全", "孩子自述在校与同学相处融洽"]
PROBLEMS = [("safety", "屋后鱼塘无护栏，孩子常去玩水", "high"), ("schooling", "近一个月多次迟到、作业未完成", "medium"),
            ("health", "视力下降，尚未配镜", "low"), ("guardianship", "祖父年迈行动不便，照料吃力", "medium"),
            ("psychology", "孩子沉默寡言，不愿与人交流", "medium"), ("living", "冬季取暖条件差", "low")]


@demo_step(70)
def visit_history(ctx):
    from tonghu.accounts.models import User
    from tonghu.core.roles import Role
    from tonghu.core.demo.regions import demo_county_code
    from tonghu.core.scoping import prefix_range
    from tonghu.registry.models import Child, ChildStatus

    from .models import Problem, ProblemStatus, Visit
    from .services import campaign_start, census_confirm, figures_backfill, figures_store, schedule_refresh

    county = demo_county_code()
    children = list(Child.objects.filter(village__code__range=prefix_range(county[:6]), status=ChildStatus.ACTIVE).order_by("pk"))
    if not children:
        ctx.say("    no children in the demo county yet (the registry's demo adds them); no visit history")
        return
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    directors = {u.region_id: u for u in User.objects.filter(role=Role.CHILD_DIRECTOR, region__code__range=prefix_range(county[:6])).order_by("username")}
    villages = sorted({c.village_id for c in children})
    # Most directors keep up; about one village in six is behind, one in twenty badly behind.
    diligence = {}
    for v in villages:
        r = ctx.rng.random()
        diligence[v] = 0.35 if r < 0.05 else 0.65 if r < 0.18 else 0.97
    visits, problems = [], []
    for child in children:
        d = diligence[child.village_id]
        director = directors.get(child.village_id)
        opened = max(start, timezone.localdate(child.created_at) - dt.timedelta(days=365))
        day, last_home = opened, opened
        while True:
            day = day + dt.timedelta(days=ctx.rng.randint(22, 31) if ctx.rng.random() < d else ctx.rng.randint(40, 75))
            if day > today - dt.timedelta(days=1):
                break
            home = (day - last_home).days >= ctx.rng.randint(70, 90)
            if home:
                last_home = day
            late = ctx.rng.random() < 0.06
            v = Visit(child=child, kind="home_visit" if home else "contact", method="in_person" if home else ctx.rng.choice(["phone", "phone", "video"]),
                      contacted_person="" if home else ctx.rng.choice(["祖母", "祖父", "儿童本人", "母亲", "父亲"]),
                      date=day, late_entry=late, recorded_by=director, notes=ctx.rng.choice(NOTES),
                      people_met=ctx.rng.choice(["祖母、儿童本人", "祖父、儿童本人", "儿童本人"]) if home else "",
                      living_conditions="砖混住房，生活用品齐全" if home else "", schooling="在校就读" if home else "",
                      near_water=(ctx.rng.random() < 0.15) if home else None)
            visits.append(v)
    Visit.objects.bulk_create(visits, batch_size=2000)
    for v in Visit.objects.filter(kind="home_visit", child__in=children).order_by("pk"):
        if ctx.rng.random() < 0.07:
            cat, text, sev = ctx.rng.choice(PROBLEMS)
            due = v.date + dt.timedelta(days={"high": 7, "medium": 15, "low": 30}[sev])
            p = Problem(child_id=v.child_id, visit=v, category=cat, description=text, severity=sev, owner=v.recorded_by, due_on=due)
            if due < today and ctx.rng.random() < 0.75:
                p.status, p.resolution, p.resolved_on = ProblemStatus.RESOLVED, "已协调村委会和学校解决", due - dt.timedelta(days=2)
            problems.append(p)
    Problem.objects.bulk_create(problems)
    for child in children:
        schedule_refresh(child, today=today)
    figures_backfill(months=12, today=today, prefix=county[:6])
    figures_store(today=today, prefix=county[:6])
    # Open problems past due move up (township, then county) as the nightly run would have done.
    from .services import problems_escalate

    escalated = problems_escalate(today=today)
    # A census campaign half-way through.
    officer = User.objects.filter(username="jingban").first()
    if officer is not None:
        from .models import CampaignVillage

        campaign = campaign_start(actor=officer, scope=officer.region, name=f"{today.year}年农村留守儿童和困境儿童全面摸底排查",
                                  deadline=today + dt.timedelta(days=12))
        by_village = {}
        for c in children:
            by_village.setdefault(c.village_id, []).append(c)
        for part in CampaignVillage.objects.filter(campaign=campaign).order_by("village_id"):
            director = directors.get(part.village_id)
            share = ctx.rng.choice([1.0, 1.0, 0.8, 0.5, 0.2, 0.0])
            for c in by_village.get(part.village_id, [])[: int(round(share * part.expected))]:
                if director is not None:
                    census_confirm(actor=director, part=part, child=c, outcome=ctx.rng.choice(["present"] * 8 + ["updated", "moved"]))
    behind = sorted(v for v, d in diligence.items() if d < 0.9)
    ctx.say(f"    {len(visits)} visits, {len(problems)} problems ({escalated} escalated), {len(behind)} villages behind")

"""Each jurisdiction's reporting calendar, phases and milestones (R-M1, R-M2) — read from the policy profiles
(``progress_reports.deadlines``, ``phases.items``, ``milestones.items``, cited and validated by the profile loader) —
and the reminders 7, 3 and 1 days before a progress report is due."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language

REMIND_DAYS = (7, 3, 1)


def _label(item) -> str:
    return str(item.get("en") if (get_language() or "").startswith("en") else item.get("zh"))


def _expand(items, start: dt.date, end: dt.date) -> list[dict]:
    """Dated (``date``) and yearly (``annual: MM-DD``, from_year … to_year) items falling in [start, end]."""
    out = []
    for it in items or []:
        dates = []
        if it.get("date"):
            dates = [it["date"]]
        elif it.get("annual"):
            month, day = (int(x) for x in str(it["annual"]).split("-"))
            dates = [dt.date(y, month, day) for y in range(int(it["from_year"]), int(it["to_year"]) + 1)]
        out += [{"date": d, "label": _label(it), "item": it} for d in dates if start <= d <= end]
    return sorted(out, key=lambda r: r["date"])


def _resolved(region_code: str, today: dt.date):
    from tonghu.policy.engine import profile_for_region

    try:
        return profile_for_region(region_code).at(today)
    except (KeyError, LookupError):
        return None


def _setting(rp, path):
    try:
        return rp.setting(path)
    except (KeyError, LookupError):
        return None


def calendar(region_code: str, *, today: dt.date, ahead_days: int = 400) -> dict:
    """The region's next progress-report deadlines, its current phase and its next milestones, each with the
    citation of the profile that sets it."""
    rp = _resolved(region_code, today)
    if rp is None:
        return {"deadlines": [], "phase": None, "milestones": [], "citations": {}}
    end = today + dt.timedelta(days=ahead_days)
    deadlines = _setting(rp, "progress_reports.deadlines")
    phases = _setting(rp, "phases.items")
    milestones = _setting(rp, "milestones.items")
    rows = _expand(deadlines.value if deadlines else [], today - dt.timedelta(days=31), end)
    for r in rows:
        r["days"] = (r["date"] - today).days
    phase = None
    for it in (phases.value if phases else []) or []:
        if (it.get("start") is None or it["start"] <= today) and (it.get("end") is None or today <= it["end"]):
            phase = {"label": _label(it), "start": it.get("start"), "end": it.get("end")}
    return {
        "deadlines": rows,
        "phase": phase,
        "milestones": _expand(milestones.value if milestones else [], today, end)[:5],
        "citations": {k: s.citation for k, s in (("deadlines", deadlines), ("phases", phases), ("milestones", milestones)) if s},
        "profile": rp.name_zh,
    }


def deadline_reminders(*, today: dt.date) -> int:
    """Notify each county's and city's responsible staff 7, 3 and 1 days before a progress report of their
    jurisdiction is due (once per region, deadline and step: a second run the same day sends nothing)."""
    from tonghu.accounts.models import User
    from tonghu.accounts.roles import Role
    from tonghu.core.models import Region
    from tonghu.visits.models import Notification
    from tonghu.visits.notify import notify

    sent = 0
    recipients = {"county": [Role.COUNTY_MANAGER, Role.COUNTY_OFFICER], "city": [Role.CITY_STAFF]}
    users = {}
    for u in User.objects.filter(role__in=[*recipients["county"], *recipients["city"]], is_active=True).exclude(region=None):
        users.setdefault(u.region_id, []).append(u)
    for region in Region.objects.filter(level__in=list(recipients), code__in=list(users)).order_by("code"):
        for row in calendar(region.code, today=today, ahead_days=max(REMIND_DAYS))["deadlines"]:
            if row["days"] not in REMIND_DAYS:
                continue
            kind = f"report:{region.code}:{row['date']:%Y%m%d}:{row['days']}"
            for user in users[region.code]:
                if user.role not in recipients[region.level] or Notification.objects.filter(user=user, kind=kind).exists():
                    continue
                from django.utils.translation import ngettext

                notify(user, kind=kind, title=ngettext("进展情况报送：还有 %(n)d 天（%(date)s）", "进展情况报送：还有 %(n)d 天（%(date)s）",
                                                       row["days"]) % {"n": row["days"], "date": row["date"].isoformat()},
                       body=row["item"].get("zh", ""), url="/supervision/")
                sent += 1
    return sent

"""Every write of the workforce app: the ledger of people (R-J2), director handovers, training (R-J4) and background
checks (R-F7). Each service is atomic and audited; errors are ``ValidationError`` with a Chinese message per field.

A director handover moves, on the same day, everything that names the leaving director to the successor: the
children's files (``Child.director`` and the registered name and phone), the visit problems they own, and their
membership of open cases; visit tasks are bound to the village and so reach the successor through their account.
Nothing is left naming the predecessor (tests/test_handover.py). The director is not one of the facts that
classification or visit schedules read (``tonghu.policy.childfacts``), so no ``facts_changed`` is fired.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.accounts.roles import Role
from tonghu.audit.services import audit_log
from tonghu.core.reference.idnumber import check_id_number, mask_id_number
from tonghu.core.versioning import bump, check_version

from .models import Attendance, BackgroundCheck, CheckResult, Course, CourseLevel, Handover, Person, PersonKind

PERSON_FIELDS = ["kind", "name", "sex", "id_number", "phone", "region", "user", "employment", "other_duties",
                 "appointed_on", "note"]
COURSE_FIELDS = ["region", "level", "title", "topic", "date", "hours", "organiser", "demonstration"]
CHECK_FIELDS = ["checked_on", "result", "checked_by", "next_due", "note"]

# where each kind of person serves
KIND_LEVELS = {
    PersonKind.DIRECTOR: ("village",),
    PersonKind.SUPERVISOR: ("township",),
    PersonKind.INSTITUTION_STAFF: ("county", "township", "village"),
    PersonKind.VOLUNTEER: ("county", "township", "village"),
}
KIND_ROLES = {PersonKind.DIRECTOR: Role.CHILD_DIRECTOR, PersonKind.SUPERVISOR: Role.SUPERVISOR}
LEVEL_OF_COURSE = {"province": CourseLevel.PROVINCE, "city": CourseLevel.CITY, "county": CourseLevel.COUNTY,
                   "township": CourseLevel.TOWNSHIP}


def _today() -> dt.date:
    return timezone.localdate()


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _check_in_scope(actor, region, errors, field="region"):
    prefix = getattr(getattr(actor, "region", None), "prefix", None)
    if getattr(actor, "is_authenticated", False) and region is not None and (prefix is None or not region.code.startswith(prefix)):
        errors.setdefault(field, []).append(_("“%(r)s”不在您的辖区内") % {"r": region.name})


# --------------------------------------------------------------------------------------------- assignment


def adverse_check(person: Person) -> BackgroundCheck | None:
    """The person's latest background check if its result is adverse (R-F7), else None."""
    latest = person.checks.order_by("-checked_on", "-id").first() if person.pk else None
    return latest if latest is not None and latest.result == CheckResult.ADVERSE else None


def assert_assignable(person: Person, field: str = "successor") -> None:
    """Refuse to assign ``person`` to children when their latest background check found a record (R-F7; seed 002
    §三(二)4「对有性侵害等未成年人犯罪记录的人员，应立即将该人员调离岗位」)."""
    if adverse_check(person) is not None:
        raise ValidationError({field: [_("%(name)s的入职查询结果为有违法犯罪记录，不能安排其服务儿童。请另选人员。") % {"name": person.name}]})


def account_refusal(user) -> str | None:
    """The ``core.assignment`` check: a user whose ledger person has an adverse latest background check may not be
    assigned to children's files (registry services call it when a file's director changes)."""
    person = Person.objects.filter(user_id=getattr(user, "pk", None)).first()
    if person is not None and adverse_check(person) is not None:
        return _("%(name)s的入职查询结果为有违法犯罪记录，不能安排其服务儿童。请另选人员。") % {"name": person.name}
    return None


# --------------------------------------------------------------------------------------------- the ledger


def _validate_person(actor, data: dict, current: Person | None) -> dict:
    errors: dict[str, list[str]] = {}
    data["name"] = (data.get("name") or "").strip()
    if not data["name"]:
        errors["name"] = [_("请填写姓名")]
    kind = data.get("kind") or PersonKind.DIRECTOR
    if kind not in PersonKind.values:
        errors["kind"] = [_("人员类别无效")]
        kind = PersonKind.DIRECTOR
    data["kind"] = kind
    region = data.get("region")
    if region is None:
        errors["region"] = [_("请选择服务的村（社区）或乡镇（街道）")]
    else:
        if region.level not in KIND_LEVELS[kind]:
            errors["region"] = [_("%(kind)s应登记在%(levels)s，所选“%(r)s”是%(level)s") % {
                "kind": PersonKind(kind).label, "r": region.name, "level": region.get_level_display(),
                "levels": "、".join({"village": _("村（社区）"), "township": _("乡镇（街道）"), "county": _("县（市、区）")}[x] for x in KIND_LEVELS[kind])}]
        _check_in_scope(actor, region, errors)
    raw_id = data.get("id_number")
    if raw_id and str(raw_id).strip():
        result = check_id_number(raw_id, sex=data.get("sex") or None)
        if result.errors:
            errors["id_number"] = list(result.errors)
        data["id_number"] = result.normalized or None
    else:
        data["id_number"] = None
    appointed = data.get("appointed_on")
    if not appointed:
        errors["appointed_on"] = [_("请填写任职日期")]
    elif appointed > _today():
        errors["appointed_on"] = [_("任职日期不能晚于今天")]
    user = data.get("user")
    if user is not None:
        want = KIND_ROLES.get(kind)
        if want and user.role != want:
            errors.setdefault("user", []).append(_("账号“%(u)s”的角色是“%(role)s”，不是“%(want)s”") % {
                "u": user.username, "role": user.get_role_display() or "-", "want": Role(want).label})
        if region is not None and user.region_id and not user.region_id.startswith(region.prefix):
            errors.setdefault("user", []).append(_("账号“%(u)s”所属区域不是“%(r)s”") % {"u": user.username, "r": region.name})
        taken = Person.objects.filter(user=user).exclude(pk=getattr(current, "pk", None)).first()
        if taken is not None:
            errors.setdefault("user", []).append(_("账号“%(u)s”已关联台账人员“%(p)s”") % {"u": user.username, "p": taken.name})
    return errors


def _audit_person(person: Person, before: dict | None, after: dict) -> dict:
    changes = {}
    for k, v in after.items():
        b = (before or {}).get(k)
        if b != v:
            if k == "id_number":
                b, v = mask_id_number(b) if b else b, mask_id_number(v) if v else v
            changes[k] = [b, v]
    return changes


def _snapshot(person: Person, fields) -> dict:
    out = {}
    for f in fields:
        v = getattr(person, f + "_id") if f in ("region", "user") else getattr(person, f)
        out[f] = v
    return out


@transaction.atomic
def person_create(*, actor, data: dict) -> Person:
    """Enter a person into the ledger (R-J2)."""
    data = {k: data.get(k) for k in PERSON_FIELDS if k in data}
    errors = _validate_person(actor, data, None)
    _raise(errors)
    person = Person(**{k: v for k, v in data.items() if v is not None or k in ("id_number", "user")})
    for k in ("phone", "other_duties", "note", "sex"):
        setattr(person, k, (getattr(person, k) or "").strip())
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise ValidationError({"id_number": [_("该身份证号码已在台账中登记，不能重复登记")]}) from exc
    audit_log(actor=actor, action="create", obj=person, summary=_("登记%(kind)s") % {"kind": person.get_kind_display()},
              changes=_audit_person(person, None, _snapshot(person, PERSON_FIELDS)))
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict, expected_version) -> Person:
    """Change a ledger entry; ``expected_version`` is the version the user loaded (conflicting edits are refused)."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    check_version(current, expected_version)
    merged = _snapshot(current, PERSON_FIELDS)
    merged["region"], merged["user"] = current.region, current.user
    merged.update({k: v for k, v in data.items() if k in PERSON_FIELDS})
    errors = _validate_person(actor, merged, current)
    if current.left_on and merged["region"].code != current.region_id:
        errors.setdefault("region", []).append(_("已离任人员不能改变服务区域"))
    _raise(errors)
    before = _snapshot(current, PERSON_FIELDS)
    for k in PERSON_FIELDS:
        v = merged.get(k)
        if k in ("phone", "other_duties", "note", "sex"):
            v = (v or "").strip()
        setattr(current, k, v)
    after = _snapshot(current, PERSON_FIELDS)
    if before == after:
        return current
    old, new = bump(current)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise ValidationError({"id_number": [_("该身份证号码已在台账中登记，不能重复登记")]}) from exc
    changes = _audit_person(current, before, after)
    changes["version"] = [old, new]
    audit_log(actor=actor, action="update", obj=current, summary=_("修改台账人员信息"), changes=changes)
    return current


def _directed_children(person: Person):
    Child = apps.get_model("registry", "Child")
    from django.db.models import Q

    q = Q(director_name=person.name, village_id=person.region_id, director__isnull=True)
    if person.user_id:
        q |= Q(director_id=person.user_id)
    return Child.objects.filter(q)


@transaction.atomic
def person_leave(*, actor, person: Person, on: dt.date, reason: str) -> Person:
    """Record that a person left (no successor yet: the village becomes a vacancy on the coverage page). A director
    who still has children's files must be replaced with :func:`director_handover` so that no file is orphaned."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if current.left_on:
        errors["left_on"] = [_("%(name)s已于 %(d)s 离任") % {"name": current.name, "d": current.left_on}]
    if not reason:
        errors["reason"] = [_("请填写离任原因")]
    if on is None:
        errors["left_on"] = [_("请填写离任日期")]
    elif on < current.appointed_on:
        errors["left_on"] = [_("离任日期早于任职日期")]
    elif on > _today():
        errors["left_on"] = [_("离任日期不能晚于今天")]
    if current.kind == PersonKind.DIRECTOR:
        n = _directed_children(current).filter(status="active").count()
        if n:
            errors.setdefault("__all__", []).append(_("%(name)s仍负责 %(n)d 名儿童的档案，请办理交接，把档案移交给接任的儿童主任。") % {"name": current.name, "n": n})
    _raise(errors)
    current.left_on, current.leave_reason = on, reason
    old, new = bump(current)
    current.save(update_fields=["left_on", "leave_reason", "version", "updated_at"])
    audit_log(actor=actor, action="update", obj=current, summary=_("登记离任"),
              changes={"left_on": [None, on], "leave_reason": ["", reason], "version": [old, new]})
    return current


@transaction.atomic
def director_handover(*, actor, predecessor: Person, successor: Person, on: dt.date | None = None, reason: str,
                      deactivate_account: bool = True) -> Handover:
    """Replace a village's child director by ``successor`` on ``on`` (R-J2): the predecessor leaves that day and
    their children's files, open problems and open cases move to the successor the same day; nothing keeps naming
    the predecessor. The successor must be a serving director of the same village with an active child-director
    account there (the visit tasks of a village reach its directors through their accounts), and must not have an
    adverse background check (R-F7). Audited once for the handover and once per child file changed."""
    on = on or _today()
    pred = Person.objects.select_for_update(of=("self",)).select_related("region", "user").get(pk=predecessor.pk)
    succ = Person.objects.select_for_update(of=("self",)).select_related("region", "user").get(pk=successor.pk)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if pred.kind != PersonKind.DIRECTOR:
        errors.setdefault("__all__", []).append(_("只有儿童主任需要办理交接"))
    if pred.left_on:
        errors.setdefault("__all__", []).append(_("%(name)s已于 %(d)s 离任") % {"name": pred.name, "d": pred.left_on})
    if not reason:
        errors["reason"] = [_("请填写交接原因")]
    if on > _today():
        errors["on"] = [_("交接日期不能晚于今天")]
    elif on < pred.appointed_on:
        errors["on"] = [_("交接日期早于原儿童主任的任职日期")]
    if succ.pk == pred.pk:
        errors["successor"] = [_("接任人不能是原儿童主任本人")]
    elif succ.kind != PersonKind.DIRECTOR or succ.region_id != pred.region_id:
        errors["successor"] = [_("接任人须是本村（社区）台账中的儿童主任：请先在台账中登记接任人")]
    elif succ.left_on:
        errors["successor"] = [_("%(name)s已离任") % {"name": succ.name}]
    elif succ.user is None or not succ.user.is_active or succ.user.role != Role.CHILD_DIRECTOR or succ.user.region_id != pred.region_id:
        errors["successor"] = [_("接任人须有本村（社区）有效的儿童主任账号，走访任务和儿童档案才能交给他（她）。请先在账号管理中开通，再办理交接。")]
    _check_in_scope(actor, pred.region, errors, "__all__")
    _raise(errors)
    assert_assignable(succ)

    # children's files
    Child = apps.get_model("registry", "Child")
    children = list(_directed_children(pred).select_for_update(of=("self",)).order_by("pk"))
    now_user = _user_or_none(actor)
    for child in children:
        before = {"director": child.director_id, "director_name": child.director_name, "director_phone": child.director_phone}
        child.director_id, child.director_name, child.director_phone = succ.user_id, succ.name, succ.phone
        child.version += 1
        child.updated_by = now_user
        Child.objects.filter(pk=child.pk).update(director_id=succ.user_id, director_name=succ.name, director_phone=succ.phone,
                                                 version=child.version, updated_by=now_user, updated_at=timezone.now())
        after = {"director": succ.user_id, "director_name": succ.name, "director_phone": succ.phone}
        audit_log(actor=actor, action="update", obj=child, summary=_("儿童主任交接：档案移交给%(name)s") % {"name": succ.name},
                  changes={**{k: [before[k], after[k]] for k in after if before[k] != after[k]}, "version": [child.version - 1, child.version]})

    problems = cases = 0
    if pred.user_id:
        if apps.is_installed("tonghu.visits"):
            Problem = apps.get_model("visits", "Problem")
            problems = Problem.objects.filter(owner_id=pred.user_id).exclude(status="resolved").update(owner_id=succ.user_id)
        if apps.is_installed("tonghu.cases"):
            CaseMember = apps.get_model("cases", "CaseMember")
            memberships = CaseMember.objects.filter(user_id=pred.user_id).exclude(case__status="closed")
            for m in memberships:
                if CaseMember.objects.filter(case_id=m.case_id, user_id=succ.user_id).exists():
                    m.delete()
                else:
                    m.user_id = succ.user_id
                    m.save(update_fields=["user"])
                cases += 1

    deactivated = False
    if deactivate_account and pred.user is not None and pred.user.is_active and pred.user.region_id == pred.region_id:
        from tonghu.accounts.services import revoke_all

        pred.user.is_active = False
        pred.user.save(update_fields=["is_active"])
        revoke_all(user=pred.user, reason=_("儿童主任交接，账号停用"), actor=actor)
        audit_log(actor=actor, action="update", obj=pred.user, region_code=pred.region_id, summary=_("儿童主任交接：停用原儿童主任账号"),
                  changes={"is_active": [True, False]})
        deactivated = True

    pred.left_on, pred.leave_reason = on, reason
    old, new = bump(pred)
    pred.save(update_fields=["left_on", "leave_reason", "version", "updated_at"])
    handover = Handover.objects.create(region=pred.region, predecessor=pred, successor=succ, date=on, reason=reason,
                                       children_moved=len(children), problems_moved=problems, cases_moved=cases,
                                       account_deactivated=deactivated, actor=now_user)
    audit_log(actor=actor, action="create", obj=handover, summary=_("儿童主任交接：%(a)s → %(b)s") % {"a": pred.name, "b": succ.name},
              changes={"children": [None, [c.pk for c in children]], "problems": [None, problems], "cases": [None, cases],
                       "left_on": [None, on], "predecessor_version": [old, new]})
    return handover


# --------------------------------------------------------------------------------------------- training


def _validate_course(actor, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    for f, label in (("title", _("培训名称")), ("organiser", _("组织单位"))):
        data[f] = (data.get(f) or "").strip()
        if not data[f]:
            errors[f] = [_("请填写%(f)s") % {"f": label}]
    data["topic"] = (data.get("topic") or "").strip()
    region = data.get("region")
    if region is None:
        errors["region"] = [_("请选择组织区域")]
    else:
        _check_in_scope(actor, region, errors)
        if region.level not in LEVEL_OF_COURSE:
            errors.setdefault("region", []).append(_("组织区域应为省、市、县或乡镇"))
        else:
            data["level"] = LEVEL_OF_COURSE[region.level]
    if not data.get("date"):
        errors["date"] = [_("请填写培训日期")]
    elif data["date"] > _today() + dt.timedelta(days=366):
        errors["date"] = [_("培训日期太远")]
    hours = data.get("hours")
    if hours is None or hours <= 0 or hours > 200:
        errors["hours"] = [_("学时应大于 0 且不超过 200")]
    data["demonstration"] = bool(data.get("demonstration"))
    if data["demonstration"] and region is not None and region.level not in ("province", "city"):
        errors["demonstration"] = [_("示范培训由省（自治区）或市（地、州）组织（R-J4）")]
    return errors


@transaction.atomic
def course_create(*, actor, data: dict) -> Course:
    """Record a training course (R-J4)."""
    data = {k: data.get(k) for k in COURSE_FIELDS}
    _raise(_validate_course(actor, data))
    course = Course.objects.create(**data, created_by=_user_or_none(actor))
    audit_log(actor=actor, action="create", obj=course, summary=_("登记培训"),
              changes={k: [None, getattr(course, k + "_id" if k == "region" else k)] for k in COURSE_FIELDS})
    return course


@transaction.atomic
def course_update(*, actor, course: Course, data: dict, expected_version) -> Course:
    current = Course.objects.select_for_update().get(pk=course.pk)
    check_version(current, expected_version)
    merged = {k: getattr(current, k) for k in COURSE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in COURSE_FIELDS})
    _raise(_validate_course(actor, merged))
    changes = {}
    for k in COURSE_FIELDS:
        before = getattr(current, k)
        if before != merged[k]:
            changes[k] = [getattr(before, "pk", before), getattr(merged[k], "pk", merged[k])]
            setattr(current, k, merged[k])
    if not changes:
        return current
    changes["version"] = list(bump(current))
    current.save()
    audit_log(actor=actor, action="update", obj=current, summary=_("修改培训"), changes=changes)
    return current


@transaction.atomic
def attendance_record(*, actor, course: Course, people, certificates: dict | None = None) -> list[Attendance]:
    """Record that ``people`` attended ``course`` (a person already recorded is kept, not doubled); ``certificates``
    maps a person's pk to a certificate number. Returns the rows created."""
    certificates = certificates or {}
    errors: dict[str, list[str]] = {}
    people = list(people)
    if not people:
        errors["people"] = [_("请选择参训人员")]
    for p in people:
        _check_in_scope(actor, p.region, errors, "people")
        if p.appointed_on > course.date or (p.left_on and p.left_on <= course.date):
            errors.setdefault("people", []).append(_("%(name)s在培训日期 %(d)s 不在任") % {"name": p.name, "d": course.date})
    _raise(errors)
    existing = set(Attendance.objects.filter(course=course, person__in=people).values_list("person_id", flat=True))
    made = []
    for p in people:
        if p.pk in existing:
            continue
        a = Attendance.objects.create(course=course, person=p, certificate_no=(certificates.get(p.pk) or "").strip(),
                                      recorded_by=_user_or_none(actor))
        made.append(a)
    if made:
        audit_log(actor=actor, action="create", obj=course, summary=_("登记参训人员 %(n)d 名") % {"n": len(made)},
                  changes={"attendance": [None, [a.person_id for a in made]]})
    return made


# --------------------------------------------------------------------------------------------- background checks


@transaction.atomic
def check_record(*, actor, person: Person, data: dict) -> BackgroundCheck:
    """Record a background check (入职查询, R-F7). An adverse result blocks assigning the person to children
    (:func:`assert_assignable`); the ledger shows county managers that a serving person must be moved off the post."""
    data = {k: data.get(k) for k in CHECK_FIELDS}
    errors: dict[str, list[str]] = {}
    if not data.get("checked_on"):
        errors["checked_on"] = [_("请填写查询日期")]
    elif data["checked_on"] > _today():
        errors["checked_on"] = [_("查询日期不能晚于今天")]
    if data.get("result") not in CheckResult.values:
        errors["result"] = [_("请选择查询结果")]
    data["checked_by"] = (data.get("checked_by") or "").strip()
    if not data["checked_by"]:
        errors["checked_by"] = [_("请填写查询单位")]
    if data.get("next_due") and data.get("checked_on") and data["next_due"] <= data["checked_on"]:
        errors["next_due"] = [_("下次查询日期应晚于本次查询日期")]
    data["note"] = (data.get("note") or "").strip()
    _check_in_scope(actor, person.region, errors, "__all__")
    _raise(errors)
    check = BackgroundCheck.objects.create(person=person, recorded_by=_user_or_none(actor), **data)
    # the audit trail names the check but never its result (it is seen only by county managers)
    audit_log(actor=actor, action="create", obj=check, summary=_("登记入职查询"), changes={"checked_on": [None, check.checked_on]})
    return check

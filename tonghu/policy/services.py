"""Writes of the policy app: profiles (load, new versions), classification, date-driven re-evaluation, gaps.

* :func:`policy_load` seeds/updates the database profiles from ``profiles/*.yaml`` (``tonghu policy-load``;
  ``tonghu demo`` runs it). A stored version is never changed: a file version whose label already exists with
  different settings is reported as a conflict, not applied.
* :func:`profile_version_create` is the only way an administrator changes rules: a NEW version with an
  ``effective_from`` (today or later), validated by the engine for this profile and every profile inheriting from
  it before it is saved.
* :func:`classification_refresh` is THE one function that computes and stores a child's classification
  (``child_facts`` → ``engine.classify`` → gaps → next change date), keeps the history and notifies people. The
  registry's services call it after any change of a child's facts; the daily job and the "重新认定" button call
  it too.
* :func:`classification_daily` re-evaluates the children whose stored next change date has come (R-A4).
* :func:`gap_decide` records an officer's decision on an 应保尽保 gap (R-E1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log, diff

from . import engine
from .childfacts import child_facts, facts_queryset
from .facts import ChildFacts, FactsError
from .labels import ENTRY_SECTIONS, profile_error_zh, scheme_label
from .models import (
    ChangeTrigger,
    ChildClassification,
    ClassificationChange,
    Decision,
    EntitlementGap,
    GapDecision,
    Origin,
    PolicyProfile,
    PolicyProfileVersion,
)
from .profile import Profile, ProfileError, read_profile_documents
from .store import documents_from_db, jsonable, revive_dates

log = logging.getLogger(__name__)

SYSTEM = "system"


# ------------------------------------------------------------------------------------------- profiles


def _parents_first(docs: dict[str, dict]) -> list[str]:
    order: list[str] = []

    def visit(key: str) -> None:
        if key in order:
            return
        parent = docs[key].get("parent")
        if parent and parent in docs:
            visit(parent)
        order.append(key)

    for key in sorted(docs):
        visit(key)
    return order


@transaction.atomic
def policy_load(*, actor=None, directory: Path | str | None = None) -> dict[str, Any]:
    """Create the profiles and versions of the YAML files that the database lacks. Returns a report."""
    docs = read_profile_documents(directory)
    engine.profiles_from_documents(docs)  # the files themselves must be valid
    report: dict[str, Any] = {"profiles_created": [], "versions_created": [], "unchanged": 0, "conflicts": []}
    rows: dict[str, PolicyProfile] = {p.key: p for p in PolicyProfile.objects.all()}
    for key in _parents_first(docs):
        doc = docs[key]
        fields = {
            "name_zh": str(doc["name"]["zh"]), "name_en": str(doc["name"]["en"]),
            "parent": rows.get(doc.get("parent")) if doc.get("parent") else None,
            "region_prefix": str(doc["region"]["prefix"] or ""), "region_source": str(doc["region"]["source"]),
            "document_zh": str((doc.get("document") or {}).get("zh", "")),
            "seed": str((doc.get("document") or {}).get("seed") or ""),
        }
        row = rows.get(key)
        if row is None:
            row = PolicyProfile.objects.create(key=key, **fields)
            rows[key] = row
            report["profiles_created"].append(key)
        else:
            changed = {k: v for k, v in fields.items() if getattr(row, k) != v}
            if changed:
                for k, v in changed.items():
                    setattr(row, k, v)
                row.save()
        existing = {v.version: v for v in row.versions.all()}
        dates = {v.effective_from: v for v in existing.values()}
        for v in doc["versions"]:
            label = str(v["version"])
            settings = jsonable(v.get("settings") or {})
            effective = v["effective_from"] if isinstance(v["effective_from"], dt.date) else dt.date.fromisoformat(str(v["effective_from"]))
            stored = existing.get(label)
            if stored is not None:
                if stored.settings != settings or stored.effective_from != effective:
                    report["conflicts"].append(f"{key}@{label}")
                else:
                    report["unchanged"] += 1
                continue
            if effective in dates:
                report["conflicts"].append(f"{key}@{label}")
                continue
            PolicyProfileVersion.objects.create(profile=row, version=label, effective_from=effective,
                                                source=str(v["source"]), settings=settings, origin=Origin.FILE,
                                                created_by=actor if getattr(actor, "is_authenticated", False) else None)
            report["versions_created"].append(f"{key}@{label}")
    engine.profiles_from_documents(documents_from_db())  # the union must be valid too, or nothing is saved
    if report["versions_created"] or report["profiles_created"]:
        audit_log(actor=actor or "tonghu policy-load", action="admin", object_type="policy.policyprofile",
                  object_repr=_("认定规则方案"), summary=_("从规则文件载入认定规则：%(v)s") % {"v": "、".join(report["versions_created"])})
    return report


def profiles_visible_to(user) -> list[PolicyProfile]:
    """Profiles that apply to the user's region (its chain) or lie inside it."""
    region = getattr(user, "region", None)
    if region is None:
        return []
    code, prefix = region.code, region.prefix
    return [p for p in PolicyProfile.objects.select_related("parent")
            if code.startswith(p.region_prefix) or (p.region_prefix and p.region_prefix.startswith(prefix))]


def can_edit_profile(user, profile: PolicyProfile) -> bool:
    """Editing needs ``policy.edit_profiles`` and a profile whose region lies within the user's region (the
    national default is changed through the files and ``tonghu policy-load`` only)."""
    from tonghu.core.capabilities import has_capability

    region = getattr(user, "region", None)
    return bool(region is not None and has_capability(user, "policy.edit_profiles") and profile.region_prefix
                and profile.region_prefix.startswith(region.prefix))


def setting_is_entry(path: str) -> bool:
    return any(path.startswith(s + ".") for s in ENTRY_SECTIONS)


def overlay_for(path: str, value: Any, source: str) -> dict[str, Any]:
    """A one-setting change as a version's settings document (nested by the dotted path)."""
    if setting_is_entry(path):
        if not isinstance(value, dict):
            raise ValidationError({"value": _("“%(path)s”是一个条目，值必须写成 {键: 值, …} 的形式") % {"path": path}})
        node: dict[str, Any] = {**{k: v for k, v in value.items() if k not in ("source", "note", "inherit")}, "source": source}
    else:
        node = {"value": value, "source": source}
    for part in reversed(path.split(".")):
        node = {part: node}
    return node


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and "source" not in v and "inherit" not in v:
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _descendants(profiles: dict[str, Profile], key: str) -> set[str]:
    return {k for k, p in profiles.items() if any(q.key == key for q in p.chain())}


@transaction.atomic
def profile_version_create(*, actor, profile: PolicyProfile, effective_from: dt.date, changes: dict[str, Any],
                           source: str, reason: str = "", version: str | None = None) -> PolicyProfileVersion:
    """Add a new version to ``profile`` (never edits an existing one). Raises ``ValidationError`` with a Chinese
    message naming the offending setting."""
    today = timezone.localdate()
    profile = PolicyProfile.objects.select_for_update().get(pk=profile.pk)  # one new version at a time
    if effective_from < today:
        raise ValidationError({"effective_from": _("生效日期不能早于今天（%(d)s）：已生效的规则不能追溯修改，请新建版本") % {"d": today.isoformat()}})
    if not source or not source.strip():
        raise ValidationError({"source": _("请填写依据（文件名称、条款），每一项规则都要有出处")})
    if profile.versions.filter(effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _("该方案在 %(d)s 已有一个版本，请选择其他生效日期") % {"d": effective_from.isoformat()}})
    label = version or effective_from.isoformat()
    if profile.versions.filter(version=label).exists():
        raise ValidationError({"version": _("版本号“%(v)s”已存在") % {"v": label}})
    settings = jsonable(changes)
    docs = documents_from_db()
    if profile.key not in docs:
        raise ValidationError(_("方案“%(k)s”尚无任何版本") % {"k": profile.key})
    docs[profile.key]["versions"].append({"version": label, "effective_from": effective_from, "source": source,
                                          "settings": revive_dates(settings)})
    try:
        built = engine.profiles_from_documents(docs)
    except ProfileError as exc:
        path, message = profile_error_zh(str(exc))
        raise ValidationError({"value" if path else "__all__": message}) from None
    before = built[profile.key].at(effective_from - dt.timedelta(days=1)) if effective_from > dt.date.min else None
    row = PolicyProfileVersion.objects.create(profile=profile, version=label, effective_from=effective_from,
                                              source=source.strip(), settings=settings, reason=reason.strip(),
                                              origin=Origin.ADMIN, created_by=actor)
    after = built[profile.key].at(effective_from)
    changed = {}
    for path, s in after.walk():
        try:
            old = before.value(path) if before else None
        except ProfileError:
            old = None
        if old != s.value:
            changed[path] = [jsonable(old), jsonable(s.value)]
    audit_log(actor=actor, action="update", object_type="policy.policyprofile", object_id=str(profile.pk),
              object_repr=str(row), region_code=(profile.region_prefix.ljust(12, "0") if profile.region_prefix else ""),
              summary=_("新建认定规则版本 %(v)s，自 %(d)s 起生效") % {"v": str(row), "d": effective_from.isoformat()},
              changes=changed)
    # Children under this profile (or one inheriting from it) change on that date: the daily job re-evaluates them.
    affected = _descendants(built, profile.key)
    ChildClassification.objects.filter(profile_key__in=affected).filter(
        Q(next_change_on__isnull=True) | Q(next_change_on__gt=effective_from)
    ).update(next_change_on=effective_from, next_change={"date": effective_from.isoformat(), "causes_zh": [_("认定规则新版本 %(v)s 生效") % {"v": str(row)}], "profile": True})
    return row


@transaction.atomic
def profile_create(*, actor, region, source: str, effective_from: dt.date, name_zh: str = "", name_en: str = "",
                   key: str = "") -> PolicyProfile:
    """A profile of its own for ``region`` (a province, city or county inside the actor's region), inheriting every
    value from the profile that applies there today; its values are then changed with new versions."""
    from tonghu.core.scoping import in_scope

    if region is None or region.level not in ("province", "city", "county"):
        raise ValidationError({"region": _("只能为省、市、县级区划建立方案")})
    if not in_scope(actor, region.code):
        raise ValidationError({"region": _("所选区域不在您的辖区内")})
    if PolicyProfile.objects.filter(region_prefix=region.prefix).exists():
        raise ValidationError({"region": _("%(r)s 已有自己的方案，请在该方案中新建版本") % {"r": region.name}})
    if not source or not source.strip():
        raise ValidationError({"source": _("请填写依据（文件名称、条款），每一项规则都要有出处")})
    if effective_from < timezone.localdate():
        raise ValidationError({"effective_from": _("生效日期不能早于今天（%(d)s）：已生效的规则不能追溯修改，请新建版本") % {"d": timezone.localdate().isoformat()}})
    profiles = engine.load_profiles()
    from .profile import select_profile_key

    parent = PolicyProfile.objects.get(key=select_profile_key(region.code, profiles))
    key = key or f"r{region.prefix}"
    if PolicyProfile.objects.filter(key=key).exists():
        raise ValidationError({"key": _("方案代码“%(k)s”已存在") % {"k": key}})
    row = PolicyProfile.objects.create(key=key, name_zh=name_zh or region.name, name_en=name_en or key, parent=parent,
                                       region_prefix=region.prefix, region_source=_("%(name)s（区划代码 %(code)s）及其下级区划") % {"name": region.name, "code": region.code},
                                       document_zh=source.strip())
    PolicyProfileVersion.objects.create(profile=row, version="1", effective_from=effective_from, source=source.strip(),
                                        settings={}, reason=_("建立本级方案，沿用%(p)s的全部规则") % {"p": parent.name_zh},
                                        origin=Origin.ADMIN, created_by=actor)
    try:
        engine.profiles_from_documents(documents_from_db())
    except ProfileError as exc:  # pragma: no cover - an empty version inherits valid rules
        raise ValidationError(profile_error_zh(str(exc))[1]) from None
    audit_log(actor=actor, action="create", object_type="policy.policyprofile", object_id=str(row.pk), object_repr=row.name_zh,
              region_code=region.code, summary=_("建立认定规则方案“%(n)s”（继承%(p)s），自 %(d)s 起适用") % {"n": row.name_zh, "p": parent.name_zh, "d": effective_from.isoformat()})
    from tonghu.core.scoping import prefix_range

    ChildClassification.objects.filter(child__village__code__range=prefix_range(region.prefix)).filter(
        Q(next_change_on__isnull=True) | Q(next_change_on__gt=effective_from)
    ).update(next_change_on=effective_from, next_change={"date": effective_from.isoformat(), "causes_zh": [_("本辖区方案“%(n)s”开始适用") % {"n": row.name_zh}], "profile": True})
    return row


# --------------------------------------------------------------------------------------- classification


def _facts_hash(facts: ChildFacts) -> str:
    return hashlib.sha1(json.dumps(facts.to_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _profiles() -> dict[str, Profile]:
    return engine.load_profiles()


def compute(child, on: dt.date, profiles: dict[str, Profile] | None = None, facts: ChildFacts | None = None) -> dict[str, Any]:
    """Everything stored for one child on ``on`` (no database writes)."""
    profiles = profiles or _profiles()
    from .profile import select_profile_key

    profile = profiles[select_profile_key(child.village_id, profiles)]
    try:
        facts = facts or child_facts(child, on=on)
    except FactsError as exc:
        error = _("档案信息无法用于认定：字段 %(f)s：%(m)s") % {"f": exc.field, "m": exc.message_zh}
        return {"on": on, "categories": [], "pending": [], "explanation": {"error": error, "field": exc.field},
                "gaps": [], "profile_key": profile.key, "profile_version": profile.at(on).version_label,
                "next_change_on": None, "next_change": None, "facts_hash": ""}
    if facts.child.birth_date > on:
        on = facts.child.birth_date
    c = engine.classify(facts, profile, on)
    gaps = engine.entitlement_gaps(facts, c, profile)
    upcoming = engine.next_changes(facts, profile, on, limit=1)
    # A new profile version always re-evaluates (even when nothing changes for this child, its explanation cites
    # the version in force).
    later_versions = [d for d in profile.change_dates() if d > on]
    nxt = upcoming[0].to_dict() if upcoming else None
    nxt_date = upcoming[0].date if upcoming else None
    if later_versions and (nxt_date is None or later_versions[0] < nxt_date):
        nxt_date = later_versions[0]
        nxt = {"date": nxt_date.isoformat(), "causes_zh": [_("认定规则新版本生效")], "profile": True}
    explanation = c.to_dict()
    plan = engine.visit_plan(facts, c, profile)
    explanation["visits"] = plan.to_dict() if plan else None
    return {"on": on, "categories": c.categories, "pending": c.pending, "explanation": explanation,
            "gaps": [g.to_dict() for g in gaps], "profile_key": c.profile, "profile_version": c.profile_version,
            "next_change_on": nxt_date, "next_change": nxt, "facts_hash": _facts_hash(facts)}


def _apply(obj: ChildClassification, result: dict[str, Any], now) -> None:
    cats = result["categories"]
    obj.on = result["on"]
    obj.categories = cats
    obj.pending = result["pending"]
    obj.categories_text = " " + " ".join(cats + [f"{k}?" for k in result["pending"]]) + " "
    obj.left_behind = "left_behind" in cats
    obj.in_difficulty = "in_difficulty" in cats
    obj.single_parent = "single_parent" in cats
    obj.explanation = result["explanation"]
    obj.gaps = result["gaps"]
    obj.gap_count = len(result["gaps"])
    obj.profile_key = result["profile_key"]
    obj.profile_version = result["profile_version"]
    obj.next_change_on = result["next_change_on"]
    obj.next_change = result["next_change"]
    obj.facts_hash = result["facts_hash"]
    obj.computed_at = now


def _reason(trigger: str, previous: ChildClassification | None, on: dt.date, given: str) -> str:
    if given:
        return given
    if trigger == ChangeTrigger.DATE and previous is not None and previous.next_change:
        causes = "、".join(previous.next_change.get("causes_zh") or [])
        when = previous.next_change.get("date") or on.isoformat()
        return _("%(when)s：%(causes)s") % {"when": when, "causes": causes} if causes else _("时间推移")
    return str(ChangeTrigger(trigger).label)


def _recipients(child) -> list:
    from tonghu.accounts.selectors import responsible_users
    from tonghu.core.roles import Role

    people = []
    director = getattr(child, "director", None)
    if director is not None and director.is_active:
        people.append(director)
    people += [u for u in responsible_users(child.village_id, Role.COUNTY_OFFICER) if u not in people]
    return people


def _notify(change: ClassificationChange, child) -> list[str]:
    """Tell the child's director and the county officers (visits' in-app notifications when available)."""
    from tonghu.core.capabilities import has_capability

    from .selectors import describe_categories

    try:
        from tonghu.visits.notify import notify
    except ImportError:  # pragma: no cover - the visits app provides it; the history keeps who was told anyway
        notify = None
    names = []
    title = _("%(name)s 的儿童类别发生变化") % {"name": child.name}
    url = reverse("child_detail", kwargs={"pk": child.pk}) + "#policy"
    for user in _recipients(child):
        sensitive_ok = has_capability(user, "registry.view_sensitive")
        parts = []
        if change.entered:
            parts.append(_("新认定为：%(c)s") % {"c": describe_categories(change.entered, sensitive_ok)})
        if change.left:
            parts.append(_("不再属于：%(c)s") % {"c": describe_categories(change.left, sensitive_ok)})
        body = "；".join(parts) + "。" + _("原因：%(r)s") % {"r": change.reason}
        if notify is not None:
            notify(user, kind="policy_classification", title=title, body=body, url=url)
        names.append(user.username)
    return names


def _sync_gaps(child, gaps: list[dict], on: dt.date) -> None:
    existing = {g.scheme: g for g in EntitlementGap.objects.filter(child=child)}
    seen = set()
    for g in gaps:
        seen.add(g["scheme"])
        row = existing.get(g["scheme"])
        fields = {"status": g["status"], "reason_zh": g["reason_zh"], "rule": g["rule"], "source": g["source"],
                  "because": g.get("because") or []}
        if row is None:
            EntitlementGap.objects.create(child=child, scheme=g["scheme"], first_seen_on=on, open=True, **fields)
            continue
        if not row.open:  # reopened: a fresh, undecided gap
            row.open, row.first_seen_on, row.closed_on = True, on, None
            row.decision, row.decision_note, row.decided_by, row.decided_at = "", "", None, None
        for k, v in fields.items():
            setattr(row, k, v)
        row.save()
    for scheme, row in existing.items():
        if scheme not in seen and row.open:
            row.open, row.closed_on = False, on
            row.save(update_fields=["open", "closed_on"])


@transaction.atomic
def classification_refresh(*, child, on: dt.date | None = None, trigger: str = ChangeTrigger.FACTS, actor=None,
                           reason: str = "", profiles: dict[str, Profile] | None = None,
                           notify: bool = True) -> ChildClassification:
    """Compute and store ``child``'s classification on ``on`` (default today); keep the history of any change
    and notify the child's director and the county officers. Call it after ANY change of a child's facts."""
    on = on or timezone.localdate()
    now = timezone.now()
    result = compute(child, on, profiles)
    previous = ChildClassification.objects.select_for_update().filter(child=child).first()
    obj = previous or ChildClassification(child=child)
    before_cats = list(previous.categories) if previous else []
    before_pending = list(previous.pending) if previous else []
    reason_text = _reason(trigger, previous, on, reason)
    if previous is None and trigger != ChangeTrigger.MANUAL:
        trigger = ChangeTrigger.INITIAL
        reason_text = reason or str(ChangeTrigger.INITIAL.label)
    _apply(obj, result, now)
    obj.save()
    _sync_gaps(child, result["gaps"], on)
    after_cats, after_pending = result["categories"], result["pending"]
    if previous is None or before_cats != after_cats or before_pending != after_pending:
        change = ClassificationChange.objects.create(
            child=child, on=on, from_categories=before_cats, to_categories=after_cats, from_pending=before_pending,
            to_pending=after_pending, entered=[k for k in after_cats if k not in before_cats],
            left=[k for k in before_cats if k not in after_cats], trigger=trigger, reason=reason_text,
            profile_key=result["profile_key"], profile_version=result["profile_version"],
            actor=actor if getattr(actor, "is_authenticated", False) else None)
        if previous is not None:
            if notify and (change.entered or change.left):
                change.notified = _notify(change, child)
                change.save(update_fields=["notified"])
            from .selectors import SENSITIVE_KEYS, describe_categories

            def hide(keys):  # the audit trail never carries sensitive facts (docs/permissions.md rule 7)
                return [str(_("受限信息")) if k in SENSITIVE_KEYS else k for k in keys]

            audit_log(actor=actor or SYSTEM, action="status", obj=child,
                      summary=_("儿童类别变化：%(a)s → %(b)s（%(r)s）") % {
                          "a": describe_categories(before_cats, False), "b": describe_categories(after_cats, False), "r": reason_text},
                      changes={"categories": [hide(before_cats), hide(after_cats)],
                               "pending": [hide(before_pending), hide(after_pending)]})
    return obj


def classification_refresh_many(children: Iterable, *, on: dt.date | None = None, progress=None, actor=None) -> int:
    """Classify many children at once (the demo, ledger imports): children never classified get bulk inserts (no
    notifications: a first classification is not a change); children already classified go through
    :func:`classification_refresh` (history, notifications). Pass a queryset prepared with
    ``childfacts.facts_queryset`` to keep the number of queries constant."""
    on = on or timezone.localdate()
    now = timezone.now()
    profiles = _profiles()
    batch_c, batch_h, batch_g = [], [], []
    n = 0

    def flush():
        with transaction.atomic():
            ChildClassification.objects.bulk_create(batch_c, batch_size=500)
            ClassificationChange.objects.bulk_create(batch_h, batch_size=500)
            EntitlementGap.objects.bulk_create(batch_g, batch_size=500)
        batch_c.clear(), batch_h.clear(), batch_g.clear()

    for child, classified in _with_classified(children):
        if classified:
            classification_refresh(child=child, on=on, trigger=ChangeTrigger.FACTS, actor=actor, profiles=profiles)
            n += 1
            continue
        result = compute(child, on, profiles)
        obj = ChildClassification(child=child)
        _apply(obj, result, now)
        batch_c.append(obj)
        batch_h.append(ClassificationChange(child=child, on=on, to_categories=result["categories"],
                                            to_pending=result["pending"], entered=result["categories"],
                                            trigger=ChangeTrigger.INITIAL, reason=str(ChangeTrigger.INITIAL.label),
                                            profile_key=result["profile_key"], profile_version=result["profile_version"]))
        for g in result["gaps"]:
            batch_g.append(EntitlementGap(child=child, scheme=g["scheme"], status=g["status"], reason_zh=g["reason_zh"],
                                          rule=g["rule"], source=g["source"], because=g.get("because") or [],
                                          first_seen_on=on))
        n += 1
        if len(batch_c) >= 500:
            flush()
            if progress:
                progress(n)
    flush()
    return n


def _with_classified(children: Iterable, chunk: int = 500):
    """``(child, already classified?)`` for each child, looking the stored classifications up ``chunk`` at a time."""
    batch: list = []

    def emit():
        known = set(ChildClassification.objects.filter(child_id__in=[c.pk for c in batch]).values_list("child_id", flat=True))
        out = [(c, c.pk in known) for c in batch]
        batch.clear()
        return out

    for child in children:
        batch.append(child)
        if len(batch) >= chunk:
            yield from emit()
    if batch:
        yield from emit()


def classification_facts_changed(child_ids: list[int], *, reason: str = "", actor=None) -> None:
    """Subscriber of ``tonghu.core.events.facts_changed`` (order 10, before the visit schedules): recompute and
    store the classification of every child whose facts changed, in bulk."""
    from .childfacts import children_by_ids

    classification_refresh_many(children_by_ids(child_ids), actor=actor)


def _children_with_files():
    from tonghu.registry.models import Child

    return facts_queryset(Child.objects.filter(status="active"))


def classification_daily(*, on: dt.date | None = None, region_prefix: str = "", actor=None, progress=None,
                         everyone: bool = False) -> dict[str, int]:
    """Re-evaluate every open file whose next change date has come, and classify files never classified (R-A4).
    ``everyone``: re-evaluate every open file of the region (the 重新认定本辖区 button), not only the due ones."""
    from tonghu.core.scoping import prefix_range

    on = on or timezone.localdate()
    qs = _children_with_files()
    if region_prefix:
        qs = qs.filter(village__code__range=prefix_range(region_prefix))
    due = list(qs.filter(classification__next_change_on__lte=on).values_list("pk", flat=True))
    fresh = list(qs.filter(classification__isnull=True).values_list("pk", flat=True))
    others = list(qs.exclude(pk__in=due + fresh).values_list("pk", flat=True)) if everyone else []
    profiles = _profiles()
    todo = [(pk, ChangeTrigger.DATE) for pk in due + fresh] + [(pk, ChangeTrigger.MANUAL) for pk in others]
    changed = 0
    for i, (pk, trigger) in enumerate(todo, start=1):
        child = qs.get(pk=pk)
        before = ChildClassification.objects.filter(child=child).values_list("categories", "pending").first()
        obj = classification_refresh(child=child, on=on, trigger=trigger, actor=actor, profiles=profiles)
        if before is None or (list(before[0]), list(before[1])) != (obj.categories, obj.pending):
            changed += 1
        if progress:
            progress(i, len(todo))
    return {"checked": len(todo), "due": len(due), "new": len(fresh), "changed": changed}


# ------------------------------------------------------------------------------------------------ gaps


@transaction.atomic
def gap_decide(*, actor, gap: EntitlementGap, decision: str, note: str = "") -> EntitlementGap:
    """Record an officer's decision on a gap (kept in GapDecision; audited); the gap leaves the open list."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("请选择处理结果")})
    note = (note or "").strip()
    if decision == Decision.NOT_ELIGIBLE and not note:
        raise ValidationError({"note": _("选择“经核实不符合条件”时，请写明不符合的原因")})
    gap = EntitlementGap.objects.select_for_update().get(pk=gap.pk)
    before = {"decision": gap.decision, "decision_note": gap.decision_note}
    gap.decision, gap.decision_note = decision, note
    gap.decided_by, gap.decided_at = actor, timezone.now()
    gap.save()
    GapDecision.objects.create(gap=gap, decision=decision, note=note, decided_by=actor)
    from .selectors import SENSITIVE_SCHEMES

    scheme = str(_("受限信息")) if gap.scheme in SENSITIVE_SCHEMES else scheme_label(gap.scheme)
    audit_log(actor=actor, action="update", obj=gap.child,
              summary=_("应保尽保处理：%(s)s — %(d)s") % {"s": scheme, "d": Decision(decision).label},
              changes=diff(before, {"decision": decision, "decision_note": note}))
    return gap

"""Writes of the discovery app: uploads, imports, linkage, decisions on candidates, the purge (issue 12).

Every write is atomic and audited. Nothing here writes a child's file by itself: a candidate's confirmation calls
the registry's services (``child_create`` with its duplicate check, ``child_update``, ``restriction_add``,
``guardian_save``), which audit the change and fire the facts-changed event, so classification and visits follow.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tonghu.audit.services import audit_log
from tonghu.core.crypto import blind_index
from tonghu.core.jobs import JobError, job_start
from tonghu.core.models import Region
from tonghu.core.reference.idnumber import check_id_number, mask_id_number
from tonghu.core.scoping import in_scope, prefix_range

from .models import ADULT_SOURCES, Candidate, CandidateKind, CandidateStatus, Dataset, DatasetStatus, RosterRow, Source


def knob(name: str, default=None):
    return getattr(settings, "TONGHU", {}).get(name, default)


def _today() -> dt.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------------------------ upload/import


@transaction.atomic
def dataset_upload(*, actor, source: str, period: str, county: Region, upload, retention_until: dt.date | None = None,
                   valid_only: bool = False) -> Dataset:
    """Record the upload and start the import job (which starts the linkage when it succeeds)."""
    errors: dict[str, list[str]] = {}
    if source not in Source.values:
        errors["source"] = ["请选择数据来源"]
    if not (period or "").strip():
        errors["period"] = ["请填写数据期间，如“2026年春季学期”"]
    if county is None or county.level != "county" or not in_scope(actor, county.code):
        errors["county"] = ["只能上传本辖区县（市、区）的名单"]
    limit = _today() + dt.timedelta(days=knob("DISCOVERY_RETENTION_DAYS", 180))
    if retention_until is not None and not (_today() <= retention_until <= limit):
        errors["retention_until"] = [f"保存期限应在今天至 {limit:%Y-%m-%d} 之间（最少够用原则）"]
    if errors:
        raise ValidationError(errors)
    ds = Dataset.objects.create(source=source, period=period.strip(), county=county, uploaded_by=actor,
                                file_name=getattr(upload, "name", "")[:200], retention_until=retention_until or limit)
    job = job_start(kind="discovery.import", user=actor, label=f"导入部门名单：{ds}", params={"dataset": ds.pk, "valid_only": valid_only},
                    region=county, input_file=upload)
    ds.import_job = job
    ds.save(update_fields=["import_job"])
    audit_log(actor=actor, action="create", obj=ds, summary=f"上传部门名单（{ds.get_source_display()}，{ds.period}），原始数据保存至 {ds.retention_until}")
    return ds


def _villages(county_code: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, name in Region.objects.filter(level="village", code__range=prefix_range(county_code[:6])).values_list("code", "name"):
        out.setdefault(name, []).append(code)
    return out


def dataset_import(*, dataset: Dataset, path, valid_only: bool = False, progress=None, then_link: bool = True) -> dict:
    """Parse the file and write its rows in one transaction (nothing when the file has errors, unless
    ``valid_only``). Returns the summary stored on the job."""
    from .importer import RosterFileError, parse_file

    try:
        parsed = parse_file(path, source=dataset.source, county_code=dataset.county_id, villages=_villages(dataset.county_id), progress=progress)
    except RosterFileError as exc:
        Dataset.objects.filter(pk=dataset.pk).update(status=DatasetStatus.FAILED, errors=[{"row": 0, "column": "", "value": "", "message": str(exc)}])
        raise JobError(str(exc)) from exc
    write = not parsed.error_count or valid_only
    with transaction.atomic():
        ds = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if write:
            ds.roster_rows.all().delete()  # a restarted import starts from a clean slate
            RosterRow.objects.bulk_create([RosterRow(dataset=ds, **rec) for rec in parsed.rows], batch_size=1000)
        ds.rows = len(parsed.rows) if write else 0
        ds.errors = parsed.errors
        ds.status = DatasetStatus.IMPORTED if write else DatasetStatus.FAILED
        ds.save(update_fields=["rows", "errors", "status"])
        audit_log(actor=ds.uploaded_by, action="import", obj=ds,
                  summary=f"导入部门名单 {ds.rows} 行" + (f"，{parsed.error_count} 处错误" if parsed.error_count else "") + ("" if write else "，有错误，未导入"))
        if write and ds.rows and then_link:
            link_start(actor=ds.uploaded_by, dataset=ds)
    if not write:
        raise JobError(f"名单有 {parsed.error_count} 处错误（按行、列列出），未导入任何数据。请改正后重新上传，或选择“仅导入无误的行”。")
    return {"rows": len(parsed.rows), "errors": parsed.error_count, "written": write, "unknown_headers": parsed.unknown_headers,
            "failed": not write}


# ------------------------------------------------------------------------------------------------ linkage


def link_start(*, actor, dataset: Dataset):
    job = job_start(kind="discovery.link", user=actor, label=f"比对部门名单：{dataset}", params={"dataset": dataset.pk}, region=dataset.county)
    Dataset.objects.filter(pk=dataset.pk).update(link_job=job, status=DatasetStatus.LINKING)
    return job


def _roster_records(ds: Dataset) -> tuple[list[dict], dict[str, RosterRow]]:
    rows = {str(r.pk): r for r in ds.roster_rows.all()}
    recs = [{"id": pk, "name": r.name, "sex": r.sex, "birth_date": r.birth_date.isoformat() if r.birth_date else None,
             "id_key": r.id_number_bidx, "region_code": r.region_code, "guardian_name": r.guardian_name,
             "guardian_phone": r.guardian_phone} for pk, r in rows.items()]
    return recs, rows


def registry_children(county_code: str) -> list[dict]:
    """The county's open files as linkage records (the ID as its blind index: nothing is decrypted)."""
    from tonghu.registry.models import Child, Guardian

    rng = prefix_range(county_code[:6])
    guardians: dict[int, tuple[str, str]] = {}
    for child_id, name, phone in Guardian.objects.filter(child__village__code__range=rng).order_by("child_id", "role").values_list("child_id", "name", "phone"):
        guardians.setdefault(child_id, (name, phone))
    out = []
    for pk, name, sex, birth, bidx, village in Child.objects.filter(village__code__range=rng, status="active").values_list(
            "pk", "name", "sex", "birth_date", "id_number_bidx", "village_id"):
        g = guardians.get(pk, ("", ""))
        out.append({"id": str(pk), "name": name, "sex": sex, "birth_date": birth.isoformat() if birth else None, "id_key": bidx,
                    "region_code": village, "guardian_name": g[0], "guardian_phone": g[1]})
    return out


def registry_guardians(county_code: str) -> list[dict]:
    """Fathers, mothers and other guardians of the county's open files (their ID numbers are decrypted here, in
    the job, to compute the same blind index as the roster's)."""
    from tonghu.registry.models import Guardian

    out = []
    for g in Guardian.objects.filter(child__village__code__range=prefix_range(county_code[:6]), child__status="active").only(
            "pk", "name", "role", "id_number", "birth_year", "child__village_id").select_related("child"):
        birth = None
        if g.id_number:
            check = check_id_number(g.id_number)
            if not check.errors:
                birth = check.birth_date.isoformat()
        out.append({"id": str(g.pk), "name": g.name, "sex": {"father": "M", "mother": "F"}.get(g.role), "birth_date": birth,
                    "birth_year": str(g.birth_year) if g.birth_year else None, "id_key": blind_index(g.id_number) if g.id_number else None,
                    "region_code": g.child.village_id, "guardian_name": None, "guardian_phone": None})
    return out


def _age_on(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _evidence(ds: Dataset, row: RosterRow) -> dict:
    detail = row.detail
    return {"source": ds.source, "period": ds.period, "dataset": ds.pk, "row_no": row.row_no, "name": row.name, "sex": row.sex,
            "birth_date": row.birth_date.isoformat() if row.birth_date else "", "id_number": mask_id_number(row.id_number) if row.id_number else "",
            "region_code": row.region_code, "guardian_name": row.guardian_name, "details": detail}


def _region_for(code: str, county: Region, regions: dict[str, Region]) -> Region:
    return regions.get(code) or regions.get((code or "")[:9].ljust(12, "0")) or county


def dataset_link(*, dataset: Dataset, progress=None, engine: str | None = None) -> dict:
    """Link the roster to the county's registry and write the candidates, all in one transaction at the end (a
    killed job writes nothing; running it again replaces the open candidates of the data set)."""
    from tonghu.registry.models import Child, Guardian

    from . import linkage

    ds = Dataset.objects.select_related("county").get(pk=dataset.pk)
    if ds.status == DatasetStatus.PURGED:
        raise JobError("该名单的原始数据已按保存期限清除，不能再比对。")
    say = (lambda m: progress(0, None, m, force=True)) if progress else None
    roster, rows = _roster_records(ds)
    registry = registry_guardians(ds.county_id) if ds.adults else registry_children(ds.county_id)
    cfg = linkage.Settings(match=knob("DISCOVERY_MATCH", 0.95), review=knob("DISCOVERY_REVIEW", 0.5))
    result = linkage.link(roster, registry, kind="guardian" if ds.adults else "child", settings=cfg,
                          engine=engine or knob("DISCOVERY_ENGINE", "duckdb"), progress=say)
    today = _today()
    regions = {r.code: r for r in Region.objects.filter(code__range=prefix_range(ds.county_id[:6]))}
    ids = [int(d.registry_id) for d in result.decisions if d.registry_id]
    Target = Guardian if ds.adults else Child
    targets = Target.objects.select_related("child").in_bulk(ids) if ds.adults else Child.objects.in_bulk(ids)
    counts = {"match": 0, "review": 0, "new": 0, "candidates": 0, "adults_unmatched": 0, "over_18": 0}
    made: list[Candidate] = []
    for d in result.decisions:
        counts[d.decision] += 1
        row = rows[d.roster_id]
        target = targets.get(int(d.registry_id)) if d.registry_id else None
        base = dict(dataset=ds, row=row, probability=d.probability, band=d.decision, reasons=d.reasons, evidence=_evidence(ds, row))
        detail = row.detail
        if ds.adults:
            if target is None:
                counts["adults_unmatched"] += 1
                continue
            kind = CandidateKind.PARENT_COURT if ds.source == Source.COURT else CandidateKind.PARENT_RESTRICTED
            made.append(Candidate(kind=kind, guardian=target, child=target.child, region=regions.get(target.child.village_id, ds.county), **base))
            continue
        if d.decision == "new":
            age = _age_on(row.birth_date, today)
            if age is None or age >= 18:
                counts["over_18"] += 1
                continue
            made.append(Candidate(kind=CandidateKind.NEW_CHILD, region=_region_for(row.region_code, ds.county, regions), **base))
        elif d.decision == "review":
            made.append(Candidate(kind=CandidateKind.POSSIBLE, child=target, region=regions.get(target.village_id, ds.county), **base))
        else:
            kind = None
            if ds.source == Source.EDUCATION and (detail.get("dropout_since") or "辍学" in str(detail.get("enrolment", ""))) \
                    and target.schooling_status != "dropped_out":
                kind = CandidateKind.DROPOUT
            elif ds.source == Source.DISABILITY and not target.disability_type:
                kind = CandidateKind.DISABILITY
            if kind:
                made.append(Candidate(kind=kind, child=target, region=regions.get(target.village_id, ds.county), **base))
    counts["candidates"] = len(made)
    summary = {**counts, "pairs": result.pairs, "trained": result.trained, "seconds": {k: round(v, 2) for k, v in result.timings.items()},
               "linked_at": timezone.now().isoformat()}
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=ds.pk)
        locked.candidates.filter(status=CandidateStatus.OPEN).delete()
        Candidate.objects.bulk_create(made, batch_size=500)
        locked.model = result.model
        locked.summary = summary
        locked.status = DatasetStatus.LINKED
        locked.save(update_fields=["model", "summary", "status"])
        audit_log(actor=locked.uploaded_by, action="link", obj=locked,
                  summary=f"比对部门名单：确认 {counts['match']}，待核 {counts['review']}，未登记 {counts['new']}，生成线索 {len(made)} 条")
    return summary


# ------------------------------------------------------------------------------------------------ decisions


def _lock(candidate: Candidate, expected_version: int | None) -> Candidate:
    current = Candidate.objects.select_for_update(of=("self",)).select_related("dataset", "row", "child", "guardian", "region").get(pk=candidate.pk)
    if current.status in (CandidateStatus.CONFIRMED, CandidateStatus.DISMISSED):
        raise ValidationError(f"该线索已{current.get_status_display()}，不能再处理。")
    if expected_version is not None and current.version != expected_version:
        raise ValidationError("该线索在您打开后已被他人处理，请刷新页面后再操作。")
    return current


def _date_or(value, default):
    if not value:
        return default
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _close(c: Candidate, *, actor, status: str, note: str, summary: str) -> Candidate:
    c.status, c.note, c.decided_by, c.decided_at = status, note, actor, timezone.now()
    c.version += 1
    c.save()
    audit_log(actor=actor, action="decide", obj=c, summary=summary, changes={"status": [CandidateStatus.OPEN, status]})
    return c


@transaction.atomic
def candidate_confirm(*, actor, candidate: Candidate, data: dict | None = None, confirm_similar: bool = False,
                      expected_version: int | None = None) -> Candidate:
    """Accept a finding: the fact is written through the registry's services with the roster as evidence.
    ``data`` completes or corrects a new file (``village`` when the roster only gave a township or county)."""
    from tonghu.registry import services as registry

    c = _lock(candidate, expected_version)
    data = data or {}
    ev = c.evidence
    detail = ev.get("details", {})
    source = f"{c.dataset.get_source_display()}（{c.dataset.period}）第 {ev.get('row_no')} 行"
    if c.kind == CandidateKind.NEW_CHILD:
        village = data.get("village") or (c.region if c.region.level == "village" else None)
        if village is None:
            raise ValidationError({"village": ["名单未写明村（社区），请选择儿童所在的村（社区）"]})
        row = c.row
        fields = {"name": data.get("name") or ev["name"], "sex": data.get("sex") or ev.get("sex"),
                  "birth_date": _date_or(data.get("birth_date") or ev.get("birth_date"), None), "village": village,
                  "id_number": (row.id_number if row is not None else "") or None, "address": (row.address if row is not None else ""),
                  "other_notes": f"经部门数据比对发现：{source}"}
        if detail.get("school"):
            fields.update(school=detail["school"], grade=detail.get("grade", ""), schooling_status="in_school")
        child = registry.child_create(actor=actor, data=fields, confirm_similar=confirm_similar)
        c.child = child
        summary = f"确认未登记儿童并建档（档案编号 {child.pk}），依据：{source}"
    elif c.kind == CandidateKind.POSSIBLE:
        summary = f"确认名单人员即已登记儿童（档案编号 {c.child_id}），依据：{source}"
    elif c.kind == CandidateKind.DROPOUT:
        child = c.child
        registry.child_update(actor=actor, child=child, expected_version=child.version,
                              data={"schooling_status": "dropped_out", "dropout_since": _date_or(detail.get("dropout_since"), _today()),
                                    "school": detail.get("school") or child.school})
        summary = f"确认辍学，档案记为辍学（劝返复学），依据：{source}"
    elif c.kind == CandidateKind.DISABILITY:
        child = c.child
        registry.child_update(actor=actor, child=child, expected_version=child.version,
                              data={"health_status": "disability", "disability_type": detail.get("disability_type", ""),
                                    "disability_grade": detail.get("disability_grade"), "disability_evidence": True})
        summary = f"确认残疾人证信息并写入档案，依据：{source}"
    elif c.kind == CandidateKind.PARENT_RESTRICTED:
        measure = str(detail.get("measure", ""))
        kind = "compulsory_rehab" if "戒毒" in measure else ("detention" if c.dataset.source == Source.DETAINED or "羁押" in measure or "拘留" in measure else "prison")
        registry.restriction_add(actor=actor, guardian=c.guardian, data={
            "kind": kind, "start": _date_or(detail.get("start"), _today()), "end": _date_or(detail.get("end"), None),
            "place": str(detail.get("place", ""))[:100], "evidence": True, "note": f"部门数据：{source}"[:200]})
        summary = f"确认监护人{c.guardian.name}被限制人身自由并写入档案，依据：{source}"
    elif c.kind == CandidateKind.PARENT_COURT:
        g = c.guardian
        judgment = str(detail.get("judgment", ""))
        day = _date_or(detail.get("judgment_date"), _today())
        if "撤销" in judgment:
            change = {"guardianship_revoked": True, "revoked_date": day, "revoked_evidence": True}
        elif "死亡" in judgment:
            change = {"deceased": True, "deceased_date": day, "deceased_by_court": True, "deceased_evidence": True}
        elif "失踪" in judgment:
            change = {"missing_declared": True, "missing_date": day, "missing_evidence": True}
        else:
            raise ValidationError(f"判决类别“{judgment}”无法识别（应为撤销监护资格、宣告死亡或宣告失踪）")
        registry.guardian_save(actor=actor, child=g.child, guardian=g, data=change, expected_version=g.version)
        summary = f"确认人民法院判决（{judgment}）并写入监护人信息，依据：{source}"
    else:  # pragma: no cover
        raise ValidationError("未知的线索类别")
    return _close(c, actor=actor, status=CandidateStatus.CONFIRMED, note=data.get("note", ""), summary=summary)


@transaction.atomic
def candidate_dismiss(*, actor, candidate: Candidate, reason: str, as_new: bool = False, expected_version: int | None = None) -> Candidate:
    """Reject a finding with a reason. ``as_new`` (a possible match that is another child): a new-child candidate
    takes its place."""
    c = _lock(candidate, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请写明排除的理由"]})
    if as_new and c.kind == CandidateKind.POSSIBLE:
        Candidate.objects.create(dataset=c.dataset, row=c.row, region=c.region, kind=CandidateKind.NEW_CHILD, probability=c.probability,
                                 band="new", reasons=c.reasons, evidence=c.evidence, note=f"原为“可能是已登记儿童”，经核实不是档案 {c.child_id}")
    return _close(c, actor=actor, status=CandidateStatus.DISMISSED, note=reason, summary=f"排除线索：{reason}")


@transaction.atomic
def candidate_send(*, actor, candidate: Candidate, note: str = "", village: Region | None = None, expected_version: int | None = None) -> Candidate:
    """Send a finding to the village's child director to verify on the next visit."""
    c = _lock(candidate, expected_version)
    if village is not None:
        if village.level != "village" or not village.code.startswith(c.dataset.county_id[:6]):
            raise ValidationError({"village": ["请选择本县的村（社区）"]})
        c.region = village
    if c.region.level != "village":
        raise ValidationError({"village": ["名单未写明村（社区），请选择交给哪个村（社区）的儿童主任核实"]})
    c.status = CandidateStatus.SENT
    c.note = (note or "").strip()
    c.version += 1
    c.save()
    audit_log(actor=actor, action="send", obj=c, summary=f"交{c.region.name}儿童主任入户核实" + (f"：{c.note}" if c.note else ""))
    return c


@transaction.atomic
def candidate_verified(*, actor, candidate: Candidate, found: bool, note: str, expected_version: int | None = None) -> Candidate:
    """The director's answer after the visit; the finding goes back to the county officer's queue."""
    c = _lock(candidate, expected_version)
    if c.status != CandidateStatus.SENT:
        raise ValidationError("该线索没有交给儿童主任核实。")
    if not (note or "").strip():
        raise ValidationError({"note": ["请写明核实情况"]})
    verdict = "核实属实" if found else "核实不属实"
    c.status = CandidateStatus.OPEN
    c.note = f"儿童主任{verdict}：{note.strip()}"
    c.evidence = {**c.evidence, "verified": {"found": found, "note": note.strip(), "by": str(actor), "on": _today().isoformat()}}
    c.version += 1
    c.save()
    audit_log(actor=actor, action="verify", obj=c, summary=f"儿童主任入户核实：{verdict}")
    return c


# ------------------------------------------------------------------------------------------------ retention


def purge_expired(*, on: dt.date | None = None, actor=None) -> int:
    """Delete the raw rows of every data set past its retention date (PIPL art. 6); candidates keep their
    evidence summary. Returns the number of data sets purged."""
    on = on or _today()
    n = 0
    for ds in Dataset.objects.filter(retention_until__lt=on, purged_at__isnull=True):
        with transaction.atomic():
            rows = ds.roster_rows.count()
            ds.roster_rows.all().delete()
            ds.purged_at = timezone.now()
            ds.status = DatasetStatus.PURGED
            ds.save(update_fields=["purged_at", "status"])
            audit_log(actor=actor, action="purge", obj=ds, summary=f"按保存期限（{ds.retention_until}）清除原始数据 {rows} 行")
        n += 1
    return n


def details_json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)


__all__ = ["ADULT_SOURCES"]

"""Attachments: documents as evidence of facts, withdrawn with a reason (never deleted)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction


from ..models import (
    Attachment,
    CareArrangement,
    Child,
    Guardian,
)
from .common import ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, FACT_EVIDENCE, SENSITIVE_FACTS, _facts_changed, _log, _raise, _user_or_none
from .versions import _bump


# ------------------------------------------------------------------------------------------- attachments


@transaction.atomic
def attachment_add(*, actor, child: Child, upload, kind: str, title: str = "", fact: str = "", guardian: Guardian | None = None,
                   care: CareArrangement | None = None, sensitive: bool = False) -> Attachment:
    """Store a scanned document. ``fact`` (see FACT_EVIDENCE) marks the fact it proves as evidenced."""
    from pathlib import PurePath

    errors: dict[str, list[str]] = {}
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        errors["file"] = [f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 PDF、图片（JPG/PNG）或 Word/Excel 文件"]
    if upload.size > ATTACHMENT_MAX_BYTES:
        errors["file"] = [f"文件过大（{upload.size // 1024 // 1024} MB），单个附件不能超过 10 MB"]
    if kind not in dict(Attachment._meta.get_field("kind").choices):
        errors["kind"] = ["请选择材料类别"]
    if fact and fact not in FACT_EVIDENCE:
        errors["fact"] = [f"未知的证明事项“{fact}”"]
    target_kind = FACT_EVIDENCE.get(fact, (None,))[0]
    if target_kind == "guardian" and guardian is None:
        errors["guardian"] = ["该证明事项须选择对应的监护人"]
    if target_kind == "care" and care is None:
        errors["care"] = ["委托照护协议须选择对应的照护安排"]
    if guardian is not None and guardian.child_id != child.pk:
        errors["guardian"] = ["监护人不属于该儿童"]
    if care is not None and care.child_id != child.pk:
        errors["care"] = ["照护安排不属于该儿童"]
    _raise(errors)
    sensitive = bool(sensitive or fact in SENSITIVE_FACTS)
    row = Attachment(child=child, guardian=guardian, care=care, kind=kind, fact=fact, title=(title or upload.name)[:100],
                     content_type=ATTACHMENT_TYPES[suffix], size=upload.size, sensitive=sensitive, uploaded_by=_user_or_none(actor))
    row.file.save(upload.name, upload, save=False)
    row.save()
    _log(actor=actor, child=child, action="create", summary="上传受限材料" if sensitive else f"上传附件：{row.title}",
         row=row, before={}, after={} if sensitive else {"kind": kind, "title": row.title, "fact": fact})
    if fact:
        target, evidence_field = FACT_EVIDENCE[fact]
        obj = {"child": child, "guardian": guardian, "care": care}[target]
        if not getattr(obj, evidence_field):
            model = type(obj)
            model.objects.filter(pk=obj.pk).update(**{evidence_field: True, "version": models.F("version") + 1})
            setattr(obj, evidence_field, True)
            version = _bump(obj)
            _log(actor=actor, child=child, action="update", summary="根据上传的证明材料标记“有证明材料”",
                 row=None if target == "child" else obj, before={evidence_field: False}, after={evidence_field: True}, version=version)
    _facts_changed(child, actor)
    return row


@transaction.atomic
def attachment_withdraw(*, actor, attachment: Attachment, reason: str) -> Attachment:
    """Mark an attachment as withdrawn (uploaded by mistake). The file is kept for the record, not shown."""
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写撤回原因"]})
    Attachment.objects.filter(pk=attachment.pk).update(withdrawn=True, version=models.F("version") + 1)
    attachment.withdrawn = True
    version = _bump(attachment)
    _log(actor=actor, child=attachment.child, action="update", summary=f"撤回附件：{reason.strip()}", row=attachment,
         before={"withdrawn": False}, after={"withdrawn": True}, version=version)
    _facts_changed(attachment.child, actor)
    return attachment

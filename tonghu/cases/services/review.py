"""The procuratorate's review of a case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tonghu.core.roles import Department
from tonghu.audit.services import audit_log, diff

from ..models import (
    Case,
    Review,
    TracebackFlag,
)
from .common import _event, _now, _require


# ------------------------------------------------------------------------------------------ procuratorate


@transaction.atomic
def case_review(*, actor, case: Case, findings: str, compliant: bool, flag_unit: str = "", flag_department: str = "", flag_reason: str = "", now=None) -> Review:
    """每案必查 (R-F3): mark a case reviewed; optionally flag a unit that should have reported but did not."""
    now = now or _now()
    errors: dict[str, list] = {}
    _require(errors, bool(findings.strip()), "findings", _("请填写审查意见。"))
    if flag_unit or flag_reason:
        _require(errors, bool(flag_unit.strip()), "flag_unit", _("请填写应报未报的单位。"))
        _require(errors, flag_department in Department.values, "flag_department", _("请选择单位类别。"))
        _require(errors, bool(flag_reason.strip()), "flag_reason", _("请填写倒查情况。"))
    if errors:
        raise ValidationError(errors)
    r = Review.objects.create(case=case, reviewer=actor, reviewed_at=now, findings=findings, compliant=compliant)
    _event(case.report, actor, "reviewed", _("检察机关审查：%(result)s") % {"result": _("合规") if compliant else _("发现问题")}, at=now)
    if flag_unit:
        TracebackFlag.objects.create(case=case, unit_name=flag_unit, department=flag_department, reason=flag_reason, flagged_by=actor, flagged_at=now)
        _event(case.report, actor, "traceback", _("倒查：%(unit)s应报未报") % {"unit": flag_unit}, at=now)
    audit_log(actor=actor, action="create", obj=r, region_code=case.region_id, summary="检察审查个案",
              changes=diff({}, {"compliant": compliant, "traceback": flag_unit}))
    return r



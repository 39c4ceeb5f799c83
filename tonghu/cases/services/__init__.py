"""Writes for mandatory reports and cases. Each function is atomic, validates, and audits in the same transaction.

One module per stage (issue 11: split by responsibility; every name is imported from ``tonghu.cases.services`` as
before): ``common`` (receivers, notifications, the case's event log, checks), ``intake`` (filing a report, R-C5),
``receipt`` (acknowledge, accept, decline), ``casework`` (team, assessment, conference, interventions, placements,
referrals, follow-ups), ``closure`` (linking the child's file, closing, reopening), ``review`` (procuratorate),
``escalation`` (overdue deadlines).
"""

from .common import (  # noqa: F401
    notifications_unsent,
    notify,
    receivers,
)
from .intake import (  # noqa: F401
    REPORT_FIELDS,
    report_file,
    report_from_visit,
)
from .receipt import (  # noqa: F401
    report_accept,
    report_acknowledge,
    report_decline,
)
from .casework import (  # noqa: F401
    case_add_member,
    case_assess,
    case_conference,
    case_followup,
    case_intervention,
    case_placement,
    case_referral,
    referral_update,
)
from .closure import (  # noqa: F401
    case_decide_closure,
    case_link_child,
    case_reopen,
    case_request_closure,
)
from .review import (  # noqa: F401
    case_review,
)
from .escalation import (  # noqa: F401
    escalate_overdue,
)

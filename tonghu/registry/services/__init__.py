"""Writes to children's files, one module per kind of record (issue 11: split by responsibility; every name is
imported from ``tonghu.registry.services`` as before). Every function is atomic, validates, and appends its audit entry
(field-level before/after) in the same transaction. Nothing here deletes a file: a file changes status with a reason.

Audit convention: every change to a file or to one of its rows is logged against the child (``obj=child``), so
the file's change history is one query; ``changes`` carries ``_model``/``_id`` for rows other than the child and
the field-level ``[before, after]``. Sensitive values are never written to the trail (``masking.audit_value``).

* ``common``: the fields a form or the API may set, attachment rules, the audit and facts-changed helpers;
* ``validation``: the child's and a guardian's fields; ``duplicates``: the same child filed twice;
* ``versions``: the one edit-conflict check (changes read from the file's audit trail);
* ``children`` (create, update), ``status`` (status and transfer), ``households``, ``guardians`` (with restrictions
  and guardianship problems), ``care`` (entrusted care and departures), ``assistance``, ``attachments``.
"""

from django.core.exceptions import ValidationError  # noqa: F401 (re-exported)

from tonghu.core.versioning import EditConflictError, bump, version_missing_message  # noqa: F401 (re-exported)

from .common import (  # noqa: F401
    ASSISTANCE_FIELDS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    CARE_FIELDS,
    CHILD_FIELDS,
    DEPARTURE_FIELDS,
    FACT_EVIDENCE,
    GUARDIAN_FIELDS,
    HOUSEHOLD_FIELDS,
    PROBLEM_FIELDS,
    RESTRICTION_FIELDS,
    SENSITIVE_FACTS,
    VIEW,
    clean_id_number,
    snapshot,
)
from .validation import (  # noqa: F401
    validate_child_fields,
    validate_guardian_fields,
)
from .duplicates import (  # noqa: F401
    DuplicateChildError,
    DuplicateReport,
    existing_id_numbers,
    find_duplicates,
)
from .versions import (  # noqa: F401
    check_version,
)
from .children import (  # noqa: F401
    child_create,
    child_update,
    prepare_child,
)
from .status import (  # noqa: F401
    STATUS_NEEDS_REASON,
    child_set_status,
    child_transfer,
)
from .households import (  # noqa: F401
    child_join_household,
    child_leave_household,
    household_update,
)
from .guardians import (  # noqa: F401
    guardian_save,
    problem_add,
    restriction_add,
)
from .care import (  # noqa: F401
    care_start,
    care_update,
    departure_register,
)
from .assistance import (  # noqa: F401
    assistance_add,
    assistance_update,
)
from .attachments import (  # noqa: F401
    attachment_add,
    attachment_withdraw,
)

"""The rules a profile can name, implemented once, parameterised by profile data (issue 11: one module per
family of rules; every name is imported from ``tonghu.policy.rules`` as before).

A profile says *which* rule decides a category and with what thresholds (``rule: child_disability``,
``params: {max_grade_any_type: 4}``); this package says *how*. Every rule returns an :class:`Outcome` — whether it
holds, a plain-Chinese and English account of the facts it looked at, the fact paths read, facts that were
missing, and facts whose evidence is not on file — so the engine can turn any decision into an explanation.

Parent conditions follow DOMAIN.md (民发〔2019〕62号):

* *gone*: dead (incl. court-declared death) or declared missing by a court;
* set *S*: severe disability (grades from ``definitions.severe_disability``), serious illness, restriction of
  liberty for ≥ ``restriction_min_months`` (a known term that long counts from its start; an open-ended one once
  that long has elapsed; contiguous measures — detention then prison — are one period), out of contact for
  ≥ ``out_of_contact_min_months`` counted from the police's acceptance of the report, guardianship revoked by a
  court, deported.

For 留守 the "other parent lacks guardianship capacity" test uses the *current* state of the conditions listed in
``left_behind.other_parent_incapable_when`` (no 6-month thresholds: a parent detained last week cannot care today).

Modules: ``base`` (Outcome, Cond, Ctx, wording helpers, the distance and rural vocabularies), ``parents`` (parent
conditions), ``left_behind`` (留守, R-A1), ``categories`` (困境, R-A2), ``single_parent`` (单亲, R-A3), ``triggers``
(visit escalation, R-C2), ``entitlements`` (R-E1).
"""

__all__ = [
    "Outcome",
    "Ctx",
    "Cond",
    "CATEGORY_RULES",
    "TRIGGER_RULES",
    "ENTITLEMENT_RULES",
    "INCAPACITY_KINDS",
    "S_KINDS",
    "DISTANCE_RULES",
    "DISTANCE_UNITS",
    "NEEDS",
    "RURAL_REQUIREMENTS",
]

from .base import (  # noqa: F401
    Cond,
    Ctx,
    DEFAULT_DISTANCE_UNIT,
    DISTANCE_EN,
    DISTANCE_RULES,
    DISTANCE_UNITS,
    DISTANCE_ZH,
    INCAPACITY_KINDS,
    Outcome,
    RURAL_REQUIREMENTS,
    S_KINDS,
    UNIT_EN,
    UNIT_ZH,
    WHO_EN,
    WHO_ZH,
    disability_en,
    disability_within,
    disability_zh,
    severity_text,
)
from .parents import (  # noqa: F401
    gone,
    parent_conditions,
    restriction_period,
)
from .left_behind import (  # noqa: F401
    Away,
    away_status,
    child_home_code,
    distance_unit,
    evaluate_left_behind,
    rural_check,
)
from .categories import (  # noqa: F401
    CATEGORY_RULES,
    CategoryRule,
    rule_child_disability,
    rule_child_serious_illness,
    rule_de_facto_unsupported,
    rule_guardianship_problem,
    rule_hiv_infected,
    rule_orphan,
    rule_other_difficulty,
    rule_poor_family,
)
from .single_parent import (  # noqa: F401
    evaluate_single_parent,
)
from .triggers import (  # noqa: F401
    TRIGGER_RULES,
    TriggerRule,
    trigger_child_disability,
    trigger_parent_disability,
    trigger_psych_behaviour,
    trigger_single_parent,
)
from .entitlements import (  # noqa: F401
    ENTITLEMENT_RULES,
    EntitlementRule,
    EntitlementVerdict,
    NEEDS,
    REQUIREMENTS_ZH,
    compulsory_school_dropout,
    ent_child_disability,
    ent_disability_allowance,
    ent_dropout_return,
    ent_hiv_infected,
    ent_in_category,
    ent_income_below_line,
)

"""The visits section of the one-child file (一人一档): schedule, recent visits, open problems."""

from django.utils.translation import gettext_lazy as _

from tonghu.registry.sections import file_provider, file_section

from .selectors import quarterly_visit_rows


@file_section(order=40, title=_("走访与问题"), template="visits/_file_section.html", capability="visits.view", key="visits")
def visits_section(request, child):
    from .models import ProblemStatus

    return {
        "schedules": list(child.visit_schedules.order_by("kind")),
        "visits": list(child.visits.select_related("recorded_by").order_by("-date", "-id")[:20]),
        "problems": list(child.visit_problems.exclude(status=ProblemStatus.RESOLVED).order_by("due_on")),
    }


# The printable file's four quarterly 走访情况 rows (registry.printing asks for them by this key).
file_provider("quarter_visits")(quarterly_visit_rows)

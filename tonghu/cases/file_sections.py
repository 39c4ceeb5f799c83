"""The cases' section of the child's file (一人一档): only the cases the viewer may open (case team, county staff,
procuratorate reviewer) — a child director who is not on a case's team sees nothing of it."""

from django.utils.translation import gettext_lazy as _

from tonghu.registry.sections import file_section

from .selectors import cases_visible


@file_section(order=70, title=_("强制报告与个案"), template="cases/_file_section.html", capability="cases.view_case", key="cases.cases")
def cases_section(request, child):
    return {"child_cases": cases_visible(request.user).filter(child=child).select_related("report").order_by("-accepted_at")}

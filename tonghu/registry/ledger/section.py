"""The "打印档案" section at the end of the file page (one link to the PDF), registered through registry.sections so
that the registry's own template needs no change."""

from django.utils.translation import gettext_lazy as _

from ..sections import file_section


@file_section(order=95, title=_("打印档案"), template="registry/ledger_file_section.html", capability="registry.print_file", key="registry.ledger.print")
def print_section(request, child):
    return {}

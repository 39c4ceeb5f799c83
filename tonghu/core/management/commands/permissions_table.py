"""``tonghu permissions-table [--write]``: the capability × role table from the access declarations.

docs/permissions.md carries this table between markers; ``--write`` refreshes it, and a test fails when the
document and the code disagree.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tonghu.core.roles import Role
from tonghu.core.capabilities import PUBLIC_URL_NAMES, capabilities, endpoints

BEGIN = "<!-- BEGIN GENERATED: tonghu permissions-table --write -->"
END = "<!-- END GENERATED -->"
DOC = Path(settings.BASE_DIR).parent / "docs" / "permissions.md"


def render() -> str:
    with translation.override("zh-hans"):
        roles = list(Role)
        lines = ["| capability | " + " | ".join(f"{r.label}<br>`{r.value}`" for r in roles) + " |",
                 "|---|" + "---|" * len(roles)]
        for cap, (granted, description) in capabilities().items():
            cells = " | ".join("✔" if r.value in granted else "" for r in roles)
            lines.append(f"| `{cap}` {description} | {cells} |")
        lines.append("")
        lines.append("| URL name | needs |")
        lines.append("|---|---|")
        for name, ep in sorted(endpoints().items()):
            lines.append(f"| `{name}` | {('`' + ep.capability + '`') if ep.capability else 'public' if name in PUBLIC_URL_NAMES else 'login only'} |")
    return "\n".join(lines)


def replace_section(text: str, table: str) -> str:
    head, _sep, rest = text.partition(BEGIN)
    _old, _sep2, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


class Command(BaseCommand):
    help = "Print (or --write into docs/permissions.md) the table of capabilities by role and of URLs."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true")

    def handle(self, *args, write, **options):
        table = render()
        if write:
            DOC.write_text(replace_section(DOC.read_text(encoding="utf-8"), table), encoding="utf-8")
            self.stdout.write(f"wrote {DOC}")
        else:
            self.stdout.write(table)

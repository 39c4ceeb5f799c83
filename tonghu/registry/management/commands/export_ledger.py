"""``tonghu export-ledger --region CODE --user USERNAME [--format xlsx|csv] [-o FILE]``: export a region's ledger.

The export is what that user may see (masked ID numbers and sensitive facts per role) and is audited.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tonghu.core.models import Region
from tonghu.core.regions import normalize_code
from tonghu.core.capabilities import has_capability
from tonghu.core.scoping import in_scope
from tonghu.registry.ledger.exporter import ledger_export


class Command(BaseCommand):
    help = "Export a region's children's ledger to .xlsx or .csv as a given user sees it (masked, watermarked, audited)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--user", required=True, help="the export is made as (and masked for) this user")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("-o", "--output")
        parser.add_argument("--include-closed", action="store_true")

    def handle(self, *args, region, user, format, output, include_closed, **options):
        from tonghu.accounts.models import User

        try:
            code = normalize_code(region)
        except ValueError:
            raise CommandError(f"区划代码“{region}”格式错误") from None
        target = Region.objects.filter(code=code).first()
        actor = User.objects.filter(username=user).first()
        if target is None or actor is None:
            raise CommandError("区划或用户不存在")
        if not has_capability(actor, "registry.export_ledger") or not in_scope(actor, target.code):
            raise CommandError(f"用户 {user} 无权导出 {target.name} 的台账")
        path = Path(output or f"ledger-{target.code}-{timezone.localtime():%Y%m%d-%H%M}.{format}")
        if format == "csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                count = ledger_export(actor=actor, region=target, fmt="csv", fh=fh, include_closed=include_closed)
        else:
            with path.open("wb") as fh:
                count = ledger_export(actor=actor, region=target, fmt="xlsx", fh=fh, include_closed=include_closed)
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 名儿童到 {path} / exported {count} children to {path}"))

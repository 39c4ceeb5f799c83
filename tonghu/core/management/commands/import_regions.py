"""``tonghu import-regions FILE.csv``: load or update administrative divisions, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tonghu.core.services import regions_import


class Command(BaseCommand):
    help = "Load or update regions from a CSV (code,name,parent_code,level,kind,urban_rural). Nothing is written if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")

    def handle(self, *args, file, check, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件：{path}")
        report = regions_import(path.read_bytes(), actor="cli", dry_run=check)
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"共 {len(report.errors)} 处错误，未导入任何数据。 / {len(report.errors)} errors; nothing was imported.")
        if check:
            self.stdout.write(self.style.SUCCESS("校验通过，未写入（--check）。 / Valid; nothing written (--check)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"导入完成：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}。 / created {report.created}, updated {report.updated}, unchanged {report.unchanged}."))

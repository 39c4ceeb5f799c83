"""``tonghu import-ledger FILE.xlsx --region CODE [--valid-only] [--confirm-similar] [--user USERNAME]``: import a children's ledger.

All or nothing by default: every row is checked first, and if any is wrong nothing is written and every error is
listed (row, column, value, what is wrong). ``--valid-only`` imports the correct rows and lists the others.
``--user`` names the account the import is recorded under (its role must hold ``registry.import_ledger`` and
its region contain ``--region``); without it the import is recorded as ``cli`` (server operator).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tonghu.core.models import Region
from tonghu.core.regions import normalize_code
from tonghu.registry.ledger.importer import LedgerFileError, ledger_import, region_allowed


class Command(BaseCommand):
    help = "Import a children's ledger (.xlsx or .csv) into a region; nothing is written if any row is wrong unless --valid-only."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", required=True, help="区划代码 (6/9/12 digits) of the county, township or village")
        parser.add_argument("--valid-only", action="store_true", help="import the rows without errors, skip the others")
        parser.add_argument("--user", help="username the import is recorded under")
        parser.add_argument("--confirm-similar", action="store_true", help="new rows matching a file's name (or pinyin) and birth date are other children")
        parser.add_argument("--overwrite-rows", default="", help="rows (e.g. 5,8,12-15) to write although their file changed after the export (conflicts)")

    def handle(self, *args, file, region, valid_only, user, confirm_similar=False, overwrite_rows="", **options):
        from django import forms

        from tonghu.registry.ledger.forms import parse_row_numbers

        try:
            overwrite = parse_row_numbers(overwrite_rows or "")
        except forms.ValidationError as exc:
            raise CommandError("--overwrite-rows: " + "；".join(exc.messages)) from None
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件：{path}")
        try:
            code = normalize_code(region)
        except ValueError:
            raise CommandError(f"区划代码“{region}”格式错误") from None
        target = Region.objects.filter(code=code).first()
        if target is None:
            raise CommandError(f"区划代码 {code} 不存在，请先导入行政区划")
        actor = "cli"
        if user:
            from tonghu.accounts.models import User

            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
            if not region_allowed(actor, target):
                raise CommandError(f"用户 {user} 无权向 {target.name} 导入台账（需要县级民政经办人或负责人角色，且区域在其辖区内）")

        last = [0]

        def progress(done, total=None, message=None, force=False):
            if message and (force or done - last[0] >= 10000):
                last[0] = done
                self.stderr.write(f"{message}")

        try:
            report = ledger_import(actor=actor, region=target, path=path, valid_only=valid_only, confirm_similar=confirm_similar, progress=progress, file_name=path.name,
                                   overwrite_rows=overwrite)
        except LedgerFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stdout.write(str(error))
        if report.error_count > len(report.errors):
            self.stdout.write(f"……另有 {report.error_count - len(report.errors)} 处错误未列出")
        if report.unknown_headers:
            self.stdout.write("未识别、已忽略的列：" + "、".join(report.unknown_headers))
        if not report.written:
            raise CommandError(f"共 {report.error_count} 处错误（{report.rejected_rows} 行），未导入任何数据。 / {report.error_count} errors; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"导入完成：{report.rows} 行，新建 {report.created}，更新 {report.updated}，未变 {report.unchanged}，跳过出错行 {report.rejected_rows}。"
            f" / rows {report.rows}, created {report.created}, updated {report.updated}, unchanged {report.unchanged}, skipped {report.rejected_rows}."
        ))

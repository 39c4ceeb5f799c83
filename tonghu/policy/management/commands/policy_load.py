"""``tonghu policy-load [DIR]``: load the jurisdiction profiles from YAML files into the database."""

from django.core.management.base import BaseCommand, CommandError

from tonghu.policy.profile import ProfileError
from tonghu.policy.services import policy_load


class Command(BaseCommand):
    help = "Load policy profiles (default: the shipped tonghu/policy/profiles/*.yaml) into the database; stored versions are never changed."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=None, help="directory of *.yaml profiles")

    def handle(self, *args, directory=None, **options):
        try:
            report = policy_load(directory=directory)
        except ProfileError as exc:
            raise CommandError(f"规则文件无效 / invalid profile files: {exc}") from None
        self.stdout.write(f"新建方案 / profiles created: {', '.join(report['profiles_created']) or '-'}")
        self.stdout.write(f"新建版本 / versions created: {', '.join(report['versions_created']) or '-'}")
        self.stdout.write(f"未变 / unchanged: {report['unchanged']}")
        for c in report["conflicts"]:
            self.stderr.write(f"冲突（未载入）/ conflict, not loaded: {c} — 数据库中的同名版本或同一生效日期的版本与文件不同；请在文件中另立新版本")

"""``tonghu discovery-purge``: daily, delete the raw rows of rosters past their retention date (PIPL art. 6)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "清除超过保存期限的部门名单原始数据（每日运行；docs/discovery.md）"

    def handle(self, *args, **options):
        from tonghu.discovery.services import purge_expired

        n = purge_expired()
        self.stdout.write(f"已清除 {n} 份部门名单的原始数据。")

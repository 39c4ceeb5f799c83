"""``tonghu backup [--out FILE.tar]``: one tar file (0600) with the database and the uploaded files; keys excluded."""

from django.core.management.base import BaseCommand, CommandError

from tonghu.core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (SQLite online backup API, or pg_dump --format=custom) and MEDIA_ROOT into one tar "
            "file created 0600. Keys are not included: back them up separately (docs/deployment.md).")

    def add_arguments(self, parser):
        parser.add_argument("--out", help="the tar file to write (default: TONGHU_DATA_DIR/backups/tonghu-ENGINE-TIME.tar)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, out, database, **options):
        try:
            result = backup(out, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{result.path}（{result.engine}，{result.size:,} 字节，附件 {result.media_files} 个）。 / "
            f"Backup written: {result.path} ({result.engine}, {result.size:,} bytes, {result.media_files} media files)."
        ))
        self.stdout.write(
            "注意：备份不含密钥（SECRET_KEY、审计链密钥、字段加密密钥），没有密钥的备份无法读取和校验；请另行保管密钥。 / "
            "The backup holds no keys; without them it cannot be read or verified. Keep the keys separately."
        )

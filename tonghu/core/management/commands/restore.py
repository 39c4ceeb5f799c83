"""``tonghu restore FILE.tar [--force]``: restore a ``tonghu backup`` into an empty database, then verify the audit chain."""

from django.core.management.base import BaseCommand, CommandError

from tonghu.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `tonghu backup` into this installation's (empty) database and MEDIA_ROOT, then "
            "check the audit chain. Refuses a database with tables or a MEDIA_ROOT with files unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="overwrite a database and MEDIA_ROOT that are not empty")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, force, database, **options):
        try:
            result = restore(file, alias=database, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已恢复 {result.created} 的备份（{result.engine}，附件 {result.media_files} 个）。 / "
            f"Restored the backup of {result.created} ({result.engine}, {result.media_files} media files)."
        ))
        from django.core.management import call_command

        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)

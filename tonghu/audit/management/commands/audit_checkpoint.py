"""``tonghu audit-checkpoint``: append a signed checkpoint of the audit chain's end to the checkpoint file.

Run it from cron (e.g. every 10 minutes; docs/deployment.md) and copy the file off the database server: a province
keeps the copies. It first writes the counts of rate-limited refusals whose minute has passed."""

from django.core.management.base import BaseCommand

from tonghu.audit.services import checkpoint_path, flush_refusals, write_checkpoint


class Command(BaseCommand):
    help = "Append a signed checkpoint (last entry number, its chain hash, the entry count, HMAC) to TONGHU_AUDIT_CHECKPOINT_DIR."

    def handle(self, *args, **options):
        flushed = flush_refusals()
        line = write_checkpoint()
        if line is None:
            self.stdout.write("审计链为空，未写检查点。 / The audit chain is empty: no checkpoint written.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"已写检查点：第 {line['seq']} 条，共 {line['count']} 条记录 → {checkpoint_path()}"
            + (f"（另补记 {flushed} 条拒绝访问计数）" if flushed else "")
            + f" / Checkpoint written: entry #{line['seq']}, {line['count']} entries."
        ))

"""``tonghu audit-verify``: check the audit trail's keyed hash chain and its signed checkpoints; name the first
broken link."""

from django.core.management.base import BaseCommand, CommandError

from tonghu.audit.services import checkpoint_path, verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's HMAC chain from the start and against every signed checkpoint; exit 1 and name the first broken entry if it was tampered with."

    def handle(self, *args, **options):
        verdict = verify_chain()
        checked, bad, reason = verdict
        if not reason:
            self.stdout.write(self.style.SUCCESS(
                f"审计链完整：共 {checked} 条记录，逐条校验通过；与 {verdict.checkpoints} 个检查点（{checkpoint_path()}）一致。"
                f" / Audit chain intact: {checked} entries verified, {verdict.checkpoints} checkpoints match."
            ))
            if not verdict.checkpoints:
                self.stdout.write(self.style.WARNING(
                    "尚无检查点：请用 cron 定期运行 tonghu audit-checkpoint，否则删除末尾记录并改写链头无法被发现（docs/deployment.md）。"
                    " / No checkpoints yet: run tonghu audit-checkpoint periodically."
                ))
            return
        if reason == "checkpoint":
            raise CommandError(f"审计链与检查点不符：{verdict.detail}\nAudit chain does not match its checkpoints (entries removed or rewritten).")
        if reason == "head":
            raise CommandError(
                f"审计链尾部被截断或链头不符：已校验 {checked} 条，之后的记录缺失。 / Chain head mismatch after {checked} entries: entries were removed from the end."
            )
        what = "内容被修改，或链值不是用本系统的审计密钥计算的" if reason == "hash" else "与上一条记录的链接断开（上一条被删除、插入或修改）"
        what_en = "its content was edited, or its hash was not made with this system's audit key" if reason == "hash" else "its link to the previous entry is broken (an entry was removed, inserted or edited)"
        raise CommandError(
            f"审计链在第 {bad.seq} 条记录处断裂（{bad.at:%Y-%m-%d %H:%M:%S}，{bad.actor_name}，{bad.get_action_display()}）：{what}。此前 {checked} 条完好。\n"
            f"Audit chain broken at entry #{bad.seq}: {what_en}. {checked} entries before it are intact."
        )

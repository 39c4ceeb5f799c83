"""``tonghu audit-verify``: check the audit trail's hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from tonghu.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 1 and name the first broken entry if it was tampered with."

    def handle(self, *args, **options):
        checked, bad, reason = verify_chain()
        if not reason:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {checked} 条记录，逐条校验通过。 / Audit chain intact: {checked} entries verified."))
            return
        if reason == "head":
            raise CommandError(
                f"审计链尾部被截断或链头不符：已校验 {checked} 条，之后的记录缺失。 / Chain head mismatch after {checked} entries: entries were removed from the end."
            )
        what = "内容被修改" if reason == "hash" else "与上一条记录的链接断开（上一条被删除、插入或修改）"
        what_en = "its content was edited" if reason == "hash" else "its link to the previous entry is broken (an entry was removed, inserted or edited)"
        raise CommandError(
            f"审计链在第 {bad.seq} 条记录处断裂（{bad.at:%Y-%m-%d %H:%M:%S}，{bad.actor_name}，{bad.get_action_display()}）：{what}。此前 {checked} 条完好。\n"
            f"Audit chain broken at entry #{bad.seq}: {what_en}. {checked} entries before it are intact."
        )

"""The audit chain becomes keyed (issue 10 §11): every entry's hash is recomputed as HMAC-SHA256 under
TONGHU_AUDIT_KEY over the previous hash and the entry's content including its number (``seq``).

Existing trails are re-keyed here, not left as a legacy prefix: the old SHA-256 chain is verified first and the
migration stops, naming the first broken entry, if it does not hold (a trail tampered with before the upgrade is not
laundered into a valid keyed one; set TONGHU_AUDIT_REKEY_ACCEPT_BROKEN=1 to re-key it anyway after investigating).
On PostgreSQL the append-only trigger is disabled for the rewrite and enabled again in the same transaction.
Also adds the counter behind rate-limited "refused access" entries."""

import hashlib
import hmac
import json
import os


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


GENESIS = "0" * 64


def _canonical(e, with_seq: bool) -> str:
    content = {
        "at": e.at.isoformat(timespec="microseconds"), "actor": e.actor_id, "actor_name": e.actor_name, "ip": e.ip,
        "action": e.action, "object_type": e.object_type, "object_id": e.object_id, "object_repr": e.object_repr,
        "region_code": e.region_code, "summary": e.summary, "changes": e.changes,
    }
    if with_seq:
        content["seq"] = e.seq
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def rekey(apps, schema_editor):
    from django.conf import settings

    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    entries = list(AuditEntry.objects.order_by("seq"))
    if not entries:
        return
    prev = GENESIS
    for e in entries:
        if e.prev_hash != prev or hashlib.sha256((prev + _canonical(e, False)).encode("utf-8")).hexdigest() != e.hash:
            if os.environ.get("TONGHU_AUDIT_REKEY_ACCEPT_BROKEN") != "1":
                raise RuntimeError(
                    f"审计链在第 {e.seq} 条记录处已断裂（升级前就被改动过），不能改用密钥重新计算：请先用旧版本的 tonghu audit-verify 查明原因；"
                    f"确认后设置 TONGHU_AUDIT_REKEY_ACCEPT_BROKEN=1 再迁移。"
                )
        prev = e.hash
    conn = schema_editor.connection
    if conn.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: ALTER TABLE refuses them
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
    prev = GENESIS
    rows = []
    for e in entries:
        new = hmac.new(settings.TONGHU_AUDIT_KEY, (prev + _canonical(e, True)).encode("utf-8"), hashlib.sha256).hexdigest()
        rows.append([prev, new, e.seq])
        prev = new
    with conn.cursor() as cur:
        cur.executemany("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", rows)
    if conn.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")
    AuditHead.objects.update_or_create(id=1, defaults={"last_hash": prev, "count": len(entries)})



class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RefusalCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('route', models.CharField(max_length=200, verbose_name='地址模式')),
                ('window_start', models.DateTimeField(verbose_name='本轮开始时间')),
                ('suppressed', models.PositiveIntegerField(default=0, verbose_name='未单独记录的次数')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '拒绝访问计数',
                'verbose_name_plural': '拒绝访问计数',
                'ordering': ['user_id', 'route'],
                'constraints': [models.UniqueConstraint(fields=('user', 'route'), name='audit_refusal_user_route')],
            },
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]

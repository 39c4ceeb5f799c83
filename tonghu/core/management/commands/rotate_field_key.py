"""``tonghu rotate-field-key``: re-encrypt every encrypted column with the current key and recompute blind indexes.

Rotation (docs/configuration.md): put a new key first in ``TONGHU_FIELD_KEYS`` (keep the old ones after it), restart,
run this command, then remove the old keys. The command also recomputes every blind index with the current
``TONGHU_INDEX_KEY``, so rotating the index key is: set the new key, stop the web processes, run this command,
start them again (exact ID look-ups do not match between the two steps).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from tonghu.core.crypto import blind_index, blind_index_fields, current_ciphers, encrypted_fields, stored_key_id

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt the encrypted columns with the first key of TONGHU_FIELD_KEYS and recompute the blind indexes."

    def handle(self, *args, **options):
        current = current_ciphers()[0]
        total = 0
        for model in apps.get_models():
            secret = encrypted_fields(model)
            if not secret:
                continue
            indexes = blind_index_fields(model)
            changed = self._model(model, secret, indexes, current)
            total += changed
            self.stdout.write(f"{model._meta.label}: 重新加密 {changed} 行 / {changed} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"完成：共 {total} 行改用密钥 {current}。现在可以从 TONGHU_FIELD_KEYS 中删除旧密钥。 / Done: {total} rows now use key {current}."))

    def _model(self, model, secret, indexes, current) -> int:
        qn = connection.ops.quote_name
        meta = model._meta
        columns = [f.column for f in secret] + [f.column for f in indexes]
        by_name = {f.name: i for i, f in enumerate(secret)}
        changed = 0
        last = None
        while True:
            with transaction.atomic():
                with connection.cursor() as cur:
                    where = f"WHERE {qn(meta.pk.column)} > %s " if last is not None else ""
                    cur.execute(
                        f"SELECT {qn(meta.pk.column)}, {', '.join(qn(c) for c in columns)} FROM {qn(meta.db_table)} {where}"
                        f"ORDER BY {qn(meta.pk.column)} LIMIT {BATCH}",
                        [last] if last is not None else [],
                    )
                    rows = cur.fetchall()
                    if not rows:
                        return changed
                    updates = []
                    for pk, *values in rows:
                        last = pk
                        stored, old_index = values[: len(secret)], values[len(secret):]
                        plain = [f.from_db_value(v, None, connection) for f, v in zip(secret, stored)]
                        new = [f.seal(p) if stored_key_id(v) not in (None, current) else v for f, p, v in zip(secret, plain, stored)]
                        new_index = [blind_index(plain[by_name[f.source]]) for f in indexes]
                        if new != list(stored) or new_index != list(old_index):
                            updates.append([*new, *new_index, pk])
                    if updates:
                        sets = ", ".join(f"{qn(c)} = %s" for c in columns)
                        cur.executemany(f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s", updates)
                        changed += len(updates)

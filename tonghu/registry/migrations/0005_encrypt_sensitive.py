"""Encrypt the sensitive columns at rest (issue 10 §12): the columns become text holding AES-GCM ciphertext
(tonghu.core.crypto), existing rows are encrypted in place with the first key of TONGHU_FIELD_KEYS, and children's
ID numbers get their keyed blind index (which takes over the uniqueness of the number). Reversible: backwards
decrypts. Raw SQL throughout, so that it does not depend on the models' current code."""

import tonghu.core.crypto
from django.db import migrations

from tonghu.core import crypto

# table -> (model label, encrypted columns, booleans among them)
COLUMNS = {
    "registry_child": ("registry.child", ["id_number", "hiv_infected", "hiv_evidence", "abuse_history"], {"hiv_infected", "hiv_evidence"}),
    "registry_guardian": ("registry.guardian", ["id_number", "criminal_record"], set()),
    "registry_carearrangement": ("registry.carearrangement", ["id_number"], set()),
    "registry_guardianrestriction": ("registry.guardianrestriction", ["kind", "place", "note"], set()),
}
BATCH = 2000


def _plain_bool(value) -> str:
    return "1" if str(value).strip().lower() in ("1", "true", "t") else "0"


def _rewrite(schema_editor, forwards: bool) -> None:
    conn = schema_editor.connection
    qn = conn.ops.quote_name
    with conn.cursor() as cur:
        for table, (label, columns, booleans) in COLUMNS.items():
            extra = ["id_number_bidx"] if table == "registry_child" else []
            cur.execute(f"SELECT id, {', '.join(qn(c) for c in columns)} FROM {qn(table)} ORDER BY id")
            rows = cur.fetchall()
            sets = ", ".join(f"{qn(c)} = %s" for c in columns + extra)
            for start in range(0, len(rows), BATCH):
                params = []
                for pk, *values in rows[start:start + BATCH]:
                    out = []
                    for column, value in zip(columns, values):
                        name = f"{label}.{column}"
                        if forwards:
                            if column in booleans:
                                value = crypto.encrypt(_plain_bool(value), name)
                            elif value not in (None, ""):
                                value = crypto.encrypt(str(value), name)
                        elif value not in (None, ""):
                            value = crypto.decrypt(value, name)
                        out.append(value)
                    if extra:
                        out.append(crypto.blind_index(values[0]) if forwards else None)
                    params.append([*out, pk])
                cur.executemany(f"UPDATE {qn(table)} SET {sets} WHERE id = %s", params)


def forwards(apps, schema_editor):
    _rewrite(schema_editor, True)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, False)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_versions_on_every_row'),
    ]

    operations = [
        migrations.AddField(
            model_name='child',
            name='id_number_bidx',
            field=tonghu.core.crypto.BlindIndexField(source='id_number', unique=True, verbose_name='身份证号码索引'),
        ),
        migrations.AlterField(
            model_name='carearrangement',
            name='id_number',
            field=tonghu.core.crypto.EncryptedCharField(blank=True, max_length=18, verbose_name='公民身份号码'),
        ),
        migrations.AlterField(
            model_name='child',
            name='abuse_history',
            field=tonghu.core.crypto.EncryptedTextField(blank=True, verbose_name='受侵害史'),
        ),
        migrations.AlterField(
            model_name='child',
            name='hiv_evidence',
            field=tonghu.core.crypto.EncryptedBooleanField(default=False, verbose_name='有疾控机构确认'),
        ),
        migrations.AlterField(
            model_name='child',
            name='hiv_infected',
            field=tonghu.core.crypto.EncryptedBooleanField(default=False, verbose_name='艾滋病病毒感染'),
        ),
        migrations.AlterField(
            model_name='child',
            name='id_number',
            field=tonghu.core.crypto.EncryptedCharField(blank=True, blind_index='id_number_bidx', max_length=18, null=True, verbose_name='公民身份号码'),
        ),
        migrations.AlterField(
            model_name='guardian',
            name='criminal_record',
            field=tonghu.core.crypto.EncryptedTextField(blank=True, verbose_name='违法犯罪记录'),
        ),
        migrations.AlterField(
            model_name='guardian',
            name='id_number',
            field=tonghu.core.crypto.EncryptedCharField(blank=True, max_length=18, verbose_name='公民身份号码'),
        ),
        migrations.AlterField(
            model_name='guardianrestriction',
            name='kind',
            field=tonghu.core.crypto.EncryptedCharField(choices=[('detention', '在押（羁押）'), ('prison', '服刑'), ('compulsory_rehab', '强制隔离戒毒'), ('other', '其他限制人身自由的措施')], max_length=20, verbose_name='类别'),
        ),
        migrations.AlterField(
            model_name='guardianrestriction',
            name='note',
            field=tonghu.core.crypto.EncryptedCharField(blank=True, max_length=200, verbose_name='备注'),
        ),
        migrations.AlterField(
            model_name='guardianrestriction',
            name='place',
            field=tonghu.core.crypto.EncryptedCharField(blank=True, max_length=100, verbose_name='执行场所'),
        ),
        migrations.RunPython(forwards, backwards),
    ]

# The in-app notification moved to core (issue 11 §3, §5). A new table core_notification (created by
# core.0003_notification) rather than a state-only move of visits_notification: core must not depend on a visits
# migration (layers), and the new model gains the language-neutral title_msg/body_msg columns anyway. The rows are
# copied (their text stays as it was written: old rows keep showing their text), then the old table is dropped.

from django.db import migrations


def copy_rows(apps, schema_editor):
    Old = apps.get_model("visits", "Notification")
    New = apps.get_model("core", "Notification")
    batch = []
    for n in Old.objects.order_by("id").iterator(chunk_size=2000):
        batch.append(New(id=n.id, user_id=n.user_id, kind=n.kind, title=n.title, body=n.body, url=n.url,
                         read_at=n.read_at, sent_at=n.sent_at, channels=n.channels))
        if len(batch) >= 2000:
            _flush(New, Old, batch)
            batch = []
    if batch:
        _flush(New, Old, batch)
    if schema_editor.connection.vendor == "postgresql" and New.objects.exists():
        with schema_editor.connection.cursor() as cur:
            cur.execute("SELECT setval(pg_get_serial_sequence('core_notification', 'id'), (SELECT MAX(id) FROM core_notification))")


def _flush(New, Old, batch):
    New.objects.bulk_create(batch)
    # created_at is auto_now_add: copy the original times in a second step.
    times = dict(Old.objects.filter(id__in=[n.id for n in batch]).values_list("id", "created_at"))
    for n in batch:
        New.objects.filter(id=n.id).update(created_at=times[n.id])


def copy_back(apps, schema_editor):
    Old = apps.get_model("visits", "Notification")
    New = apps.get_model("core", "Notification")
    for n in New.objects.order_by("id").iterator(chunk_size=2000):
        Old.objects.create(id=n.id, user_id=n.user_id, kind=n.kind, title=n.title, body=n.body, url=n.url,
                           read_at=n.read_at, sent_at=n.sent_at, channels=n.channels)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_notification"),
        ("visits", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]

"""Recompute a child's schedule when a fact about the child changes (ARCHITECTURE rule 4).

Connected to ``registry.Child`` and to every registry model with a foreign key to it (guardians, health,
household… whatever the registry defines), so the registry needs no code for it. The recomputation runs after
the transaction commits, once per child per transaction.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_pending: set[int] = set()


def _queue(child_id: int | None) -> None:
    if child_id is None or child_id in _pending:
        return
    _pending.add(child_id)

    def run():
        _pending.discard(child_id)
        from tonghu.registry.models import Child

        from .services import schedule_refresh

        child = Child.objects.filter(pk=child_id).select_related("village").first()
        if child is not None:
            with transaction.atomic():
                schedule_refresh(child)

    transaction.on_commit(run)


def _child_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _queue(instance.pk)


def _fact_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for field in _child_fields(sender):
        _queue(getattr(instance, field.attname, None))


_FIELDS: dict[type, list] = {}


def _child_fields(model) -> list:
    if model not in _FIELDS:
        from tonghu.registry.models import Child

        _FIELDS[model] = [f for f in model._meta.concrete_fields if getattr(f, "related_model", None) is Child]
    return _FIELDS[model]


def connect() -> None:
    from tonghu.registry.models import Child

    post_save.connect(_child_saved, sender=Child, dispatch_uid="visits-child-saved")
    for model in apps.get_app_config("registry").get_models():
        if model is not Child and _child_fields(model):
            post_save.connect(_fact_changed, sender=model, dispatch_uid=f"visits-fact-{model._meta.label}")
            post_delete.connect(_fact_changed, sender=model, dispatch_uid=f"visits-fact-del-{model._meta.label}")


connect()

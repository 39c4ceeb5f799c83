"""In-app notifications and pluggable delivery channels.

Any app may call::

    from tonghu.visits.notify import notify
    notify(user, kind="case_assigned", title="新的个案", body="…", url="/cases/12/")

``notify`` stores a :class:`~tonghu.visits.models.Notification` (what the bell / ``/notifications/`` page shows) and,
after the transaction commits, enqueues the ``send_notifications`` background task (django-tasks) that hands every unsent notification
to each configured channel. Sending never happens in the request.

Channels are classes with ``name`` and ``send(notification) -> bool``; configure them with
``TONGHU["NOTIFY_CHANNELS"]`` (env ``TONGHU_NOTIFY_CHANNELS``, comma-separated dotted paths). Shipped:
:class:`ConsoleChannel` (logs a line) and :class:`EmailChannel` (Django's mail backend; users without an e-mail
address are skipped). An SMS or WeChat channel is another class with the same two members.
"""

from __future__ import annotations

import logging
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

log = logging.getLogger("tonghu.notify")

DEFAULT_CHANNELS = ["tonghu.visits.notify.ConsoleChannel", "tonghu.visits.notify.EmailChannel"]


class Channel:
    name = "base"

    def send(self, notification) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleChannel(Channel):
    name = "console"

    def send(self, notification) -> bool:
        log.info("notify %s: %s %s", notification.user.username, notification.title, notification.url)
        return True


class EmailChannel(Channel):
    name = "email"

    def send(self, notification) -> bool:
        from django.core.mail import send_mail

        address = notification.user.email
        if not address:
            return False
        site = settings.TONGHU.get("SITE_NAME", "童护")
        send_mail(f"[{site}] {notification.title}", f"{notification.body}\n\n{notification.url}".strip(), None, [address])
        return True


def channels() -> list[Channel]:
    paths = list(settings.TONGHU.get("NOTIFY_CHANNELS") or [])
    found: list[Channel] = []
    for path in paths:
        module_name, _dot, cls_name = path.rpartition(".")
        try:
            cls = getattr(import_module(module_name), cls_name)
        except (ImportError, AttributeError):
            log.warning("notification channel %s not found; skipped", path)
            continue
        found.append(cls())
    if not found:
        found = [ConsoleChannel(), EmailChannel()]
    return found


def notify(user, *, kind: str, title: str, body: str = "", url: str = "", send: bool = True):
    """Store an in-app notification for ``user`` and queue its delivery. Returns the notification."""
    from .models import Notification

    notification = Notification.objects.create(user=user, kind=kind, title=str(title)[:200], body=str(body), url=url)
    if send:
        transaction.on_commit(_queue_sending)
    return notification


def _queue_sending() -> None:
    send_notifications.enqueue()


@task()
def send_notifications() -> int:
    """The background job that delivers notifications (django-tasks; the ``db_worker`` runs it)."""
    return send_pending()


def send_pending(limit: int = 1000) -> int:
    """Deliver unsent notifications through every channel (the ``send_notifications`` task calls this)."""
    from .models import Notification

    sent = 0
    for n in Notification.objects.filter(sent_at__isnull=True).select_related("user").order_by("id")[:limit]:
        results = {}
        for channel in channels():
            try:
                results[channel.name] = bool(channel.send(n))
            except Exception as exc:  # noqa: BLE001 - one channel failing must not stop the others
                log.warning("channel %s failed for notification %s: %s", channel.name, n.pk, exc)
                results[channel.name] = False
        Notification.objects.filter(pk=n.pk).update(sent_at=timezone.now(), channels=results)
        sent += 1
    return sent

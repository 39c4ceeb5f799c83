"""In-app notifications and pluggable delivery channels (moved from ``visits`` to ``core``, issue 11 §3, §5).

Any app may call::

    from tonghu.core.notify import notify
    from tonghu.core.texts import msg
    notify(user, kind="case_assigned", title=msg("新的个案 %(number)s", number=case.number), url="/cases/12/")

``title`` and ``body`` are stored language-neutral when they are messages (:func:`tonghu.core.texts.msg`: the
Chinese source string as message id, plus parameters) and rendered in the reader's language: on
``/notifications/`` in the language of the person looking, in an e-mail in the recipient's ``language`` preference
if the user model has one, else ``settings.LANGUAGE_CODE``. Plain strings are stored as they are.

``notify`` stores a :class:`~tonghu.core.models.Notification` (what the bell / ``/notifications/`` page shows) and,
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
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from .texts import Msg, source

log = logging.getLogger("tonghu.notify")

DEFAULT_CHANNELS = ["tonghu.core.notify.ConsoleChannel", "tonghu.core.notify.EmailChannel"]


class Channel:
    name = "base"

    def send(self, notification) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleChannel(Channel):
    name = "console"

    def send(self, notification) -> bool:
        with reader_language(notification.user):
            log.info("notify %s: %s %s", notification.user.username, notification.title_text, notification.url)
        return True


class EmailChannel(Channel):
    name = "email"

    def send(self, notification) -> bool:
        from django.core.mail import send_mail

        address = notification.user.email
        if not address:
            return False
        with reader_language(notification.user):
            site = settings.TONGHU.get("SITE_NAME") or gettext("童护")
            send_mail(f"[{site}] {notification.title_text}", f"{notification.body_text}\n\n{notification.url}".strip(), None, [address])
        return True


def reader_language(user):
    """Activate the recipient's language for rendering what is sent to them: the user's ``language`` preference when
    the user model has one, else the site's default language."""
    chosen = getattr(user, "language", "") or ""
    supported = {code for code, _name in settings.LANGUAGES}
    return translation.override(chosen if chosen in supported else settings.LANGUAGE_CODE)


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


def notify(user, *, kind: str, title, body="", url: str = "", send: bool = True):
    """Store an in-app notification for ``user`` and queue its delivery. Returns the notification.

    ``title`` and ``body`` are :class:`~tonghu.core.texts.Msg` (stored as message id + parameters, shown in the
    reader's language) or plain text (stored as it is)."""
    from .models import Notification

    notification = Notification.objects.create(
        user=user, kind=kind, url=url,
        title=source(title)[:200], body=source(body),
        title_msg=title.as_json() if isinstance(title, Msg) else None,
        body_msg=body.as_json() if isinstance(body, Msg) else None,
    )
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

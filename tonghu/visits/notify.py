"""Moved to :mod:`tonghu.core.notify` (issue 11 §3): notifications are shared by every app. This re-export keeps
``from tonghu.visits.notify import notify`` and the channel paths ``tonghu.visits.notify.EmailChannel`` working."""

from tonghu.core.notify import (  # noqa: F401
    DEFAULT_CHANNELS,
    Channel,
    ConsoleChannel,
    EmailChannel,
    channels,
    notify,
    reader_language,
    send_notifications,
    send_pending,
)

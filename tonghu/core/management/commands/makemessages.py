"""``makemessages`` that also extracts the stored messages of ``tonghu.core.texts``: ``msg("…", …)`` and
``msg_plural("…", "…", "n", …)`` take the Chinese source string as their message id like ``gettext`` does
(docs/decisions/0001)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=msg", "--keyword=msg_plural:1,2"]

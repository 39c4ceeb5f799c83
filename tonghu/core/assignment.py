"""Who may be assigned to children: a plug-in check, so that a lower app (the registry, which sets a file's
director) enforces a rule a higher app owns (the workforce app's background checks, R-F7) without importing it.

An app registers ``check(user) -> str | None`` in its ``AppConfig.ready()``; a service that assigns a user to
children calls :func:`refusal` and refuses with the message when there is one. Seed 002 §三(二)4: a person with a
record of sexual or other offences against minors must be moved off the post at once.
"""

from __future__ import annotations

from collections.abc import Callable

_checks: dict[str, Callable] = {}  # configuration filled at start-up, not state


def register(name: str, check: Callable) -> None:
    """Register ``check(user) -> message or None`` (the same ``name`` again replaces it)."""
    _checks[name] = check


def refusal(user) -> str | None:
    """Why ``user`` must not be assigned to children, or None."""
    if user is None:
        return None
    for check in _checks.values():
        message = check(user)
        if message:
            return str(message)
    return None

"""Big jobs in a child process (issue 10, item 7): ``run_in_child_process(func, **kwargs)``.

This module imports nothing of Django at module level: the ``spawn``ed child imports it before Django is set up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable


def can_use_child_process() -> bool:
    """A child process opens its own connection: it sees only committed rows of a database it can reach (not an
    in-memory SQLite database, nor the uncommitted rows of a surrounding transaction)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    conn = connections[DEFAULT_DB_ALIAS]
    return not conn.in_atomic_block and not (conn.vendor == "sqlite" and conn.is_in_memory_db())


def run_in_child_process(func: Callable, /, **kwargs):
    """Return ``func(**kwargs)`` computed in a fresh Python process (``spawn``), so that the memory a big job
    takes goes back to the operating system when it ends instead of staying with the job worker. ``func`` is a
    module-level function; its arguments and result are pickled. An exception in the child is raised here (an
    unpicklable one as a ``RuntimeError`` with its text)."""
    from django.db import connections

    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    names = {alias: connections[alias].settings_dict["NAME"] for alias in connections}  # e.g. the test database
    process = ctx.Process(target=_child_main, args=(sender, func.__module__, func.__qualname__, kwargs, names), daemon=False)
    process.start()
    sender.close()
    try:
        outcome, value = receiver.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"the child process of the job ended without an answer (exit code {process.exitcode})") from None
    finally:
        receiver.close()
    process.join()
    if outcome == "error":
        raise value
    return value


def _child_main(sender, module: str, qualname: str, kwargs: dict, names: dict) -> None:
    import importlib

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonghu.settings")
    django.setup()
    from django.conf import settings
    from django.db import connections

    for alias, name in names.items():
        if alias in settings.DATABASES:
            settings.DATABASES[alias]["NAME"] = name
    try:
        func = importlib.import_module(module)
        for part in qualname.split("."):
            func = getattr(func, part)
        answer = ("ok", func(**kwargs))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the job
        answer = ("error", exc)
    finally:
        connections.close_all()
    try:
        sender.send(answer)
    except Exception:  # noqa: BLE001 - an exception or result that cannot be pickled
        error = answer[1] if answer[0] == "error" else None
        sender.send(("error", RuntimeError(f"{type(error).__name__}: {error}" if error else "the job's result cannot be sent back")))
    sender.close()


"""The policy engine is pure Python: its tests need no Django settings and no database.

The project's root ``conftest.py`` has an autouse fixture that tunes Django's password hashers through
pytest-django's ``settings`` fixture. Overriding it here by name keeps these tests runnable both with and
without the Django plugin (``pytest tonghu/policy -p no:django``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fast_hashing() -> Iterator[None]:
    yield


def pytest_ignore_collect(collection_path, config):
    """``test_django_*.py`` (the Django app: database profiles, stored classification, pages) need pytest-django;
    with ``-p no:django`` only the pure engine tests run."""
    if collection_path.name.startswith(("test_django_", "django_helpers")) and not config.pluginmanager.hasplugin("django"):
        return True
    return None

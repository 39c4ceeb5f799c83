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

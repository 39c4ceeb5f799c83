"""Builds the demo county. Each app adds its part with ``@demo_step(order)`` in its ``demo.py``.

Everything is generated (tonghu.core.demo): no real person's data is ever in the repo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db import transaction

_STEPS: list[tuple[int, str, object]] = []

DEMO_PASSWORD = "tonghu-demo-2026"


def demo_step(order: int):
    def register(func):
        _STEPS.append((order, f"{func.__module__}.{func.__name__}", func))
        return func

    return register


@dataclass
class DemoContext:
    rng: random.Random
    scale: float = 1.0
    out: object = None
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, region path)
    data: dict = field(default_factory=dict)

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")


def _discover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("tonghu."):
            try:
                import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise


def load_demo(*, seed: int = 20240601, scale: float = 1.0, out=None) -> DemoContext:
    _discover()
    ctx = DemoContext(rng=random.Random(seed), scale=scale, out=out)
    seen = set()
    for _order, name, func in sorted(_STEPS, key=lambda s: (s[0], s[1])):
        if name in seen:
            continue
        seen.add(name)
        ctx.say(f"  · {name}")
        with transaction.atomic():
            func(ctx)
    from .dbstats import analyze

    analyze()  # the whole demo county was just written: give the planner its statistics (issue 10, item 18)
    return ctx

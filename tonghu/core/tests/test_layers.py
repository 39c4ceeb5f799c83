"""The import layers (issue 11 item 1; the order is ``tonghu/layers.py``, the picture docs/architecture.md).

Walks the syntax tree of every module of the tonghu apps — imports at module level, imports inside functions, and
``import_module("tonghu....")`` with a literal name — and fails on an import of a higher tier, naming file:line.
Tests (``tests/`` folders) are not walked: a test may build whatever it needs from any app (a core test makes a child
to probe scoping); they are not imported by the running system.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

from tonghu import layers

ROOT = Path(__file__).resolve().parents[2]  # the tonghu package
REPO = ROOT.parent

# The only upward imports accepted, each with its reason: (file relative to the repository, imported module) → why.
# A stale entry (no such import any more) fails too, so the list only shrinks.
ALLOWED: dict[tuple[str, str], str] = {
    # Notifications live in visits today; they move to core in branch i18n (then these entries go).
    ("tonghu/policy/services.py", "tonghu.visits.notify"): "moves to core in branch i18n",
}


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository
    line: int
    source: str  # the importing module
    target: str  # the imported module (or module.name)
    where: str  # "module level" or "in function f"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, source: str, is_package: bool) -> str | None:
    if node.level == 0:
        return node.module
    base = source.split(".")
    base = base if is_package else base[:-1]
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(text: str, path: str, source: str, is_package: bool = False) -> list[Import]:
    """Every tonghu import in ``text``, with where it sits."""
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = child.name if function is None else f"{function}.{child.name}"
            elif isinstance(child, ast.Lambda):
                inner = function or "<lambda>"
            where = "module level" if function is None else f"in function {function}"
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(child, source, is_package)
                if base:
                    targets = [f"{base}.{alias.name}" if alias.name != "*" else base for alias in child.names]
            elif isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("import_module", "__import__") and child.args and isinstance(child.args[0], ast.Constant) \
                        and isinstance(child.args[0].value, str):
                    targets = [child.args[0].value]
            for target in targets:
                if target.startswith("tonghu"):
                    found.append(Import(path, child.lineno, source, target, where))
            visit(child, inner)

    visit(ast.parse(text, filename=path), None)
    return found


def all_imports() -> list[Import]:
    out: list[Import] = []
    for file in sorted(ROOT.rglob("*.py")):
        rel = file.relative_to(REPO)
        if "tests" in rel.parts:
            continue
        out += imports_of(file.read_text(encoding="utf-8"), str(rel), module_name(file), file.name == "__init__.py")
    return out


def upward(imports: list[Import]) -> list[Import]:
    bad = []
    for imp in imports:
        mine, theirs = layers.tier_of(imp.source), layers.tier_of(imp.target)
        if mine is not None and theirs is not None and theirs > mine:
            bad.append(imp)
    return bad


def describe(imp: Import) -> str:
    mine, theirs = layers.tier_of(imp.source), layers.tier_of(imp.target)
    return (f"{imp.path}:{imp.line}: {imp.source} (tier {layers.tier_name(mine)}) imports {imp.target} "
            f"(tier {layers.tier_name(theirs)}) {imp.where}")


@pytest.fixture(scope="module")
def imports():
    return all_imports()


def allowance(imp: Import) -> tuple[str, str] | None:
    """The ALLOWED entry covering ``imp`` (its target is the listed module or a name inside it)."""
    for path, target in ALLOWED:
        if imp.path == path and (imp.target == target or imp.target.startswith(target + ".")):
            return path, target
    return None


def test_no_app_imports_a_higher_layer(imports):
    """Issue 11 item 1: core → accounts, audit → registry → policy → domain apps → supervision → api, sync. Module-level
    and function-level imports are both refused; the few exceptions are in ALLOWED with their reason."""
    bad = [imp for imp in upward(imports) if allowance(imp) is None]
    module_level = [describe(i) for i in bad if i.where == "module level"]
    in_functions = [describe(i) for i in bad if i.where != "module level"]
    assert not bad, ("Upward imports (move the shared code down, or plug in through an event/registry the lower app "
                     "owns; see tonghu/layers.py):\n  module level:\n    " + "\n    ".join(module_level or ["none"])
                     + "\n  inside functions:\n    " + "\n    ".join(in_functions or ["none"]))


def test_the_allowlist_holds_only_imports_that_still_exist(imports):
    """An exception that is no longer needed is removed from ALLOWED, so the list only shrinks."""
    used = {allowance(imp) for imp in upward(imports)}
    stale = [f"{path} → {target}" for path, target in ALLOWED if (path, target) not in used]
    assert not stale, "ALLOWED lists imports that are gone: " + ", ".join(stale)


def test_apps_of_one_tier_do_not_import_each_other_in_a_cycle(imports):
    """Inside a tier imports go one way (visits uses cases' intake; cases does not import visits at module level)."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        a, b = layers.app_of(imp.source), layers.app_of(imp.target)
        if imp.where == "module level" and a and b and a != b and layers.tier_of(imp.source) == layers.tier_of(imp.target):
            edges.setdefault(a, set()).add(b)
    cycles = sorted(f"{a} ⇄ {b}" for a, targets in edges.items() for b in targets if a in edges.get(b, set()) and a < b)
    assert not cycles, f"apps importing each other at module level: {cycles}"


def test_every_installed_tonghu_app_has_a_tier():
    """A new app is placed in tonghu/layers.py before its imports are judged."""
    missing = [c.name for c in apps.get_app_configs()
               if c.name.startswith("tonghu.") and c.name.split(".")[1] not in layers.TIER_OF_APP]
    assert not missing, f"apps without a tier in tonghu/layers.py: {missing}"


def test_the_walk_finds_upward_imports_at_module_level_and_in_functions():
    """The checker itself: a registry module importing visits at module level, in a function, relatively and through
    import_module is caught each time; a downward import and an app's api plug-in importing api are not."""
    text = (
        "from tonghu.visits.selectors import quarterly_visit_rows\n"
        "import tonghu.cases.models\n"
        "from tonghu.core.roles import Role\n"
        "def f():\n"
        "    from ..policy import engine\n"
        "    return importlib.import_module('tonghu.api.base')\n"
        "class C:\n"
        "    g = lambda self: __import__('tonghu.supervision')\n"
    )
    found = upward(imports_of(text, "tonghu/registry/x.py", "tonghu.registry.x"))
    assert [(i.line, i.target, i.where) for i in found] == [
        (1, "tonghu.visits.selectors.quarterly_visit_rows", "module level"),
        (2, "tonghu.cases.models", "module level"),
        (5, "tonghu.policy.engine", "in function f"),
        (6, "tonghu.api.base", "in function f"),
        (8, "tonghu.supervision", "in function <lambda>"),
    ]
    assert "tonghu/registry/x.py:5:" in describe(found[2]) and "in function f" in describe(found[2])
    plugin = imports_of("from tonghu.api.base import ScopedViewSet\n", "tonghu/registry/api.py", "tonghu.registry.api")
    assert not upward(plugin)
    assert upward(imports_of("from tonghu.registry.api import ChildViewSet\n", "tonghu/registry/views.py",
                             "tonghu.registry.views"))

#!/usr/bin/env python
"""Translation workflow (source strings are Simplified Chinese; English is the translation).

    python scripts/i18n.py extract [APP]  # makemessages -l en for every app, or only tonghu/APP (needs GNU gettext)
    python scripts/i18n.py check     # exit 1 on any untranslated or fuzzy English entry, or a Chinese literal
                                     # in Python code outside a translation call (see LITERAL_DATA below)
    python scripts/i18n.py literals [--all]  # list the Chinese literals outside translation calls, per file
    python scripts/i18n.py compile   # write the .mo files with polib (no gettext needed)
    python scripts/i18n.py fill DICT.py  # fill empty msgstr from a dict module (EN = {...}, PLURALS = {...})
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]


def po_files() -> list[Path]:
    return sorted(ROOT.glob("tonghu/**/locale/en/LC_MESSAGES/django.po"))


def untranslated() -> list[str]:
    problems = []
    for path in po_files():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            empty = not entry.msgstr if not entry.msgid_plural else not all(entry.msgstr_plural.values())
            if empty or "fuzzy" in entry.flags:
                problems.append(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
    return problems


# ----------------------------------------------------------------------------------------- Chinese literals
# A string with Han characters (or full-width punctuation) in Python code is user-facing text unless it sits inside a
# translation call (gettext, gettext_lazy, ngettext, pgettext, gettext_noop, ``_``, and the stored messages of
# tonghu.core.texts: ``msg``, ``msg_plural``), is a docstring, or is data. Data files are listed here, each with
# the reason; a single line of data elsewhere carries the comment ``# i18n: data (why)``.
HAN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
TRANSLATION_CALLS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
                     "pgettext_lazy", "npgettext", "npgettext_lazy", "msg", "msg_plural", "_now"}
LITERAL_DATA = {
    "tonghu/core/demo/": "the demo county's generated names, places and notes (Chinese people and places)",
    "tonghu/core/reference/ethnicities.py": "the national table of ethnicities (GB/T 3304): official Chinese names",
    "tonghu/*/demo.py": "demo data generators: Chinese names, addresses and the free text a village director would type",
    "tonghu/registry/pinyin.py": "the pinyin table maps Chinese characters to their readings",
    "tonghu/registry/ledger/columns.py": "the official ledger's column headings and cell values (the Chinese file format itself)",
    "tonghu/registry/ledger/parsing.py": "reads the Chinese words county staff type into ledger cells (input vocabulary)",
    "tonghu/formats/zh_Hans/": "the Chinese date and number formats (Django's per-language format module)",
    "tonghu/settings.py": "the language names in LANGUAGES are written in their own language (简体中文)",
    "tonghu/*/migrations/": "generated migrations freeze the verbose names of their time",
    "tonghu/*/tests/": "tests assert what a Chinese user sees",
    "tonghu/*/profiles/": "jurisdiction profiles quote the local plans in Chinese",
    "tonghu/*/management/commands/*.py": "console output for operators, printed in both languages (中文 / English)",
    "tonghu/*/access.py": "the permission-matrix probes' fixture objects (names of test records the matrix test creates)",
}
# Files that still hold Chinese literals outside translation calls, with how many: the count may only go down
# (issue 11 §5). Most are the policy engine's own vocabulary (rules.py, facts.py: matched against stored Chinese
# values), the printed PDF form and management commands' console output. Remove a file once it is clean.
LITERAL_PENDING = {
    "tonghu/supervision/indicators.py": 2,  # seed citations (data: the plans' section numbers)
    "tonghu/visits/indicators.py": 4,  # seed citations (data: the plans' section numbers)
    "tonghu/supervision/views.py": 3,  # list separators in exported cells
    "tonghu/workforce/forms.py": 2,  # full-width brackets around data in a label
    "tonghu/workforce/models.py": 4,  # full-width brackets in __str__
    "tonghu/workforce/services.py": 1,  # a list separator
    "tonghu/discovery/fileio.py": 23,  # discovery (issue 12): source templates are data; its service messages still to wrap
    "tonghu/discovery/importer.py": 10,  # discovery (issue 12): source templates are data; its service messages still to wrap
    "tonghu/discovery/linkage.py": 55,  # discovery (issue 12): source templates are data; its service messages still to wrap
    "tonghu/discovery/models.py": 3,  # discovery (issue 12): source templates are data; its service messages still to wrap
    "tonghu/discovery/services.py": 70,  # discovery (issue 12): source templates are data; its service messages still to wrap
    "tonghu/discovery/sources.py": 97,  # discovery (issue 12): source templates are data; its service messages still to wrap
    "tonghu/accounts/models.py": 1,
    "tonghu/api/schema.py": 9,
    "tonghu/api/views.py": 2,
    "tonghu/cases/forms.py": 1,
    "tonghu/cases/models.py": 1,
    "tonghu/core/backup.py": 29,
    "tonghu/core/crypto.py": 10,
    "tonghu/core/reference/idnumber.py": 41,
    "tonghu/core/services.py": 27,
    "tonghu/core/versioning.py": 1,
    "tonghu/policy/dates.py": 9,
    "tonghu/policy/engine.py": 49,
    "tonghu/policy/facts.py": 74,
    "tonghu/policy/forms.py": 2,
    "tonghu/policy/jsonl.py": 10,
    "tonghu/policy/labels.py": 4,
    "tonghu/policy/profile.py": 2,
    "tonghu/accounts/views.py": 1,  # template text of a table column (its words are inside {% translate %})
    "tonghu/cases/views.py": 2,  # template text of a table column (its words are inside {% translate %})
    "tonghu/exchange/services.py": 1,
    "tonghu/policy/rules/base.py": 18,
    "tonghu/policy/rules/categories.py": 50,
    "tonghu/policy/rules/entitlements.py": 19,
    "tonghu/policy/rules/left_behind.py": 67,
    "tonghu/policy/rules/parents.py": 67,
    "tonghu/policy/rules/single_parent.py": 9,
    "tonghu/policy/rules/triggers.py": 4,
    "tonghu/policy/selectors.py": 47,
    "tonghu/policy/services.py": 1,
    "tonghu/registry/access_ledger.py": 1,
    "tonghu/registry/api.py": 12,
    "tonghu/registry/filters.py": 1,
    "tonghu/registry/ledger/conflicts.py": 6,
    "tonghu/registry/ledger/exporter.py": 27,
    "tonghu/registry/ledger/forms.py": 3,
    "tonghu/registry/ledger/matching.py": 1,  # ledger layout words (headers, sheet names): data of the Guangxi format
    "tonghu/registry/ledger/reading.py": 12,  # ledger layout words (headers, sheet names): data of the Guangxi format
    "tonghu/registry/ledger/records.py": 6,  # ledger layout words (headers, sheet names): data of the Guangxi format
    "tonghu/registry/ledger/validate.py": 65,  # ledger layout words (headers, sheet names): data of the Guangxi format
    "tonghu/registry/ledger/writing.py": 1,  # ledger layout words (headers, sheet names): data of the Guangxi format
    "tonghu/registry/masking.py": 1,
    "tonghu/registry/printing.py": 115,
    "tonghu/visits/models.py": 1,
    "tonghu/visits/planning.py": 2,
}


def _is_data(rel: str) -> bool:
    from fnmatch import fnmatch

    for pattern in LITERAL_DATA:
        if pattern.endswith("/") and (rel.startswith(pattern) or fnmatch(rel, pattern + "*")):
            return True
        if fnmatch(rel, pattern):
            return True
    return False


def chinese_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every Chinese string literal in ``path`` outside translation calls and docstrings."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name in TRANSLATION_CALLS:
                for arg in node.args[:3]:
                    allowed.update(id(sub) for sub in ast.walk(arg))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                allowed.add(id(first.value))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed
                and HAN.search(node.value) and "# i18n: data" not in lines[node.lineno - 1]):
            found.append((node.lineno, node.value))
    return sorted(found)


def literal_problems(show_all: bool = False) -> list[str]:
    problems = []
    for path in sorted(ROOT.glob("tonghu/**/*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if _is_data(rel):
            continue
        found = chinese_literals(path)
        allowed = LITERAL_PENDING.get(rel, 0)
        if len(found) > allowed or show_all and found:
            head = f"{rel}: {len(found)} Chinese literal(s) outside translation calls"
            head += f" (at most {allowed} allowed, scripts/i18n.py LITERAL_PENDING)" if allowed else ""
            problems.append(head)
            problems.extend(f"  {rel}:{line}: {value[:60]!r}" for line, value in found[: None if show_all else 20])
    return problems


def compile_all() -> None:
    for path in po_files():
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract" and len(argv) > 2:
        app_dir = ROOT / "tonghu" / argv[2]
        (app_dir / "locale").mkdir(exist_ok=True)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="tonghu.settings", PYTHONPATH=str(ROOT))
        # The console script, not `python -m`: with the app folder as cwd, its selectors.py would shadow the stdlib's.
        tonghu = str(Path(sys.executable).parent / "tonghu")
        subprocess.check_call([tonghu, "makemessages", "-l", "en", "--no-location", "-i", "tests/*"], cwd=app_dir, env=env)
        return 0
    if command == "extract":
        for app in ROOT.glob("tonghu/*/apps.py"):
            (app.parent / "locale").mkdir(exist_ok=True)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="tonghu.settings")
        subprocess.check_call([sys.executable, "-m", "tonghu.cli", "makemessages", "-l", "en", "--no-location",
                               "-i", ".venv/*", "-i", "bench/*", "-i", "*/tests/*"], cwd=ROOT, env=env)
        subprocess.check_call([sys.executable, "-m", "tonghu.cli", "makemessages", "-d", "djangojs", "-l", "en", "--no-location",
                               "-i", ".venv/*", "-i", "bench/*"], cwd=ROOT, env=env)
        return 0
    if command == "fill":
        spec = importlib.util.spec_from_file_location("tdict", argv[2])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for path in po_files():
            po = polib.pofile(str(path))
            for entry in po:
                if entry.msgid_plural and entry.msgid in getattr(module, "PLURALS", {}):
                    one, many = module.PLURALS[entry.msgid]
                    entry.msgstr_plural = {0: one, 1: many}
                elif entry.msgid in module.EN and not entry.msgstr:
                    entry.msgstr = module.EN[entry.msgid]
                if "fuzzy" in entry.flags and entry.msgid in module.EN:
                    entry.flags.remove("fuzzy")
                    entry.msgstr = module.EN[entry.msgid]
            po.save()
        return 0
    if command == "compile":
        compile_all()
        return 0
    if command == "literals":
        problems = literal_problems(show_all="--all" in argv)
        for p in problems:
            print(p)
        return 1 if problems else 0
    if command == "check":
        problems = untranslated() + literal_problems()
        for p in problems:
            print(p)
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

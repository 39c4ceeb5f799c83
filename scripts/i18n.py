#!/usr/bin/env python
"""Translation workflow (source strings are Simplified Chinese; English is the translation).

    python scripts/i18n.py extract [APP]  # makemessages -l en for every app, or only tonghu/APP (needs GNU gettext)
    python scripts/i18n.py check     # exit 1 listing any untranslated or fuzzy English entry
    python scripts/i18n.py compile   # write the .mo files with polib (no gettext needed)
    python scripts/i18n.py fill DICT.py  # fill empty msgstr from a dict module (EN = {...}, PLURALS = {...})
"""

from __future__ import annotations

import importlib.util
import os
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
    if command == "check":
        problems = untranslated()
        for p in problems:
            print(p)
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

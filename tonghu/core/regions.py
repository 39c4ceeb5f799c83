"""Rules of the 12-digit statistics division code (统计用区划代码), no database needed."""

from __future__ import annotations

# How many leading digits identify a place at each level: 省 2, 市 4, 县 6, 乡 9, 村 12.
LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
LEVEL_ORDER = ["province", "city", "county", "township", "village"]


def significant_prefix(code: str, level: str) -> str:
    """The digits that every place under ``code`` shares: ``451027000000`` at county level -> ``451027``."""
    return code[: LEVEL_DIGITS[level]]


def level_of(code: str) -> str:
    """Infer the level from the zero padding of a well-formed code."""
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def parent_code(code: str) -> str | None:
    level = level_of(code)
    index = LEVEL_ORDER.index(level)
    if index == 0:
        return None
    keep = LEVEL_DIGITS[LEVEL_ORDER[index - 1]]
    return code[:keep].ljust(12, "0")


def normalize_code(raw: str) -> str:
    """Accept 2/4/6/9/12-digit codes (GB/T 2260 six digits included) and pad to 12."""
    value = (raw or "").strip()
    if not value.isdigit() or len(value) not in (2, 4, 6, 9, 12):
        raise ValueError(value)
    return value.ljust(12, "0")

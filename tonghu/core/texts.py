"""Stored texts that read in the reader's language (issue 11 §5, issue 18 §3; docs/decisions/0001).

A text written now and read later — a notification, a case-history line, an escalation reason, an audit summary —
must not be frozen in the writer's language. Instead of ``_("个案 %(number)s 申请结案，请审批。") % {...}`` (rendered
once, in the actor's language), a service stores a :class:`Msg`::

    from tonghu.core.texts import msg
    text = msg("个案 %(number)s 申请结案，请审批。", number=case.number)

``msg`` takes the Chinese source string as the message id (extracted by ``scripts/i18n.py extract`` like a
``gettext`` call; the English lives in the app's ``.po``) and JSON parameters. Parameters may themselves be
messages (``msg(...)``), lazy translations (a ``TextChoices`` label, ``gettext_lazy``: stored as their message id),
dates (shown in the reader's date format) or lists (joined with the reader's separator).

:func:`encode` turns a :class:`Msg` into the text stored in an ordinary text column (a small JSON document with a
marker); :func:`render` turns a stored text back into a sentence in the active language. A column that holds plain
text written before this existed (or a user's own words) is shown unchanged, so old rows keep their text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

MARKER = '{"i18n":'


class Msg:
    """A message id (the Chinese source string) and its parameters; ``str()`` renders it in the active language."""

    __slots__ = ("msgid", "plural", "params", "count")

    def __init__(self, msgid: str, params: dict | None = None, *, plural: str = "", count: str = ""):
        self.msgid = str(msgid)
        self.plural = plural
        self.count = count  # the name of the parameter that chooses the plural form
        self.params = {str(k): _neutral(v) for k, v in (params or {}).items()}

    def as_json(self) -> dict:
        data: dict[str, Any] = {"i18n": self.msgid, "p": self.params}
        if self.plural:
            data["pl"], data["n"] = self.plural, self.count
        return data

    @classmethod
    def from_json(cls, data: dict) -> Msg:
        m = cls(data["i18n"])
        m.params = data.get("p") or {}
        m.plural, m.count = data.get("pl", ""), data.get("n", "")
        return m

    def render(self) -> str:
        params = {k: _render_value(v) for k, v in self.params.items()}
        if self.plural:
            template = ngettext(self.msgid, self.plural, int(self.params.get(self.count) or 0))
        else:
            template = gettext(self.msgid)
        try:
            return template % params if params else template
        except (KeyError, ValueError, TypeError):
            return template

    __str__ = render

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Msg) and self.as_json() == other.as_json()

    def __hash__(self) -> int:
        return hash(self.msgid)


def msg(msgid: str, **params) -> Msg:
    """A message to store: ``msgid`` is the Chinese source string (also a ``gettext`` msgid)."""
    return Msg(msgid, params)


def msg_plural(singular: str, plural: str, count_param: str, **params) -> Msg:
    """A message with plural forms; ``params[count_param]`` chooses the form (``ngettext``)."""
    return Msg(singular, params, plural=plural, count=count_param)


class Bilingual:
    """A text that comes with its own translations (a jurisdiction profile's trigger text has ``zh`` and ``en``):
    stored with both, shown in the reader's language (Chinese when there is no text for it)."""

    __slots__ = ("texts",)

    def __init__(self, zh: str, en: str = ""):
        self.texts = {"zh-hans": str(zh), "en": str(en or "")}


def bilingual(zh: str, en: str = "") -> Bilingual:
    return Bilingual(zh, en)


class Joined:
    """A list parameter shown joined with a separator (itself a message id: "；" reads "; " in English)."""

    __slots__ = ("items", "sep")

    def __init__(self, items, sep: str = "、"):  # i18n: data (the separator is a message id, translated when shown)
        self.items, self.sep = list(items), sep


def joined(items, sep: str = "、") -> Joined:  # i18n: data (as above)
    return Joined(items, sep)


def lazy_msgid(value) -> str | None:
    """The message id behind a ``gettext_lazy`` proxy (a ``TextChoices`` label), or None."""
    args = getattr(value, "_args", None)
    if isinstance(value, Promise) and args and isinstance(args[0], str) and len(args) == 1:
        return args[0]
    return None


def _neutral(value: Any) -> Any:
    """A parameter as JSON that does not depend on the writer's language."""
    if isinstance(value, Msg):
        return value.as_json()
    if isinstance(value, Bilingual):
        return {"bi": value.texts}
    if isinstance(value, Joined):
        return {"list": [_neutral(v) for v in value.items], "sep": value.sep}
    if isinstance(value, Promise):
        found = lazy_msgid(value)
        return {"i18n": found, "p": {}} if found is not None else str(value)
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return {"list": [_neutral(v) for v in value]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _render_value(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(MARKER):
        return render(value)  # a stored text passed on as a parameter
    if isinstance(value, dict):
        if "i18n" in value:
            return Msg.from_json(value).render()
        if "date" in value:
            return formats.date_format(dt.date.fromisoformat(value["date"]), "DATE_FORMAT")
        if "datetime" in value:
            from django.utils import timezone

            moment = dt.datetime.fromisoformat(value["datetime"])
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
        if "list" in value:
            return gettext(value.get("sep") or "、").join(str(_render_value(v)) for v in value["list"])
        if "bi" in value:
            from django.utils.translation import get_language

            texts = value["bi"]
            language = (get_language() or "zh-hans").lower()
            found = texts.get(language) or texts.get(language.split("-")[0])
            return found or texts.get("zh-hans") or next(iter(texts.values()), "")
    return value


def encode(value: Any) -> str:
    """The text to store for ``value``: a :class:`Msg` becomes a language-neutral JSON document, anything else its
    ``str()`` (a lazy translation is stored as its message id)."""
    if isinstance(value, Msg):
        return json.dumps(value.as_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, Promise) and lazy_msgid(value) is not None:
        return encode(Msg(lazy_msgid(value)))
    return "" if value is None else str(value)


def decode(text: str | None) -> Msg | None:
    """The :class:`Msg` stored in ``text``, or None for plain text."""
    if not text or not text.startswith(MARKER):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or "i18n" not in data:
        return None
    return Msg.from_json(data)


def render(text: Any) -> str:
    """A stored text in the active language: a stored message is translated, plain text is returned unchanged."""
    if isinstance(text, Msg):
        return text.render()
    if not isinstance(text, str):
        return "" if text is None else str(text)
    found = decode(text)
    return found.render() if found is not None else text


def source(text: Any) -> str:
    """The text in the source language (Chinese), whatever language is active — for search and exports that must
    not depend on the reader."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return render(text)


def choice(obj, field: str):
    """The label of ``obj.<field>``'s choice, untranslated (lazy) so that it can be stored as a message id —
    ``obj.get_<field>_display()`` would freeze it in the writer's language."""
    value = getattr(obj, field)
    for key, label in obj._meta.get_field(field).flatchoices:
        if key == value:
            return label
    return value


def pick(entry, key: str = "") -> str:
    """A profile entry's text in the active language: ``entry`` holds ``zh`` and maybe ``en`` (a jurisdiction
    profile's indicator, level or trigger); Chinese when there is no English. ``key`` prefixes the field names
    (``pick(e, "label_")`` reads ``label_zh`` / ``label_en``)."""
    from django.utils.translation import get_language

    if not entry:
        return ""
    get = entry.get if hasattr(entry, "get") else lambda k, d=None: getattr(entry, k, d)
    if (get_language() or "").startswith("en") and get(f"{key}en"):
        return str(get(f"{key}en"))
    return str(get(f"{key}zh") or "")

"""Every model of the tonghu apps says what it is (issue 11 item 4): a docstring, a ``__str__`` of its own (an admin,
an audit summary or an error message never shows "Case object (12)"), a ``Meta.ordering`` (lists and exports come
out the same way every time), and ``verbose_name``/``verbose_name_plural`` through gettext_lazy (so the English
interface names it in English). The apps of later branches are held to it when they merge."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils.functional import Promise


def tonghu_models():
    return [m for m in apps.get_models() if m.__module__.startswith("tonghu.")]


def defects(model) -> list[str]:
    out = []
    doc = vars(model).get("__doc__") or ""
    if not doc.strip() or doc.startswith(f"{model.__name__}("):  # Django writes "Name(field, …)" when there is none
        out.append("no docstring")
    own_str = any("__str__" in vars(cls) for cls in model.__mro__ if cls.__module__.startswith("tonghu."))
    if not own_str:
        out.append("no __str__")
    if not model._meta.ordering:
        out.append("no Meta.ordering")
    for attr in ("verbose_name", "verbose_name_plural"):
        if not isinstance(model._meta.original_attrs.get(attr), Promise):
            out.append(f"Meta.{attr} missing or not gettext_lazy")
    return out


def test_every_model_has_docstring_str_ordering_and_translated_names():
    found = {m._meta.label: defects(m) for m in tonghu_models()}
    bad = {label: problems for label, problems in found.items() if problems}
    assert len(found) > 30  # the walk sees the apps' models
    assert not bad, "models that do not say what they are:\n" + "\n".join(f"  {k}: {', '.join(v)}" for k, v in sorted(bad.items()))


def test_the_check_notices_each_missing_piece():
    """The checker itself: a bare model fails on all five points."""

    class Bare(models.Model):
        class Meta:
            app_label = "core"
            managed = False

    assert defects(Bare) == ["no docstring", "no __str__", "no Meta.ordering", "Meta.verbose_name missing or not gettext_lazy",
                             "Meta.verbose_name_plural missing or not gettext_lazy"]

"""Stored texts rendered for the reader (tonghu.core.texts; issue 11 §5, issue 18 §3)."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext_lazy

from tonghu.core.texts import decode, encode, msg, msg_plural, render, source


def test_a_stored_message_reads_in_each_readers_language():
    with translation.override("en"):
        stored = encode(msg("个案 %(number)s 申请结案，请审批。", number="GA-1"))
    assert "Case" not in stored
    with translation.override("zh-hans"):
        assert render(stored) == "个案 GA-1 申请结案，请审批。"
    with translation.override("en"):
        assert render(stored) == "Case GA-1 requests closure; please decide."
    assert source(stored) == "个案 GA-1 申请结案，请审批。"


def test_lazy_labels_dates_lists_and_nested_messages_are_stored_by_id_and_rendered_late():
    with translation.override("en"):
        stored = encode(msg("档案状态：%(before)s → %(after)s", before=gettext_lazy("在册"), after=[gettext_lazy("在册"), msg("受限材料")]))
    assert "在册" in stored
    with translation.override("zh-hans"):
        assert render(stored) == "档案状态：在册 → 在册、受限材料"
    with translation.override("en"):
        text = render(stored)
        assert "在" not in text and "restricted material" in text
    day = encode(msg("个案会商（%(date)s）", date=dt.date(2026, 11, 30)))
    with translation.override("zh-hans"):
        assert "2026年11月30日" in render(day)
    with translation.override("en"):
        assert render(day) == "Case conference (2026-11-30)"  # tonghu/formats/en: ISO dates


def test_plurals_follow_the_count_in_english():
    one, many = (encode(msg_plural("%(n)d 项走访任务已逾期", "%(n)d 项走访任务已逾期", "n", n=k)) for k in (1, 3))
    with translation.override("en"):
        assert render(one) == "1 visit task is overdue" and render(many) == "3 visit tasks are overdue"


def test_plain_text_and_broken_documents_are_shown_unchanged():
    assert render("罗小花的原话") == "罗小花的原话"
    assert decode('{"i18n": broken') is None and render('{"i18n": broken') == '{"i18n": broken'
    assert render(None) == "" and encode(None) == ""

"""``tonghu classify`` line processing: good lines, bad lines that do not stop the run, and the documented
examples in docs/classify-format.md (which must stay true)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tonghu.policy.jsonl import classify_lines
from tonghu.policy.profile import ProfileError

ON = dt.date(2024, 11, 15)
DOC = Path(__file__).resolve().parents[3] / "docs" / "classify-format.md"

GOOD = json.dumps({
    "id": "G-1",
    "child": {"birth_date": "2014-05-01", "hukou_type": "rural", "residence_code": "450321101201"},
    "guardians": [{"role": "father", "working_away": {"since": "2024-06-01"}},
                  {"role": "mother", "working_away": {"since": "2024-06-01"}}],
}, ensure_ascii=False)


@pytest.mark.parametrize(
    "line, field, zh",
    [
        pytest.param("{not json", "(整行)", "不是有效的 JSON", id="invalid JSON"),
        pytest.param("[1, 2]", "(整行)", "应为 JSON 对象", id="not an object"),
        pytest.param('{"id": "B", "child": {"birth_date": "2014-05-01", "colour": "red"}}', "child.colour",
                     "未知字段“colour”", id="unknown field"),
        pytest.param('{"id": "B", "child": {"birth_date": "2014-05-01", "hukou_type": 1}}', "child.hukou_type",
                     "无效", id="wrong type (enum)"),
        pytest.param('{"id": "B", "child": {"birth_date": "2014-05-01"}, "household": {"dibao": "yes"}}',
                     "household.dibao", "应为 true 或 false", id="wrong type (bool)"),
        pytest.param('{"id": "B", "child": {"birth_date": "01/05/2014"}}', "child.birth_date", "日期格式错误",
                     id="bad date"),
        pytest.param('{"id": "B", "child": {"birth_date": "2025-05-01"}}', "child.birth_date", "晚于评估日期",
                     id="born after the evaluation date"),
        pytest.param('{"id": "B"}', "child", "缺少必填字段", id="missing child"),
        pytest.param('{"id": "B", "child": {"birth_date": "2014-05-01"}, "guardians": [{"role": "mother", '
                     '"working_away": {"since": "2024-01-01", "destination_code": "44"}, "disability": '
                     '{"type": "physical", "grade": 0}}]}', "guardians[0].disability.grade", "残疾等级应为1至4",
                     id="grade out of range"),
    ],
)
def test_bad_line_reports_and_run_continues(line: str, field: str, zh: str) -> None:
    out = list(classify_lines([GOOD, line, "", GOOD], "guangxi", ON))
    assert [o["line"] for o in out] == [1, 2, 4]  # blank line 3 skipped, numbering kept
    err = out[1]
    assert set(err) <= {"line", "error", "error_en", "field", "id"}
    assert err["field"] == field
    assert err["error"].startswith("第2行：")
    assert zh in err["error"]
    assert out[0]["categories"] == ["left_behind"] and out[2]["categories"] == ["left_behind"]


def test_error_echoes_id_when_readable() -> None:
    (err,) = classify_lines(['{"id": "A-9", "child": {"birth_date": "2014-02-30"}}'], "national", ON)
    assert err["id"] == "A-9"


def test_unknown_profile_fails_before_reading() -> None:
    with pytest.raises(ProfileError):
        list(classify_lines([GOOD], "atlantis", ON))


def test_output_is_json_serialisable_and_complete() -> None:
    (out,) = classify_lines([GOOD], "guangxi", ON)
    text = json.dumps(out, ensure_ascii=False)
    assert "农村留守儿童" in text
    assert set(out) == {"line", "id", "on", "profile", "profile_version", "categories", "pending_evidence",
                        "explanations", "not_met", "gaps", "visits", "next_changes"}
    assert out["explanations"][0]["source"].startswith("R-A1")
    assert out["not_met"] and all(e["status"] == "not_met" for e in out["not_met"])


def test_byte_order_mark_and_whitespace_tolerated() -> None:
    (out,) = classify_lines(["\ufeff" + GOOD + "  \n"], "guangxi", ON)
    assert out["id"] == "G-1"


# ------------------------------------------------------------------------- docs/classify-format.md examples


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_documented_examples_still_hold() -> None:
    lines = _blocks("jsonl")[0].strip().splitlines()
    assert len(lines) == 3
    profiles = ["guangxi", "xizang", "changzhi"]
    results = [next(classify_lines([ln], p, ON)) for ln, p in zip(lines, profiles)]
    assert [r["categories"] for r in results] == [
        ["left_behind"],
        ["in_difficulty", "in_difficulty.de_facto_unsupported", "single_parent"],
        ["in_difficulty", "in_difficulty.severe_disability", "in_difficulty.poor_family", "single_parent"],
    ]
    assert [[g["scheme"] for g in r["gaps"]] for r in results] == [
        [], ["unsupported_allowance", "tekun", "student_grant"], ["disability_allowance", "education_aid"]]
    assert results[2]["visits"]["escalated"] is True
    not_met = {e["key"]: e for e in results[2]["not_met"]}
    assert "公安机关尚未受理报案" in not_met["in_difficulty.de_facto_unsupported"]["text_zh"]

    documented = json.loads(_blocks("json")[0])
    actual = results[1]
    for key in ("id", "on", "profile", "profile_version", "categories", "pending_evidence", "explanations", "gaps",
                "next_changes"):
        assert documented[key] == actual[key], key
    assert {k: v for k, v in documented["visits"].items() if k != "source"} == {
        k: v for k, v in actual["visits"].items() if k != "source"}


def test_documented_error_lines_still_hold() -> None:
    documented = [json.loads(x) for x in _blocks("jsonl")[1].strip().splitlines()]
    bad = ['{"id": "E-1", "child": {"birth_date": "2015-02-30"}}',
           '{"id": "E-2", "child": {"birth_date": "2015-01-01"}, "guardians": [{"role": "father", "working_away": '
           '{"sinse": "2024-01-01"}}]}',
           '{"id": "E-3", "child": {"birth_date": "2015-01-01", "hukou_type": "城镇"}}',
           '{"id": "E-4", "child": {"birth_date": "2015-01-01"}, "household": {"dibao": "是"}}',
           '{"id": "E-5", "child": {"birth_date": "2015-01-01"}']
    assert list(classify_lines(bad, "guangxi", ON)) == documented

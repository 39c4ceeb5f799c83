"""``tonghu classify --profile NAME FILE.jsonl`` (issue 4 §5): one JSON line per child, bad lines reported, the
rest continue; exit status non-zero only when the file or the profile is wrong."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

GOOD = {"id": "A-1", "child": {"birth_date": "2014-05-01", "hukou_type": "rural", "residence_code": "450321101201"},
        "guardians": [{"role": "father", "working_away": {"since": "2024-01-01", "destination_code": "440305"}},
                      {"role": "mother", "working_away": {"since": "2024-01-01", "destination_code": "440305"}}]}


def _run(tmp_path, lines, **kw):
    path = tmp_path / "children.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("classify", str(path), stdout=out, **kw)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_classify_file_with_bad_lines(tmp_path, settings):
    bad_field = dict(GOOD, id="B-2", child={**GOOD["child"], "birth_date": "2014-13-01"})
    lines = [json.dumps(GOOD), "{not json", json.dumps(bad_field), "", json.dumps(dict(GOOD, id="C-4"))]
    results = _run(tmp_path, lines, profile="guangxi", on="2024-11-15")
    assert [r["line"] for r in results] == [1, 2, 3, 5]
    assert results[0]["categories"] == ["left_behind"] and results[0]["profile"] == "guangxi"
    assert "explanations" in results[0] and "gaps" in results[0]
    assert results[1]["field"] == "(整行)" and results[1]["error"].startswith("第2行")
    assert results[2]["field"] == "child.birth_date" and results[2]["id"] == "B-2" and "第3行" in results[2]["error"]
    assert results[3]["id"] == "C-4" and results[3]["categories"] == ["left_behind"]


@pytest.mark.django_db
def test_classify_uses_the_database_profiles(tmp_path):
    """A profile edited in the database is what the command applies (R-A1)."""
    from tonghu.policy.models import PolicyProfile, PolicyProfileVersion
    from tonghu.policy.services import policy_load

    policy_load()
    PolicyProfileVersion.objects.create(profile=PolicyProfile.objects.get(key="guangxi"), version="t", effective_from="2024-10-01",
                                        source="测试", settings={"left_behind": {"months_away": {"value": 12, "source": "测试条款"}}})
    results = _run(tmp_path, [json.dumps(GOOD)], profile="guangxi", on="2024-11-15")
    assert results[0]["categories"] == [] and "guangxi@t" in results[0]["profile_version"]


@pytest.mark.django_db
def test_classify_refuses_unknown_profile_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match="unknown profile"):
        _run(tmp_path, [json.dumps(GOOD)], profile="atlantis")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("classify", str(tmp_path / "missing.jsonl"), profile="guangxi", stdout=io.StringIO())
    with pytest.raises(CommandError, match="bad date"):
        _run(tmp_path, [json.dumps(GOOD)], profile="guangxi", on="15/11/2024")

"""The linkage engine on its own (issue 12 item 2): Chinese-aware names, transposed dates, same-name children."""

from __future__ import annotations

from tonghu.discovery import linkage as L

REGISTRY = [
    {"id": "1", "name": "张伟", "sex": "M", "birth_date": "2015-03-08", "region_code": "451027001200", "guardian_name": "张建国"},
    {"id": "2", "name": "张伟", "sex": "M", "birth_date": "2012-07-21", "region_code": "451027002200"},
    {"id": "3", "name": "李娜", "sex": "F", "birth_date": "2014-01-05", "region_code": "451027001200", "id_key": "k-li-na"},
    {"id": "4", "name": "阿卜杜拉", "sex": "M", "birth_date": "2013-05-02", "region_code": "451027001201"},
    {"id": "5", "name": "扎西", "sex": "M", "birth_date": "2011-11-30", "region_code": "451027001201"},
]


def _decisions(roster):
    return {d.roster_id: d for d in L.link(roster, REGISTRY).decisions}


def test_name_keys_read_traditional_forms_pinyin_and_homophones_alike():
    """張偉 (traditional), zhang wei, Zhang Wei and 章伟 (homophone) share the pinyin key of 张伟."""
    keys = {n: L.name_keys(n)[1] for n in ("张伟", "張偉", "zhang wei", "Zhang Wei", "章伟")}
    assert set(keys.values()) == {"zhangwei"}
    assert L.name_keys("張偉")[0] == "张伟"  # OpenCC t2s
    assert L.name_keys("阿卜杜拉")[1] == L.name_keys("阿布都拉")[1]  # transliteration readings
    assert L.name_keys("扎西")[1] == L.name_keys("扎喜")[1]


def test_a_name_written_differently_and_a_transposed_birth_date_still_link():
    """R-D2: 張偉 with day and month swapped (2015-08-03), and "zhang wei" with the township only, are child 1;
    the reasons say why in both languages."""
    d = _decisions([
        {"id": "a", "name": "張偉", "sex": "男", "birth_date": "2015-08-03", "region_code": "451027001200"},
        {"id": "b", "name": "zhang wei", "sex": "M", "birth_date": "2015-03-08", "region_code": "451027001"},
        {"id": "c", "name": "阿布都拉", "sex": "M", "birth_date": "2013-05-02", "region_code": "451027001201"},
    ])
    assert (d["a"].decision, d["a"].registry_id) == ("match", "1")
    assert (d["b"].decision, d["b"].registry_id) == ("match", "1")
    assert (d["c"].decision, d["c"].registry_id) == ("match", "4")
    assert "出生日期月、日颠倒" in d["a"].reasons_text("zh")
    assert "birth date with day and month transposed" in d["a"].reasons_text("en")


def test_two_children_with_the_same_name_do_not_auto_link():
    """A third 张伟 born on another day in another village is not linked to either registered 张伟, and a roster 张伟
    that fits neither well is at most a review, never a match."""
    d = _decisions([
        {"id": "x", "name": "张伟", "sex": "M", "birth_date": "2010-01-01", "region_code": "451027001201"},
        {"id": "y", "name": "张伟", "sex": "M", "birth_date": "2012-07-21", "region_code": "451027002200"},
    ])
    assert d["x"].decision == "new" and d["x"].registry_id is None
    assert (d["y"].decision, d["y"].registry_id) == ("match", "2")


def test_an_id_number_match_is_decided_before_the_model_and_a_different_id_refutes():
    d = _decisions([
        {"id": "i", "name": "李丽娜", "sex": "F", "birth_date": "2014-01-05", "id_key": "k-li-na"},
        {"id": "j", "name": "李娜", "sex": "F", "birth_date": "2014-01-05", "region_code": "451027001200", "id_key": "k-other"},
    ])
    assert (d["i"].decision, d["i"].registry_id, d["i"].probability) == ("match", "3", 1.0)
    assert d["j"].decision != "match"


def test_nobody_like_the_roster_person_is_new():
    d = _decisions([{"id": "n", "name": "王芳", "sex": "F", "birth_date": "2016-02-02", "region_code": "451027001201"}])
    assert d["n"].decision == "new" and d["n"].registry_id is None

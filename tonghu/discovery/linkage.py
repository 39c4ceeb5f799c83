"""Chinese-aware record linkage with Splink (issue 12 item 2): roster persons ↔ registry children or guardians.

This module has no Django import: the app's jobs, ``tonghu link`` and ``bench/`` all call :func:`link`.

Pipeline
--------
1. :func:`prepare` turns records (``id, name, sex, birth_date, id_key, region_code, guardian_name, guardian_phone``)
   into a pyarrow table of match keys. Name keys are computed once per *distinct* name (OpenCC ``t2s``, the
   registry's pinyin with surname readings, initials, a fuzzy-pinyin key) and spread back with a dictionary
   ``take`` — a roster of a million rows has a few hundred thousand distinct names, and the rest is vectorised
   pyarrow compute.
2. Exact ID matches (the caller passes the keyed blind index, never the number) are decided before Splink.
3. The rest go through Splink (``link_only``): blocking rules on pinyin, initials, birth date and region keep the
   pairs near linear; comparisons understand Chinese names; u from random sampling, m from priors refined by EM
   (unsupervised) when the inputs are large enough; the trained model (JSON) is returned so it can be stored with
   the data set and shown.
4. :func:`decide` keeps the best candidate per roster record: ``match`` (one candidate at or above the match
   threshold and no rival near it), ``review`` or ``new``; ``reasons`` explain each comparison level with its match
   weight in Chinese and English.

Engines: ``duckdb`` (embedded, default) or ``spark`` (``engine="spark"`` and a ``spark`` session): the comparisons
and blocking rules use only Splink's dialect-neutral levels and plain ``=`` conditions, so the same model runs on
both (docs/discovery.md, "Province scale").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

INPUT_COLUMNS = ("id", "name", "sex", "birth_date", "id_key", "region_code", "guardian_name", "guardian_phone")

# ------------------------------------------------------------------------------------------------ name keys


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency; pinyin still matches traditional forms
        return None
    return opencc.OpenCC("t2s")


# Characters whose reading in transliterated (Uyghur, Tibetan, Mongolian…) names differs from pypinyin's default.
TRANSLIT_READINGS = {"卜": "bu", "都": "du", "阿": "a", "尔": "er", "提": "ti", "买": "mai", "热": "re", "曲": "qu",
                     "仁": "ren", "央": "yang", "卓": "zhuo", "嘎": "ga", "哈": "ha", "克": "ke"}
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"), ("ong", "un"),
                 ("ou", "u"), ("uo", "u"), ("o", "u"))
_SEPARATORS = re.compile(r"[\s·•・．.\-_]+")


@lru_cache(maxsize=10_000)
def _fuzzy(syllable: str) -> str:
    """A syllable with the distinctions people (and dialects) blur: zh/z, ch/c, sh/s, -ng/-n, l/n, o/ou/u."""
    for a, b in _FUZZY_INITIALS:
        if syllable.startswith(a):
            syllable = b + syllable[len(a):]
            break
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    for a, b in _FUZZY_FINALS:
        if syllable.endswith(a):
            return syllable[: -len(a)] + b
    return syllable


@lru_cache(maxsize=50_000)
def _char_pinyin(ch: str) -> str:
    """One character's reading (cached per character: a province's names use a few thousand characters)."""
    from tonghu.registry.pinyin import syllables

    parts = syllables(ch)
    return parts[0] if parts else ""


@lru_cache(maxsize=500_000)
def name_keys(name: str) -> tuple[str, str, str, str, str]:
    """(simplified characters, full pinyin, initials, fuzzy pinyin, surname pinyin) of one name.

    ``張偉`` → ``("张伟", "zhangwei", "zw", "zanwei", "zhang")``; an ASCII name (``Zhang Wei``) is taken as pinyin.
    Readings are per character (the surname's reading for the first: 覃 qin, 单 shan; transliteration readings for
    the others: 卜 bu, 都 du), the same on both sides of a comparison — what matters for matching is that one name
    always gives one key, and a character lookup keeps the preparation of a million names to seconds.
    """
    from tonghu.registry.pinyin import SURNAME_READINGS

    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", name or "")).strip()
    if not text:
        return ("", "", "", "", "")
    if text.isascii():
        parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", unicodedata.normalize("NFKC", name).strip())
        parts = [p.lower() for p in parts] or [text.lower()]
        simple = text.lower()
    else:
        conv = _t2s()
        simple = conv.convert(text) if conv is not None else text
        parts = []
        for i, ch in enumerate(simple):
            if i == 0 and ch in SURNAME_READINGS:
                parts.append(SURNAME_READINGS[ch])
            elif i > 0 and ch in TRANSLIT_READINGS:
                parts.append(TRANSLIT_READINGS[ch])
            else:
                py = _char_pinyin(ch)
                if py:
                    parts.append(py)
    full = "".join(parts)
    initials = "".join(p[0] for p in parts if p)
    fuzzy = "".join(_fuzzy(p) for p in parts)
    return (simple, full, initials, fuzzy, parts[0] if parts else "")


# ------------------------------------------------------------------------------------------------ preparation

_SEX = {"m": "M", "男": "M", "1": "M", "male": "M", "f": "F", "女": "F", "2": "F", "female": "F"}


def _as_table(records) -> pa.Table:
    if isinstance(records, pa.Table):
        table = records
    else:
        records = list(records)
        cols = list(INPUT_COLUMNS) + (["birth_year"] if any("birth_year" in r for r in records) else [])
        table = pa.table({c: pa.array([None if r.get(c) is None else str(r[c]) for r in records], pa.string()) for c in cols})
    for col in INPUT_COLUMNS:
        if col not in table.column_names:
            table = table.append_column(col, pa.nulls(table.num_rows, pa.string()))
    return table


def _str(col) -> pa.ChunkedArray:
    col = pc.cast(col, pa.string()) if col.type != pa.string() else col
    col = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def _date_str(col) -> pa.ChunkedArray:
    if pa.types.is_date(col.type) or pa.types.is_timestamp(col.type):
        return pc.strftime(col, format="%Y-%m-%d")
    col = _str(col)
    return pc.if_else(pc.match_substring_regex(col, r"^\d{4}-\d{2}-\d{2}$"), col, pa.scalar(None, pa.string()))


def _map_distinct(col: pa.ChunkedArray, func, n_out: int) -> list[pa.Array]:
    """Apply ``func`` (str -> tuple of ``n_out`` str) once per distinct value and spread the results back."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    encoded = pc.dictionary_encode(col)
    values = encoded.dictionary.to_pylist()
    outs = [func(v) if v else ("",) * n_out for v in values]
    result = []
    for i in range(n_out):
        dictionary = pa.array([o[i] or None for o in outs], pa.string())
        result.append(dictionary.take(encoded.indices))
    return result


def prepare(records) -> pa.Table:
    """Match keys of ``records`` (pyarrow table or iterable of dicts with :data:`INPUT_COLUMNS`)."""
    t = _as_table(records)
    n = t.num_rows
    ids = pc.cast(t["id"], pa.string())
    name_s, name_py, initials, name_fz, surname = _map_distinct(_str(t["name"]), name_keys, 5)
    sex_raw = pc.utf8_lower(_str(t["sex"]))
    sex = _map_distinct(sex_raw, lambda v: (_SEX.get(v, ""),), 1)[0]
    birth = _date_str(t["birth_date"])
    year = pc.utf8_slice_codeunits(birth, 0, 4)
    ym = pc.utf8_slice_codeunits(birth, 0, 7)
    month = pc.utf8_slice_codeunits(birth, 5, 7)
    day = pc.utf8_slice_codeunits(birth, 8, 10)
    swap_ok = pc.and_(pc.less_equal(day, "12"), pc.not_equal(day, month))
    swapped = pc.binary_join_element_wise(year, day, month, "-")
    birth_swap = pc.if_else(swap_ok, swapped, pa.scalar(None, pa.string()))
    if "birth_year" in t.column_names:  # guardians: a year without a date
        year = pc.coalesce(year, _str(t["birth_year"]))
    region = _str(t["region_code"])
    region = pc.if_else(pc.match_substring_regex(region, r"^\d{6}(\d{3}(\d{3})?)?$"), region, pa.scalar(None, pa.string()))
    padded = pc.utf8_rpad(region, 12, "0")
    county = pc.utf8_slice_codeunits(padded, 0, 6)
    township = pc.if_else(pc.greater_equal(pc.utf8_length(region), 9), pc.utf8_slice_codeunits(padded, 0, 9), pa.scalar(None, pa.string()))
    village = pc.if_else(pc.equal(pc.utf8_length(region), 12), region, pa.scalar(None, pa.string()))
    g_s, g_py, _gi, _gf, _gs = _map_distinct(_str(t["guardian_name"]), name_keys, 5)
    phone = pc.replace_substring_regex(_str(t["guardian_phone"]), r"\D", "")
    phone = pc.if_else(pc.greater_equal(pc.utf8_length(phone), 7), phone, pa.scalar(None, pa.string()))
    id_key = _str(t["id_key"])
    return pa.table({
        "unique_id": ids, "name_s": name_s, "name_py": name_py, "initials": initials, "name_fz": name_fz,
        "surname": surname, "sex": sex, "birth_date": birth, "birth_swap": birth_swap, "birth_ym": ym,
        "birth_year": year, "county": county, "township": township, "village": village, "guardian_py": g_py,
        "phone": phone, "id_key": id_key,
    }) if n else pa.table({k: pa.array([], pa.string()) for k in (
        "unique_id", "name_s", "name_py", "initials", "name_fz", "surname", "sex", "birth_date", "birth_swap", "birth_ym",
        "birth_year", "county", "township", "village", "guardian_py", "phone", "id_key")})


# ------------------------------------------------------------------------------------------------ the model

# Each comparison: output column, levels from most to least alike (after the null level). gamma of level i is
# len(levels) - 1 - i (Splink numbers the else level 0); each level: (key, Chinese label, English label, m prior).
# The u priors (share of non-matching pairs at each level, within a county) stand where random sampling finds too
# few pairs to estimate them (a small county's demo data).
LEVELS: dict[str, list[tuple[str, str, str, float]]] = {
    "name": [("chars", "姓名汉字相同（含繁简转换）", "same name in characters (traditional→simplified)", 0.80),
             ("pinyin", "姓名拼音相同（同音字）", "same name in pinyin (homophone)", 0.10),
             ("fuzzy", "姓名近音（模糊拼音）", "name sounds alike (fuzzy pinyin)", 0.04),
             ("similar", "姓名拼音相近", "name spelled similarly in pinyin", 0.03),
             ("initials", "姓名首字母相同", "same initials", 0.02),
             ("else", "姓名不同", "different name", 0.01)],
    "birth": [("exact", "出生日期相同", "same birth date", 0.88),
              ("swapped", "出生日期月、日颠倒", "birth date with day and month transposed", 0.04),
              ("month", "出生年月相同", "same year and month of birth", 0.04),
              ("year", "出生年份相同", "same year of birth", 0.03),
              ("else", "出生日期不同", "different birth date", 0.01)],
    "sex": [("same", "性别相同", "same sex", 0.98), ("else", "性别不同", "different sex", 0.02)],
    "region": [("village", "同一村（社区）", "same village", 0.70), ("township", "同一乡镇（街道）", "same township", 0.12),
               ("county", "同一县（市、区）", "same county", 0.10), ("else", "不同县", "different county", 0.08)],
    "guardian": [("same", "监护人姓名拼音相同", "same guardian name (pinyin)", 0.75),
                 ("similar", "监护人姓名相近", "similar guardian name", 0.05),
                 ("else", "监护人姓名不同", "different guardian name", 0.20)],
    "phone": [("same", "联系电话相同", "same phone", 0.60), ("else", "联系电话不同", "different phone", 0.40)],
    # two valid numbers (the import refuses a failed checksum) that differ: almost surely two people
    "id": [("same", "身份证号码相同", "same ID number", 0.99998), ("else", "身份证号码不同", "different ID number", 0.00002)],
}
U_PRIORS = {'name': [0.0005, 0.0002, 0.0003, 0.003, 0.01, 0.986],
            'birth': [0.0003, 0.0002, 0.008, 0.09, 0.9017],
            'sex': [0.5, 0.5],
            'region': [0.01, 0.1, 0.6, 0.29],
            'guardian': [0.0005, 0.003, 0.9965],
            'phone': [0.0001, 0.9999],
            'id': [1e-05, 0.99999]}
NULL_LABEL = ("一方缺少此项", "missing on one side")
TITLES = {"name": ("姓名", "name"), "birth": ("出生日期", "birth date"), "sex": ("性别", "sex"), "region": ("地址", "region"),
          "guardian": ("监护人", "guardian"), "phone": ("电话", "phone"), "id": ("身份证号码", "ID number")}


def _comparisons(kind: str):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def levels(name: str, null_col: str, conds):
        spec = LEVELS[name]
        out = [cll.NullLevel(null_col)]
        for (key, _zh, en, m), u, cond in zip(spec, U_PRIORS[name], conds):
            level = cll.ElseLevel() if key == "else" else cond
            out.append(level.configure(m_probability=m, u_probability=u, label_for_charts=en))
        return cl.CustomComparison(out, output_column_name=name)

    comps = [
        levels("name", "name_py", [cll.ExactMatchLevel("name_s"), cll.ExactMatchLevel("name_py"), cll.ExactMatchLevel("name_fz"),
                                   cll.JaroWinklerLevel("name_py", 0.9), cll.ExactMatchLevel("initials"), None]),
        levels("birth", "birth_year", [cll.ExactMatchLevel("birth_date"), cll.CustomLevel("birth_date_l = birth_swap_r"),
                                       cll.ExactMatchLevel("birth_ym"), cll.ExactMatchLevel("birth_year"), None]),
        levels("sex", "sex", [cll.ExactMatchLevel("sex"), None]),
        levels("region", "county", [cll.ExactMatchLevel("village"), cll.ExactMatchLevel("township"), cll.ExactMatchLevel("county"), None]),
        levels("id", "id_key", [cll.ExactMatchLevel("id_key"), None]),
    ]
    if kind == "child":
        comps += [levels("guardian", "guardian_py", [cll.ExactMatchLevel("guardian_py"), cll.JaroWinklerLevel("guardian_py", 0.9), None]),
                  levels("phone", "phone", [cll.ExactMatchLevel("phone"), None])]
    return comps


def _blocking_rules():
    from splink import block_on

    return [block_on("name_py", "birth_year"), block_on("name_fz", "county"), block_on("initials", "birth_date"),
            block_on("birth_date", "township"), block_on("surname", "birth_swap")]


@dataclass
class Settings:
    match: float = 0.95  # at or above: "is child X" (when no rival is near)
    review: float = 0.50  # at or above: "possibly child X"
    rival_gap: float = 0.10  # a second candidate within this of the best makes a match a review
    em_min_rows: int = 500  # EM refines the m priors when both sides have at least this many rows
    seed: int = 20260501


@dataclass
class Decision:
    roster_id: str
    registry_id: str | None
    probability: float
    decision: str  # match | review | new
    reasons: list[dict] = field(default_factory=list)
    rivals: list[tuple[str, float]] = field(default_factory=list)

    def reasons_text(self, lang: str = "zh") -> str:
        i = 0 if lang == "zh" else 1
        return "；".join(f"{r['title'][i]}：{r['label'][i]}（{r['weight']:+.1f}）" for r in self.reasons) if lang == "zh" else \
            "; ".join(f"{r['title'][i]}: {r['label'][i]} ({r['weight']:+.1f})" for r in self.reasons)


@dataclass
class Result:
    decisions: list[Decision]
    model: dict
    pairs: int
    trained: str  # "em" | "priors"
    timings: dict


def _db_api(engine: str, spark=None):
    if engine == "spark":
        from splink import SparkAPI

        if spark is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.master("local[*]").appName("tonghu-link").getOrCreate()
        return SparkAPI(spark_session=spark), spark
    from splink import DuckDBAPI

    return DuckDBAPI(), None


def _register(api, table: pa.Table, name: str, spark=None):
    if spark is not None:
        return api.register(spark.createDataFrame(table.to_pylist(), schema=", ".join(f"{c} string" for c in table.column_names)), table_name=name)
    return api.register(table, table_name=name)


def reasons_of(row: dict, kind: str) -> list[dict]:
    out = []
    for name in (["name", "birth", "sex", "region", "id"] + (["guardian", "phone"] if kind == "child" else [])):
        gamma = row.get(f"gamma_{name}")
        weight = row.get(f"mw_{name}") or 0.0
        if gamma is None:
            continue
        spec = LEVELS[name]
        label = NULL_LABEL if gamma == -1 else spec[len(spec) - 1 - gamma][1:3]
        out.append({"comparison": name, "title": TITLES[name], "label": tuple(label), "weight": round(weight, 2),
                    "level": "null" if gamma == -1 else spec[len(spec) - 1 - gamma][0]})
    return out


def link(roster, registry, *, kind: str = "child", settings: Settings | None = None, engine: str = "duckdb", spark=None,
         progress=None, model: dict | None = None) -> Result:
    """Link ``roster`` records to ``registry`` records (both as :func:`prepare` takes them). ``model``: a model
    saved by an earlier run (its parameters are reused, nothing is trained)."""
    import time

    settings = settings or Settings()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    left, right = prepare(roster), prepare(registry)
    timings["prepare"] = time.perf_counter() - t0
    say = progress or (lambda message: None)
    # 1. exact ID first
    decisions: dict[str, Decision] = {}
    if left.num_rows and right.num_rows:
        right_ids = right.filter(pc.is_valid(right["id_key"])).select(["unique_id", "id_key"])
        joined = left.filter(pc.is_valid(left["id_key"])).select(["unique_id", "id_key"]).join(right_ids, "id_key", join_type="inner", right_suffix="_r")
        exact_reason = [{"comparison": "id", "title": TITLES["id"], "label": LEVELS["id"][0][1:3], "weight": 99.0, "level": "same"}]
        for lid, rid in zip(joined["unique_id"].to_pylist(), joined["unique_id_r"].to_pylist()):
            decisions[lid] = Decision(lid, rid, 1.0, "match", list(exact_reason))
    rest = left.filter(pc.invert(pc.is_in(left["unique_id"], pa.array(list(decisions), pa.string())))) if decisions else left
    timings["exact"] = time.perf_counter() - t0 - timings["prepare"]
    trained, pairs, model_out = "none", 0, model or {}
    if rest.num_rows and right.num_rows:
        from splink import Linker, SettingsCreator

        say("训练匹配模型")
        api, spark = _db_api(engine, spark)
        prior = 0.8 / max(right.num_rows, 1000)  # most roster persons have one file among the registry's
        if model:
            creator = dict(model)
        else:
            creator = SettingsCreator(link_type="link_only", comparisons=_comparisons(kind), blocking_rules_to_generate_predictions=_blocking_rules(),
                                      probability_two_random_records_match=prior, retain_intermediate_calculation_columns=True,
                                      retain_matching_columns=True, max_iterations=20)
        t1 = time.perf_counter()
        linker = Linker([_register(api, rest, "a_roster", spark), _register(api, right, "b_registry", spark)], creator, log_level="WARNING")
        if not model:
            trained = "priors"
            if min(rest.num_rows, right.num_rows) >= settings.em_min_rows:
                from splink import block_on

                try:
                    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=settings.seed)
                    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date", "county"), fix_u_probabilities=True)
                    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_py", "county"), fix_u_probabilities=True)
                    trained = "em"
                except Exception:  # noqa: BLE001 - too few pairs for EM: the priors stand (recorded as "priors")
                    trained = "priors"
            model_out = linker.misc.save_model_to_json()
        else:
            trained = "saved"
        timings["train"] = time.perf_counter() - t1
        say("比对候选记录")
        t2 = time.perf_counter()
        predictions = linker.inference.predict(threshold_match_probability=min(settings.review, 0.2))
        rows = _best_rows(predictions, engine)
        timings["predict"] = time.perf_counter() - t2
        pairs = rows.pop("__pairs__", 0)
        for lid, cands in rows.items():
            best = cands[0]
            rivals = [(c["unique_id_r"], c["match_probability"]) for c in cands[1:]]
            p = best["match_probability"]
            if p >= settings.match and not any(rp >= p - settings.rival_gap for _r, rp in rivals):
                verdict = "match"
            elif p >= settings.review:
                verdict = "review"
            else:
                verdict = "new"
            decisions[lid] = Decision(lid, best["unique_id_r"] if verdict != "new" else None, round(p, 6), verdict, reasons_of(best, kind), rivals[:3])
    for lid in left["unique_id"].to_pylist():
        if lid not in decisions:
            decisions[lid] = Decision(lid, None, 0.0, "new", [])
    order = {lid: i for i, lid in enumerate(left["unique_id"].to_pylist())}
    timings["total"] = time.perf_counter() - t0
    return Result(sorted(decisions.values(), key=lambda d: order[d.roster_id]), model_out, pairs, trained, timings)


def _best_rows(predictions, engine: str) -> dict:
    """{roster id: [up to 4 candidates, best first]} from Splink's predictions, ranked in the engine's SQL (a
    window function both DuckDB and Spark run) and fetched column by column as Arrow."""
    keep = ["unique_id_l", "unique_id_r", "match_probability"] + [c for c in _pred_columns(predictions) if c.startswith(("gamma_", "mw_"))]
    sql = f"""select {', '.join(keep)} from (
        select *, row_number() over (partition by unique_id_l order by match_probability desc, unique_id_r) as rn
        from {{this}}) t where rn <= 4 order by unique_id_l, rn"""
    ranked = predictions.query_sql(sql)
    try:
        table = ranked.as_pyarrow_table()
        cols = {c: table[c].to_pylist() for c in keep}
        n = table.num_rows
    except (NotImplementedError, AttributeError):  # a backend without Arrow output
        records = ranked.as_record_list()
        cols = {c: [r[c] for r in records] for c in keep}
        n = len(records)
    out: dict = {}
    for i in range(n):
        out.setdefault(cols["unique_id_l"][i], []).append({c: cols[c][i] for c in keep})
    out["__pairs__"] = n
    return out


def _pred_columns(predictions) -> list[str]:
    return [c.unquote().name for c in predictions.columns]


def today() -> dt.date:
    return dt.date.today()

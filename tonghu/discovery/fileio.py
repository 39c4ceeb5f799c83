"""Reading and writing the files of ``tonghu link`` (docs/discovery-format.md): CSV, XLSX or Parquet in, CSV out."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from tonghu.registry.ledger.parsing import norm_header

HEADERS = {
    "id": ("id", "编号", "序号", "记录编号"),
    "name": ("name", "姓名"),
    "sex": ("sex", "性别"),
    "birth_date": ("birth_date", "出生日期", "出生年月"),
    "id_number": ("id_number", "公民身份号码", "身份证号码", "身份证号"),
    "region_code": ("region_code", "区划代码", "统计用区划代码"),
    "village": ("village", "村（社区）", "村(社区)"),
    "guardian_name": ("guardian_name", "监护人姓名", "家长姓名"),
    "guardian_phone": ("guardian_phone", "监护人电话", "联系电话"),
}
_LOOKUP = {norm_header(h): key for key, hs in HEADERS.items() for h in hs}


class LinkFileError(ValueError):
    pass


def _read_raw(path: Path) -> pa.Table:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path)
    if suffix == ".csv":
        import pyarrow.csv as pcsv

        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
        encoding = "utf8"
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "gb18030"
        header = pcsv.open_csv(path, read_options=pcsv.ReadOptions(encoding=encoding, block_size=1 << 16)).schema.names
        opts = pcsv.ConvertOptions(strings_can_be_null=True, column_types={n: pa.string() for n in header})
        return pcsv.read_csv(path, read_options=pcsv.ReadOptions(encoding=encoding, block_size=1 << 24), convert_options=opts)
    if suffix in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        if not sheet:
            raise LinkFileError(f"{path.name}：工作表为空")
        header = [str(h) for h in sheet[0]]
        return pa.table({h: pa.array([None if r[i] in (None, "") else str(r[i]) for r in sheet[1:]], pa.string()) for i, h in enumerate(header)})
    raise LinkFileError(f"{path.name}：不支持的文件类型，请用 .csv、.xlsx 或 .parquet")


def read_records(path: Path) -> pa.Table:
    """The file's columns under their English names (Chinese headers accepted), every value a string; ``id_key``
    is the normalised ID number. Refuses a file without ``id`` and ``name``."""
    raw = _read_raw(Path(path))
    cols = {}
    for name in raw.column_names:
        key = _LOOKUP.get(norm_header(name))
        if key and key not in cols:
            col = raw[name]
            cols[key] = col if col.type == pa.string() else pc.cast(col, pa.string())
    missing = [k for k in ("id", "name") if k not in cols]
    if missing:
        raise LinkFileError(f"{Path(path).name}：缺少列 {', '.join(missing)}（列名见 docs/discovery-format.md）")
    n = raw.num_rows
    for key in HEADERS:
        cols.setdefault(key, pa.nulls(n, pa.string()))
    ids = pc.utf8_upper(pc.utf8_trim_whitespace(cols["id_number"]))
    cols["id_key"] = pc.if_else(pc.match_substring_regex(ids, r"^(\d{17}[\dX]|\d{15})$"), ids, pa.scalar(None, pa.string()))
    bd = pc.utf8_trim_whitespace(cols["birth_date"])
    bd = pc.replace_substring_regex(bd, r"^(\d{4})[./年-](\d{1,2})[./月-](\d{1,2})日?$", r"\1-\2-\3")
    bd = pc.replace_substring_regex(bd, r"^(\d{4})-(\d)-", r"\1-0\2-")
    bd = pc.replace_substring_regex(bd, r"-(\d)$", r"-0\1")
    bd = pc.replace_substring_regex(bd, r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3")
    cols["birth_date"] = bd
    return pa.table({k: cols[k] for k in (*HEADERS, "id_key")})


def write_matches(path: Path, decisions) -> int:
    """``roster_id, registry_id, match_probability, decision, reasons`` (reasons in Chinese, then English)."""
    import pyarrow.csv as pcsv

    table = pa.table({
        "roster_id": pa.array([d.roster_id for d in decisions], pa.string()),
        "registry_id": pa.array([d.registry_id or "" for d in decisions], pa.string()),
        "match_probability": pa.array([round(d.probability, 6) for d in decisions], pa.float64()),
        "decision": pa.array([d.decision for d in decisions], pa.string()),
        "reasons": pa.array([d.reasons_text("zh") + (" | " + d.reasons_text("en") if d.reasons else "") for d in decisions], pa.string()),
    })
    pcsv.write_csv(table, path)
    return table.num_rows

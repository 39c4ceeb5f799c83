"""The template of each department's roster (issue 12 item 1; documented in docs/discovery.md).

Every roster has the common person columns (``COMMON``); each source adds its own (``EXTRA``), kept in the row's
encrypted ``details``. Headers are matched after the ledger's normalisation (full-width, spaces, ``*`` and colons
ignored); each column lists the Chinese header of the template first, then the aliases departments use, then the
English name (``tonghu link`` files).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Source


@dataclass(frozen=True)
class Col:
    key: str
    headers: tuple[str, ...]
    kind: str = "text"  # text | date | id | sex | region | village | bool | grade | phone
    required: bool = False
    note: str = ""


COMMON = (
    Col("name", ("姓名", "学生姓名", "人员姓名", "name"), required=True),
    Col("sex", ("性别", "sex"), "sex"),
    Col("birth_date", ("出生日期", "出生年月", "出生年月日", "birth_date"), "date"),
    Col("id_number", ("公民身份号码", "身份证号码", "身份证号", "证件号码", "id_number"), "id"),
    Col("region_code", ("区划代码", "统计用区划代码", "户籍地区划代码", "region_code"), "region", note="6、9 或 12 位"),
    Col("village", ("村（社区）", "村(社区)", "所在村", "户籍所在村", "village"), "village", note="本县的村（社区）名称"),
    Col("address", ("住址", "家庭住址", "户籍地址", "现住址", "address")),
    Col("guardian_name", ("监护人姓名", "家长姓名", "父亲或母亲姓名", "guardian_name")),
    Col("guardian_phone", ("监护人电话", "家长电话", "联系电话", "guardian_phone"), "phone"),
)

EXTRA: dict[str, tuple[Col, ...]] = {
    Source.EDUCATION: (
        Col("school", ("学校", "就读学校", "学校名称")), Col("grade", ("年级",)), Col("boarding", ("寄宿", "是否寄宿"), "bool"),
        Col("enrolment", ("在校状态", "学籍状态"), note="在校、辍学、休学、转学"), Col("dropout_since", ("辍学日期", "辍学时间"), "date"),
    ),
    Source.HOUSEHOLD: (Col("head_name", ("户主姓名",)), Col("relation", ("与户主关系",))),
    Source.DETAINED: (
        Col("measure", ("措施类别", "类别"), note="刑事拘留、逮捕羁押、行政拘留"), Col("start", ("羁押日期", "开始日期"), "date"),
        Col("end", ("预计解除日期", "解除日期"), "date"), Col("place", ("羁押场所", "执行场所")),
    ),
    Source.PRISON: (
        Col("measure", ("类别", "执行类别"), note="服刑、强制隔离戒毒"), Col("start", ("入监（所）日期", "开始日期", "入监日期"), "date"),
        Col("end", ("刑满（期满）日期", "解除日期", "刑满日期"), "date"), Col("place", ("执行场所", "监狱（戒毒所）")),
    ),
    Source.COURT: (
        Col("judgment", ("判决类别", "类别"), note="撤销监护资格、宣告死亡、宣告失踪"), Col("judgment_date", ("判决日期", "生效日期"), "date"),
        Col("case_no", ("案号",)),
    ),
    Source.HEALTH: (Col("event", ("类别",), note="出生、重病"), Col("illness", ("疾病名称", "病种")), Col("diagnosed", ("确诊日期",), "date")),
    Source.DISABILITY: (
        Col("disability_type", ("残疾类别",), note="视力、听力、言语、肢体、智力、精神、多重"), Col("disability_grade", ("残疾等级",), "grade"),
        Col("certificate_no", ("残疾人证号", "证号")),
    ),
    Source.ASSISTANCE: (Col("scheme", ("救助类别", "类别"), note="低保、特困"), Col("since", ("享受起始日期", "起始日期"), "date")),
    Source.WOMEN: (Col("situation", ("家庭情况", "情况说明")),),
}


def columns(source: str) -> tuple[Col, ...]:
    return COMMON + EXTRA.get(source, ())


DISABILITY_TYPES = {"视力": "visual", "听力": "hearing", "言语": "speech", "肢体": "physical", "智力": "intellectual", "精神": "mental", "多重": "multiple"}
GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4}

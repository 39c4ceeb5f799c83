"""The facts about one child that classification needs, and their JSON (JSONL) form.

Design
------
* Plain frozen dataclasses, no Django: the registry app will build a :class:`ChildFacts` from its models, and
  ``tonghu classify`` builds one from each JSONL line. :meth:`ChildFacts.from_dict` / :meth:`ChildFacts.to_dict`
  *are* the JSONL schema (documented in ``docs/classify-format.md``); there is no second description to drift.
* Parsing is strict: an unknown key, a wrong type, a malformed date or code raises :class:`FactsError` naming
  the field path (``guardians[1].working_away.since``) with a Chinese and an English message, so a county's
  spreadsheet conversion fails loudly instead of being silently misclassified.
* A condition is present when its object is present (``"deceased": {...}``) and absent when the key is missing
  or ``null``. Conditions that official recognition needs paperwork for carry ``evidence`` (false by default):
  the engine can then say "符合条件，但缺少证明材料" rather than guess.
* Field names are stable English snake_case; enum values too (``physical``, ``compulsory_rehab``,
  ``orphan_allowance``). Chinese labels for them live in ``LABELS_ZH``.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any, Callable, Mapping

__all__ = [
    "FactsError",
    "Sex",
    "HukouType",
    "Role",
    "DisabilityType",
    "RestrictionKind",
    "SchoolingStatus",
    "GuardianshipProblemKind",
    "Scheme",
    "LABELS_ZH",
    "LABELS_EN",
    "Disability",
    "Illness",
    "HivInfection",
    "Health",
    "Schooling",
    "GuardianshipProblem",
    "OtherDifficulty",
    "Evidenced",
    "Child",
    "Household",
    "Trip",
    "WorkingAway",
    "Deceased",
    "Restriction",
    "OutOfContact",
    "Guardian",
    "ChildFacts",
]


class FactsError(ValueError):
    """A fact is missing, unknown or malformed. ``field`` is the dotted path of the offending value."""

    def __init__(self, field_path: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field_path}: {message_en}")
        self.field = field_path
        self.message_zh = message_zh
        self.message_en = message_en


# --------------------------------------------------------------------------------------------------- enums


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class HukouType(StrEnum):
    """户籍类别 (Guangxi ledger: 农村户籍 / 城市户籍)."""

    RURAL = "rural"
    URBAN = "urban"
    UNKNOWN = "unknown"


class Role(StrEnum):
    FATHER = "father"
    MOTHER = "mother"
    OTHER = "other"


class DisabilityType(StrEnum):
    """残疾类别 (GB/T 26341): 肢体、视力、听力、言语、智力、精神、多重."""

    PHYSICAL = "physical"
    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class RestrictionKind(StrEnum):
    """Restriction of liberty named by 民发〔2019〕62号."""

    DETENTION = "detention"  # 在押（羁押）
    PRISON = "prison"  # 服刑
    COMPULSORY_REHAB = "compulsory_rehab"  # 强制隔离戒毒
    OTHER = "other"  # 被执行其他限制人身自由的措施


class SchoolingStatus(StrEnum):
    PRESCHOOL = "preschool"  # 学龄前/未到入学年龄
    IN_SCHOOL = "in_school"  # 在校
    DROPPED_OUT = "dropped_out"  # 辍学
    NOT_IN_SCHOOL = "not_in_school"  # 其他不在校（失学、毕业未升学等）


class GuardianshipProblemKind(StrEnum):
    """监护缺失或不当的情形 (国发〔2016〕36号, 003 §一(三), 000 §二(二)6)."""

    ABUSE = "abuse"  # 虐待
    ABANDONMENT = "abandonment"  # 遗弃
    NEGLECT = "neglect"  # 长期无人照料、疏于照料
    IMPROPER_GUARDIANSHIP = "improper_guardianship"  # 监护不当
    ACCIDENTAL_INJURY = "accidental_injury"  # 意外伤害
    UNLAWFUL_HARM = "unlawful_harm"  # 不法侵害
    LIVING_ALONE = "living_alone"  # 脱离监护单独居住生活


class Scheme(StrEnum):
    """Assistance schemes (应保尽保, R-E1)."""

    ORPHAN_ALLOWANCE = "orphan_allowance"  # 孤儿基本生活费
    UNSUPPORTED_ALLOWANCE = "unsupported_allowance"  # 事实无人抚养儿童基本生活补贴
    DIBAO = "dibao"  # 最低生活保障
    TEKUN = "tekun"  # 特困人员救助供养
    TEMPORARY_RELIEF = "temporary_relief"  # 临时救助
    DISABILITY_ALLOWANCE = "disability_allowance"  # 困难残疾人生活补贴/重度残疾人护理补贴
    HIV_ALLOWANCE = "hiv_allowance"  # 艾滋病病毒感染儿童基本生活费
    EDUCATION_AID = "education_aid"  # 教育资助
    MEDICAL_AID = "medical_aid"  # 医疗救助
    DISABILITY_REHAB = "disability_rehab"  # 残疾儿童康复救助
    STUDENT_GRANT = "student_grant"  # 孤儿/事实无人抚养儿童助学金
    OTHER = "other"


LABELS_ZH: dict[str, str] = {
    "male": "男",
    "female": "女",
    "rural": "农村户籍",
    "urban": "城镇户籍",
    "unknown": "未知",
    "father": "父亲",
    "mother": "母亲",
    "other": "其他",
    "physical": "肢体",
    "visual": "视力",
    "hearing": "听力",
    "speech": "言语",
    "intellectual": "智力",
    "mental": "精神",
    "multiple": "多重",
    "detention": "在押（羁押）",
    "prison": "服刑",
    "compulsory_rehab": "强制隔离戒毒",
    "preschool": "学龄前",
    "in_school": "在校",
    "dropped_out": "辍学",
    "not_in_school": "不在校",
    "abuse": "虐待",
    "abandonment": "遗弃",
    "neglect": "疏于照料",
    "improper_guardianship": "监护不当",
    "accidental_injury": "意外伤害",
    "unlawful_harm": "不法侵害",
    "living_alone": "脱离监护单独居住",
    "orphan_allowance": "孤儿基本生活费",
    "unsupported_allowance": "事实无人抚养儿童基本生活补贴",
    "dibao": "最低生活保障（低保）",
    "tekun": "特困人员救助供养",
    "temporary_relief": "临时救助",
    "disability_allowance": "残疾人两项补贴",
    "hiv_allowance": "艾滋病病毒感染儿童基本生活费",
    "education_aid": "教育资助",
    "medical_aid": "医疗救助",
    "disability_rehab": "残疾儿童康复救助",
    "student_grant": "孤儿和事实无人抚养儿童助学金",
}

LABELS_EN: dict[str, str] = {
    "detention": "pre-trial detention",
    "prison": "imprisonment",
    "compulsory_rehab": "compulsory drug rehabilitation",
    "other": "other restriction of liberty",
}

GRADE_ZH = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


# --------------------------------------------------------------------------------------- field validators

_CODE_RE = re.compile(r"^\d+$")


def _code_check(lengths: tuple[int, ...]) -> Callable[[str, str], None]:
    def check(value: str, path: str) -> None:
        if not _CODE_RE.match(value) or len(value) not in lengths:
            allowed = "、".join(str(n) for n in lengths)
            raise FactsError(
                path,
                f"区划代码“{value}”格式错误，应为{allowed}位数字",
                f"region code {value!r} must be {', '.join(map(str, lengths))} digits",
            )

    return check


def _grade_check(value: int, path: str) -> None:
    if value not in (1, 2, 3, 4):
        raise FactsError(path, f"残疾等级应为1至4，收到{value}", f"disability grade must be 1–4, got {value}")


def _nonblank(value: str, path: str) -> None:
    if not value.strip():
        raise FactsError(path, "不能为空字符串", "must not be blank")


def _meta(*, json: str | None = None, check: Callable[[Any, str], None] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if json:
        out["json"] = json
    if check:
        out["check"] = check
    return out


# ------------------------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Disability:
    """残疾: category and grade (一级 most severe … 四级). ``evidence``: holds a 残疾证."""

    type: DisabilityType
    grade: int = field(metadata=_meta(check=_grade_check))
    evidence: bool = False


@dataclass(frozen=True)
class Illness:
    """重病 (serious illness by local rules). ``evidence``: diagnosis from a hospital."""

    name: str | None = None
    evidence: bool = False


@dataclass(frozen=True)
class HivInfection:
    """艾滋病病毒感染 (present = infected). ``evidence``: confirmed by the CDC."""

    evidence: bool = False


@dataclass(frozen=True)
class Health:
    disability: Disability | None = None
    serious_illness: Illness | None = None
    hiv: HivInfection | None = None
    psych_behaviour_problem: bool = False  # 心理或行为异常 (R-C2)


@dataclass(frozen=True)
class Schooling:
    status: SchoolingStatus
    boarding: bool | None = None
    dropout_since: dt.date | None = None


@dataclass(frozen=True)
class GuardianshipProblem:
    kind: GuardianshipProblemKind
    since: dt.date | None = None
    evidence: bool = False


@dataclass(frozen=True)
class OtherDifficulty:
    """其他困境: an officer's description of a difficulty not covered by the other categories."""

    description: str = field(metadata=_meta(check=_nonblank))
    evidence: bool = False


@dataclass(frozen=True)
class Evidenced:
    """A dated fact that needs a document (court judgment, certificate…)."""

    date: dt.date | None = None
    evidence: bool = False


@dataclass(frozen=True)
class Child:
    birth_date: dt.date
    name: str | None = None
    sex: Sex | None = None
    hukou_type: HukouType = HukouType.UNKNOWN
    hukou_region_code: str | None = field(default=None, metadata=_meta(check=_code_check((6, 9, 12))))
    residence_code: str | None = field(default=None, metadata=_meta(check=_code_check((12,))))
    lives_in_rural_area: bool | None = None
    health: Health = Health()
    schooling: Schooling | None = None
    single_parent_family: Role | None = None  # 单亲母亲/父亲家庭: the parent the child lives with
    guardianship_problems: tuple[GuardianshipProblem, ...] = ()
    other_difficulty: OtherDifficulty | None = None
    birth_parents_unfound: Evidenced | None = None  # 查找不到生父母 (孤儿)

    def _check(self, path: str) -> None:
        if self.single_parent_family is Role.OTHER:
            raise FactsError(
                f"{path}.single_parent_family",
                "单亲家庭只能填 father（单亲父亲家庭）或 mother（单亲母亲家庭）",
                "single_parent_family must be 'father' or 'mother'",
            )


@dataclass(frozen=True)
class Household:
    income_per_head_yuan_year: float | None = None
    dibao: bool = False  # household receives 低保
    tekun: bool = False  # household member(s) in 特困供养
    low_income: bool = False  # 低收入家庭/低保边缘 as recorded locally


@dataclass(frozen=True)
class Trip:
    """A short trip home: arrived home on ``from``, left again for work on ``to``."""

    start: dt.date = field(metadata=_meta(json="from"))
    end: dt.date = field(metadata=_meta(json="to"))

    def _check(self, path: str) -> None:
        if self.end < self.start:
            raise FactsError(f"{path}.to", "回家探亲的结束日期早于开始日期", "'to' is before 'from'")


@dataclass(frozen=True)
class WorkingAway:
    """外出务工. ``since``: the day the parent left; ``until``: the day they came back for good (if they did)."""

    since: dt.date
    until: dt.date | None = None
    destination_code: str | None = field(default=None, metadata=_meta(check=_code_check((2, 4, 6, 9, 12))))
    short_trips_home: tuple[Trip, ...] = ()
    has_short_trips_home: bool = False  # trips home happened but their dates are not recorded
    evidence: bool = False  # 务工证明 on file (informational: 留守 status needs no certificate)

    def _check(self, path: str) -> None:
        if self.until is not None and self.until < self.since:
            raise FactsError(f"{path}.until", "返乡日期早于外出日期", "'until' is before 'since'")


@dataclass(frozen=True)
class Deceased:
    date: dt.date | None = None
    declared_by_court: bool = False  # 人民法院宣告死亡
    evidence: bool = False


@dataclass(frozen=True)
class Restriction:
    """服刑在押、强制隔离戒毒或其他限制人身自由的措施, from ``from`` until release on ``to`` (if known)."""

    kind: RestrictionKind
    start: dt.date = field(metadata=_meta(json="from"))
    end: dt.date | None = field(default=None, metadata=_meta(json="to"))
    evidence: bool = False

    def _check(self, path: str) -> None:
        if self.end is not None and self.end < self.start:
            raise FactsError(f"{path}.to", "解除日期早于开始日期", "'to' is before 'from'")


@dataclass(frozen=True)
class OutOfContact:
    """失联: since when, and when the police accepted the missing-person report (受理报案)."""

    since: dt.date | None = None
    police_report_accepted: dt.date | None = None
    evidence: bool = False


@dataclass(frozen=True)
class Guardian:
    role: Role
    relation: str | None = None  # for role "other": 祖父母、外祖父母、亲属…
    name: str | None = None
    deceased: Deceased | None = None
    declared_missing: Evidenced | None = None  # 人民法院宣告失踪
    working_away: WorkingAway | None = None
    restrictions: tuple[Restriction, ...] = ()
    out_of_contact: OutOfContact | None = None
    guardianship_revoked: Evidenced | None = None  # 被撤销监护资格
    deported: Evidenced | None = None  # 被遣送（驱逐）出境
    disability: Disability | None = None
    serious_illness: Illness | None = None


@dataclass(frozen=True)
class ChildFacts:
    """Everything classification reads about one child. ``id`` is the caller's key (never the ID number)."""

    id: str = field(metadata=_meta(check=_nonblank))
    child: Child
    household: Household = Household()
    guardians: tuple[Guardian, ...] = ()
    assistance_received: tuple[Scheme, ...] = ()

    def _check(self, path: str) -> None:
        seen: dict[Role, int] = {}
        for i, g in enumerate(self.guardians):
            if g.role in (Role.FATHER, Role.MOTHER):
                if g.role in seen:
                    raise FactsError(
                        f"guardians[{i}].role",
                        f"{LABELS_ZH[g.role]}重复登记（已见于 guardians[{seen[g.role]}]）",
                        f"more than one {g.role.value}",
                    )
                seen[g.role] = i

    # -- convenience -------------------------------------------------------------------------------------
    def parent(self, role: Role) -> tuple[int, Guardian] | None:
        """The father or mother with their index in ``guardians`` (for field paths), if recorded."""
        for i, g in enumerate(self.guardians):
            if g.role is role:
                return i, g
        return None

    @classmethod
    def from_dict(cls, data: Any) -> "ChildFacts":
        """Parse one JSONL object. Raises :class:`FactsError` naming the first bad field."""
        return _parse(cls, data, "")

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON form (``None`` values and empty lists omitted)."""
        return _dump(self)


# ------------------------------------------------------------------------------------- generic (de)coding

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _parse(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _parse(args[0], value, path)
    if origin is tuple:
        (item_tp, _ellipsis) = typing.get_args(tp)
        if not isinstance(value, list):
            raise FactsError(path, "应为列表 […]", "must be a list")
        return tuple(_parse(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value))
    if value is None:
        raise FactsError(path, "不能为 null", "must not be null")
    if isinstance(tp, type) and is_dataclass(tp):
        return _parse_dataclass(tp, value, path)
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        allowed = [m.value for m in tp]
        if not isinstance(value, str) or value not in allowed:
            raise FactsError(
                path,
                f"取值“{value}”无效，应为以下之一：{'、'.join(allowed)}",
                f"invalid value {value!r}; expected one of {', '.join(allowed)}",
            )
        return tp(value)
    if tp is dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise FactsError(
            path,
            f"日期格式错误：“{value}”，应为 YYYY-MM-DD 格式的有效日期",
            f"invalid date {value!r}; expected a valid YYYY-MM-DD date",
        )
    if tp is bool:
        if not isinstance(value, bool):
            raise FactsError(path, f"应为 true 或 false，收到“{value}”", f"must be true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FactsError(path, f"应为整数，收到“{value}”", f"must be an integer, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise FactsError(path, f"应为非负数字，收到“{value}”", f"must be a non-negative number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise FactsError(path, f"应为字符串，收到“{value}”", f"must be a string, got {value!r}")
        return value
    raise TypeError(f"unsupported fact type {tp!r}")  # pragma: no cover - programming error


def _parse_dataclass(cls: type, value: Any, path: str) -> Any:
    if not isinstance(value, Mapping):
        raise FactsError(path or "(整行)", "应为 JSON 对象 {…}", "must be a JSON object")
    hints = _hints(cls)
    by_json = {f.metadata.get("json", f.name): f for f in fields(cls)}
    for key in value:
        if key not in by_json:
            allowed = "、".join(by_json)
            raise FactsError(
                _join(path, str(key)),
                f"未知字段“{key}”（此处允许的字段：{allowed}）",
                f"unknown field {key!r}; allowed here: {', '.join(by_json)}",
            )
    kwargs: dict[str, Any] = {}
    for json_key, f in by_json.items():
        fpath = _join(path, json_key)
        if json_key not in value:
            if f.default is MISSING and f.default_factory is MISSING:
                raise FactsError(fpath, "缺少必填字段", "required field is missing")
            continue
        parsed = _parse(hints[f.name], value[json_key], fpath)
        check = f.metadata.get("check")
        if check is not None and parsed is not None:
            check(parsed, fpath)
        kwargs[f.name] = parsed
    obj = cls(**kwargs)
    hook = getattr(obj, "_check", None)
    if hook is not None:
        hook(path)
    return obj


def _dump(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in fields(value):
            v = getattr(value, f.name)
            if v is None or v == ():
                continue
            out[f.metadata.get("json", f.name)] = _dump(v)
        return out
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value

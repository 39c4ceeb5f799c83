"""The printable one-child file (一人一档) as PDF, in the layout of Guangxi's 个人信息台账 (seed 003, annex).

Two steps, so that the layout can be tested without a database:

* :func:`child_print_data` reads a child's file *as the user may see it* (masked ID numbers, "受限信息" for
  sensitive facts; ``tonghu.registry.masking``) into a plain ``dict`` of strings;
* :func:`build_pdf` lays that dict out with reportlab: the template's table (儿童基本信息, 家庭信息, 牵手“童”行结对信息,
  four quarterly 走访情况 rows, 关爱帮扶情况, 其他说明情况, 建档人签名 / 建档时间), the template's notes with the privacy
  warning, and on every page a diagonal watermark and a footer line with the user and the time.

Font: reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1), nothing to download or embed; see
docs/decisions/0005-pdf-font.md. Tick boxes are drawn as ■ (chosen) and □, both in GB 2312.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from . import masking
from .ledger import records as R
from .ledger.columns import VOCAB
from .ledger.validate import format_health, format_schooling
from .sections import provider_for

FONT = "STSong-Light"
ON, OFF = "■", "□"
QUARTERS = ("一", "二", "三", "四")


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def ticks(options: list[tuple[str, bool]]) -> str:
    return "  ".join(f"{ON if on else OFF}{label}" for label, on in options)


# --- visits (provided by the visits app through registry.sections) ---------------------------------------------
def quarter_visits(child, year: int) -> list[dict]:
    """Four dicts (date, problems, measures) for the quarters of ``year``; empty dicts where there is no visit.

    The visits app owns the rows and provides them as ``file_provider("quarter_visits")``
    (``tonghu.visits.selectors.quarterly_visit_rows``: home-visit dates, problems found, measures taken, R-C3); a
    quarter with no home visit and no contact prints empty.
    """
    rows_of = provider_for("quarter_visits")
    out: list[dict] = []
    for row in (rows_of(child, year) if rows_of else [{}] * 4):
        if not row.get("dates") and not row.get("contacts") and not row.get("problems"):
            out.append({})
            continue
        dates = row["dates_text"] or (f"联系 {row['contacts']} 次" if row["contacts"] else "")
        out.append({"date": dates, "problems": row["problems_text"], "measures": row["measures_text"]})
    return out


# --- the data of one file -----------------------------------------------------------------------------------
def _money(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "享受"
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


def child_print_data(child, user, *, now: dt.datetime | None = None) -> dict:
    """The file as ``user`` may see it, as strings for :func:`build_pdf`."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    show_sensitive = masking.can_view_sensitive(user)
    rec = R.record_of(child, today=today, sensitive=show_sensitive)
    category = rec["category"]
    date, unknown = rec["birth_date"]
    health_code = rec["health"][0]
    assist = []
    for key, label in (("assist_orphan", "孤儿"), ("assist_unsupported", "事实无人抚养儿童"), ("assist_dibao", "低保"), ("assist_tekun", "特困"),
                       ("assist_disability", "残疾"), ("assist_temporary", "临时"), ("assist_other", "其他")):
        value = rec[key]
        amount = _money(value)
        text = label if key in ("assist_orphan", "assist_unsupported") else f"{label} {amount if value not in (None, True) else '  '} 元/月"
        if key in ("assist_orphan", "assist_unsupported") and value not in (None, True):
            text = f"{label} {amount} 元/月"
        assist.append((text, value is not None))
    assist.append(("无", not any(on for _t, on in assist)))
    fam = [("低保", rec["family_dibao"]), ("特困", rec["family_tekun"]), ("残疾", rec["family_disability"]), ("其他", rec["family_other"])]
    gh_code, gh_note = rec["guardian_health"]
    caregiver = rec["caregiver_type"]
    care_name, care_phone = rec["caregiver_name"]
    visits = quarter_visits(child, today.year)
    who = getattr(user, "full_name", "") or user.get_username()
    data = {
        "title": f"{today.year} 年农村留守儿童和困境儿童个人信息台账",
        "file_no": str(child.pk),
        "region": child.village.path_display() if hasattr(child.village, "path_display") else child.village.name,
        "name": rec["name"],
        "sex": ticks([("男", rec["sex"] == "M"), ("女", rec["sex"] == "F")]),
        "ethnicity": _ethnicity(rec["ethnicity"]),
        "birth": f"{date:%Y 年 %m 月}" if unknown else f"{date:%Y 年 %m 月 %d 日}",
        "id_number": masking.show_id_number(user, rec["id_number"]) if rec["id_number"] else "",
        "address": rec["address"],
        "hukou": ticks([("农村户籍", rec["hukou"] == "rural"), ("城市户籍", rec["hukou"] == "urban")]),
        "category": ticks([("农村留守儿童", "农村留守儿童" in category), ("困境儿童，具体类别：" + (rec["difficulty_type"] or ""), "困境儿童" in category)]),
        "single_parent": ticks([("是，单亲" + {"mother": "母亲", "father": "父亲"}.get(rec["single_parent"], "母亲/父亲") + "家庭", bool(rec["single_parent"])), ("否", not rec["single_parent"])]),
        "schooling": format_schooling(*rec["schooling"]),
        "boarding": ticks([("寄宿生", rec["boarding"] is True), ("非寄宿生", rec["boarding"] is False)]),
        "guardianship": rec["guardianship"],
        "health": ticks([(label, code == health_code) for code, label in (("healthy", "健康"), ("weak", "一般或较弱"), ("serious_illness", "重病"), ("chronic", "慢性病"), ("disability", "残疾"), ("other", "其他"))])
        + (f"\n{format_health(rec['health'])}" if health_code not in ("", "healthy") else ""),
        "psychology": rec["psychology"],
        "assistance": ticks(assist),
        "aid_education": rec["aid_education"],
        "aid_medical": rec["aid_medical"],
        "aid_other": rec["aid_other"],
        "guardians": f"父亲：{rec['father_name']} {rec['father_phone']}".rstrip() + "\n" + f"母亲：{rec['mother_name']} {rec['mother_phone']}".rstrip(),
        "guardian_health": ticks([("健康", gh_code == "healthy"), ("不健康" + (f"，{gh_note}" if gh_note else "，患病情况"), gh_code == "unhealthy")]),
        "occupation": rec["guardian_occupation"],
        "income": _money(rec["income_per_head"]),
        "family_subsidy": ticks([(f"{label} {_money(v) or '  '} 元/月", v is not None) for label, v in fam]),
        "social_support": rec["social_support"],
        "caregiver": ticks([("祖父母、外祖父母", caregiver == "grandparents"), ("亲戚朋友", caregiver == "relatives_friends"), ("无委托人照护", caregiver == "none")])
        + (f"\n{care_name} {care_phone}".rstrip() if care_name or care_phone else ""),
        "entrust_reason": ticks([(v[0], rec["entrust_reason"] == k) for k, v in VOCAB["entrust_reason"].items() if k != "other"]),
        "care_quality": ticks([(v[0], rec["care_quality"] == k) for k, v in VOCAB["care_quality"].items()]),
        "partner": f"{rec['partner_name']} {rec['partner_phone']}".strip(),
        "partner_unit": rec["partner_unit"],
        "director": f"{rec['director_name']} {rec['director_phone']}".strip(),
        "visits": visits,
        "care_notes": rec["care_notes"],
        "other_notes": rec["other_notes"],
        "sensitive": (("艾滋病病毒感染：" + ("是" if child.hiv_infected else "否")) + ("\n受侵害史：" + child.abuse_history if child.abuse_history else ""))
        if show_sensitive else masking.RESTRICTED_ZH,
        "filed_by": rec["filed_by"],
        "filed_at": f"{rec['filed_at']:%Y 年 %m 月 %d 日}" if rec["filed_at"] else "年    月    日",
        "watermark": f"{who}（{user.get_username()}） {timezone.localtime(now):%Y-%m-%d %H:%M}",
    }
    return data


def _ethnicity(code: str) -> str:
    from tonghu.core.reference import ethnicities

    return ethnicities.zh_name(code) if code else ""


# --- the layout ----------------------------------------------------------------------------------------------
def build_pdf(data: dict) -> bytes:
    """Lay out one file (``data`` from :func:`child_print_data`, or any dict with the same keys) on A4."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11, wordWrap="CJK")
    label = ParagraphStyle("label", parent=body, alignment=TA_CENTER)
    section = ParagraphStyle("section", parent=body, alignment=TA_CENTER, fontSize=9.5, leading=13)
    title = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20, alignment=TA_CENTER)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)

    def p(text, style=body):
        text = "" if text is None else str(text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
        return Paragraph(text, style)

    def L(text):
        return p(text, label)

    g = data.get
    rows = [
        [p("儿童基本信息", section), L("姓名"), p(g("name")), L("性别"), p(g("sex")), L("民族"), p(g("ethnicity"))],
        ["", L("出生年月"), p(g("birth")), L("身份证号"), p(g("id_number")), L("家庭地址"), p(g("address"))],
        ["", L("户籍类别"), p(g("hukou")), L("儿童类别"), p(g("category")), L("是否单亲家庭"), p(g("single_parent"))],
        ["", L("就学情况"), p(g("schooling")), L("寄宿情况"), p(g("boarding")), L("监护情况"), p(g("guardianship"))],
        ["", L("健康状况"), p(g("health")), L("日常心理和行为情况"), p(g("psychology")), L("享受救助情况"), p(g("assistance"))],
        ["", L("教育救助情况"), p(g("aid_education")), L("医疗救助情况"), p(g("aid_medical")), L("其他救助情况"), p(g("aid_other"))],
        [p("家庭信息", section), L("监护人姓名及电话"), p(g("guardians")), L("监护人健康状况"), p(g("guardian_health")), L("职业"), p(g("occupation"))],
        ["", L("家庭收入人均（元/年）"), p(g("income")), L("家庭享受补助情况"), p(g("family_subsidy")), L("社会力量帮扶情况"), p(g("social_support"))],
        ["", L("留守儿童委托监护人情况"), p(g("caregiver")), L("委托照料原因情况"), p(g("entrust_reason")), L("委托照料情况"), p(g("care_quality"))],
        [p("牵手“童”行结对信息", section), L("结对人员姓名及电话"), p(g("partner")), L("结对人员所在单位"), p(g("partner_unit")), L("儿童主任姓名及电话"), p(g("director"))],
    ]
    visits = list(g("visits") or []) + [{}] * 4
    for q in range(4):
        v = visits[q] or {}
        rows.append([p("走访情况", section) if q == 0 else "", L(f"{QUARTERS[q]}季度走访时间"), p(v.get("date", "")), L("发现的问题"), p(v.get("problems", "")), L("解决措施"), p(v.get("measures", ""))])
    rows += [
        [p("关爱帮扶情况", section), p(g("care_notes")), "", "", "", "", ""],
        [p("其他说明情况", section), p(g("other_notes")), "", "", "", "", ""],
        [p("敏感信息（仅限授权人员）", section), p(g("sensitive")), "", "", "", "", ""],
        [p("建档人签名", section), p(g("filed_by")), "", L("建档时间"), p(g("filed_at")), "", ""],
    ]
    widths = [20 * mm, 21 * mm, 38 * mm, 21 * mm, 36 * mm, 21 * mm, 33 * mm]
    table = Table(rows, colWidths=widths, repeatRows=0)
    n = len(rows)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (0, 0), (0, 5)),
        ("SPAN", (0, 6), (0, 8)),
        ("SPAN", (0, 10), (0, 13)),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
    ]
    for r in range(n - 4, n - 1):
        style.append(("SPAN", (1, r), (6, r)))
    style += [("SPAN", (1, n - 1), (2, n - 1)), ("SPAN", (4, n - 1), (6, n - 1))]
    for r in range(n - 4, n - 2):
        style.append(("ROWPADDING", (0, r), (-1, r), 3))
    table.setStyle(TableStyle(style))
    story = [
        p(g("title", "农村留守儿童和困境儿童个人信息台账"), title),
        Spacer(1, 2 * mm),
        p(f"档案编号：{g('file_no', '')}    所在地：{g('region', '')}", small),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 3 * mm),
        p("说明：1. 本表为参考模板，各地可结合实际完善；", small),
        p("2. 本表涉及个人信息，要妥善管理，严禁泄露。", small),
    ]
    mark = g("watermark", "")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 30)
        canvas.setFillColor(colors.Color(0.6, 0.6, 0.6, alpha=0.18))
        width, height = A4
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        for dy in (-200, 0, 200):
            canvas.drawCentredString(0, dy, mark)
        canvas.restoreState()
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#C00000"))
        canvas.drawString(12 * mm, 8 * mm, f"打印：{mark}  本表涉及个人信息，严禁泄露  第 {doc.page} 页")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=12 * mm, bottomMargin=14 * mm,
                            title=g("title", ""), author="tonghu", subject=f"档案编号 {g('file_no', '')}")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def child_pdf(*, actor, child, now: dt.datetime | None = None) -> bytes:
    """The PDF of ``child`` for ``actor`` (already scope-checked), audited as ``print``."""
    from tonghu.audit.services import audit_log

    data = child_print_data(child, actor, now=now)
    pdf = build_pdf(data)
    audit_log(actor=actor, action="print", obj=child, summary="打印儿童档案（PDF）",
              changes={"full_id_numbers": masking.can_view_id_numbers(actor), "sensitive": masking.can_view_sensitive(actor)})
    return pdf

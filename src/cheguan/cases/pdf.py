"""Printable notices (ReportLab): the 容缺受理通知书（承诺书） in two copies — one for the
applicant, one for the file (DOMAIN.md §6) — and the written notice of rejection or
termination with its reasons (MVR Art 3).

Chinese text uses ReportLab's built-in CID font ``STSong-Light`` (no font file to ship).
The applicant appears masked, as everywhere else (DOMAIN.md §8.1). Documents are in the
office's language (Chinese) by default, or in English when the page asks for it.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cheguan.cases.models import Case, CaseStatus, RongqueCommitment
from cheguan.cases.queries import applicant_label
from cheguan.cases.remembered import requirements_of
from cheguan.core import clock
from cheguan.core.errors import Bi

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1),
        "copy": ParagraphStyle("copy", fontName=font, fontSize=10, leading=14, alignment=2),
        "body": ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19),
        "strong": ParagraphStyle("strong", fontName=font, fontSize=12.5, leading=20),
    }


def _t(text: Bi, english: bool) -> str:
    return escape(text.en if english else text.zh)


def _applicant_id(case: Case) -> str:
    if case.applicant_person is not None:
        return case.applicant_person.masked_id_number
    return case.applicant_organisation.uscc if case.applicant_organisation else ""


def _facts_table(rows: list[tuple[str, str]], styles) -> Table:
    body = styles["body"]
    table = Table(
        [[Paragraph(k, body), Paragraph(v, body)] for k, v in rows],
        colWidths=[40 * mm, 125 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), "#eeeeee"),
            ]
        )
    )
    return table


def _signatures(lines: list[Bi], english: bool, styles) -> Table:
    cells = [
        [Paragraph(_t(line, english) + "：______________________", styles["body"])]
        for line in lines
    ]
    table = Table(cells, colWidths=[165 * mm])
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 10)]))
    return table


def _build(story: list) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title="Cheguan",
        author="Cheguan",
    )
    doc.build(story)
    return buffer.getvalue()


COPIES = [
    Bi("第一联：申请人留存", "Copy 1: for the applicant"),
    Bi("第二联：窗口存档", "Copy 2: for the office's file"),
]


def commitment_notice(case: Case, commitment: RongqueCommitment, *, english: bool = False) -> bytes:
    """容缺受理通知书（承诺书）, two copies on two pages."""
    styles = _styles()
    service = case.service.name_en if english else case.service.name_zh
    names = {r.code: r for r in requirements_of(case.service_id)}
    missing = [
        (names[c].name_en if english else names[c].name_zh) if c in names else c
        for c in commitment.missing
    ]
    facts = [
        (_t(Bi("办件编号", "Case number"), english), escape(case.number)),
        (_t(Bi("办理事项", "Service"), english), escape(service)),
        (_t(Bi("申请人", "Applicant"), english), escape(applicant_label(case))),
        (_t(Bi("证件号码", "Document number"), english), escape(_applicant_id(case))),
        (
            _t(Bi("受理时间", "Accepted on"), english),
            f"{clock.local_date(commitment.signed_at):%Y-%m-%d}",
        ),
        (
            _t(Bi("待补材料", "Documents to supply"), english),
            "<br/>".join(f"{i}. {escape(m)}" for i, m in enumerate(missing, 1)),
        ),
        (
            _t(Bi("补齐期限", "Deadline"), english),
            escape(
                f"{commitment.deadline:%Y-%m-%d}"
                + (
                    f" ({commitment.working_days} working days)"
                    if english
                    else f"（{commitment.working_days} 个工作日内）"
                )
            ),
        ),
    ]
    promise = Bi(
        "本人（本单位）申请的上述事项主要材料齐全，次要材料暂缺。本人承诺在上述期限内补齐所列材料，"
        "并对所提交材料的真实性负责。补齐方式：登录网上办事页面上传，或到窗口提交。",
        "The essential documents for this application are complete; the supplementary documents "
        "listed are still missing. I promise to supply them by the deadline above and answer "
        "for the truth of what I submit. Supply them by uploading on the case page online, or "
        "at the window.",
    )
    late = Bi(
        "逾期未补齐或补齐的材料不符合要求的，本办件将被终止办理，由此产生的后果由申请人承担；"
        "且 12 个月内不能再使用容缺受理。",
        "If the documents are not supplied by the deadline, or do not meet the requirements, the "
        "case will be terminated and the applicant bears the consequences; 容缺 acceptance will "
        "then not be available to the applicant for 12 months.",
    )
    story: list = []
    for i, copy in enumerate(COPIES):
        if i:
            story.append(PageBreak())
        story += [
            Paragraph(_t(copy, english), styles["copy"]),
            Paragraph(
                _t(
                    Bi("容缺受理通知书（承诺书）", "容缺 acceptance notice and commitment"), english
                ),
                styles["title"],
            ),
            Paragraph(escape(case.office.name), styles["copy"]),
            Spacer(1, 6 * mm),
            _facts_table(facts, styles),
            Spacer(1, 5 * mm),
            Paragraph(_t(promise, english), styles["body"]),
            Spacer(1, 3 * mm),
            Paragraph(_t(late, english), styles["strong"]),
            Spacer(1, 8 * mm),
            _signatures(
                [
                    Bi("申请人（签字）", "Applicant (signature)"),
                    Bi("受理人（签字）", "Accepting clerk (signature)"),
                    Bi("日期", "Date"),
                ],
                english,
                styles,
            ),
            Spacer(1, 6 * mm),
            Paragraph(
                _t(Bi("（受理窗口盖章）", "(Stamp of the accepting window)"), english),
                styles["copy"],
            ),
        ]
    return _build(story)


def closing_notice(case: Case, *, english: bool = False) -> bytes:
    """The written notice of rejection (不予办理) or of termination (终止办理), with reasons."""
    styles = _styles()
    terminated = case.status == CaseStatus.TERMINATED
    title = (
        Bi("终止办理告知书", "Notice of termination")
        if terminated
        else Bi("不予办理告知书", "Notice of rejection")
    )
    reasons = case.closing_reason_en if english else case.closing_reason
    service = case.service.name_en if english else case.service.name_zh
    facts = [
        (_t(Bi("办件编号", "Case number"), english), escape(case.number)),
        (_t(Bi("办理事项", "Service"), english), escape(service)),
        (_t(Bi("申请人", "Applicant"), english), escape(applicant_label(case))),
        (_t(Bi("证件号码", "Document number"), english), escape(_applicant_id(case))),
        (
            _t(Bi("决定日期", "Decided on"), english),
            f"{clock.local_date(case.closed_at):%Y-%m-%d}" if case.closed_at else "",
        ),
        (_t(Bi("理由", "Reasons"), english), escape(reasons).replace("\n", "<br/>")),
    ]
    remedy = Bi(
        "如对本决定有异议，可依法申请行政复议或提起行政诉讼；材料补齐后也可重新申请。",
        "If you disagree with this decision you may apply for administrative reconsideration or "
        "bring an administrative lawsuit as the law provides; you may also apply again once the "
        "documents are complete.",
    )
    story = [
        Paragraph(_t(title, english), styles["title"]),
        Paragraph(escape(case.office.name), styles["copy"]),
        Spacer(1, 6 * mm),
        _facts_table(facts, styles),
        Spacer(1, 5 * mm),
        Paragraph(_t(remedy, english), styles["body"]),
        Spacer(1, 10 * mm),
        _signatures(
            [Bi("经办人（签字）", "Clerk (signature)"), Bi("日期", "Date")], english, styles
        ),
        Spacer(1, 6 * mm),
        Paragraph(_t(Bi("（车管所盖章）", "(Office stamp)"), english), styles["copy"]),
    ]
    return _build(story)

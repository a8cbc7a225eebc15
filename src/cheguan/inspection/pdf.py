"""The printable electronic inspection mark (ReportLab, built-in CID font STSong-Light),
with its QR code (segno's matrix drawn as squares) encoding the signed verify URL.

What it prints is what the mark page shows: the vehicle type's name (not its code), dates
and the time of issue as people write them, in the office's time zone (Beijing time)."""

from __future__ import annotations

import io

import segno
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from cheguan.core.wording import day_words, time_words
from cheguan.inspection.models import InspectionMark
from cheguan.inspection.signing import verify_url
from cheguan.registry import codes

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _qr(pdf: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    matrix = segno.make(text, error="m").matrix
    n = len(matrix) + 8  # quiet zone of 4 modules each side
    module = size / n
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(
                    x + (col + 4) * module,
                    y + size - (row + 5) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def mark_pdf(mark: InspectionMark, *, base_url: str, english: bool = False) -> bytes:
    font = _font()
    buffer = io.BytesIO()
    width, height = A5
    pdf = canvas.Canvas(buffer, pagesize=A5)
    pdf.setTitle(f"{mark.serial}")
    pdf.setFont(font, 16)
    title = "Electronic inspection mark" if english else "机动车检验合格标志电子凭证"
    pdf.drawCentredString(width / 2, height - 22 * mm, title)
    language = "en" if english else "zh-hans"
    rows = [
        ("Serial" if english else "凭证编号", mark.serial),
        ("Plate" if english else "号牌号码", mark.plate_number),
        (
            "Vehicle type" if english else "车辆类型",
            codes.name_of("vehicle_type", mark.vehicle_type, english=english),
        ),
        (
            "Valid until" if english else "检验有效期至",
            day_words(mark.valid_until, language=language),
        ),
        (
            "Exempt" if english else "免检/非免检",
            ("exempt" if mark.exempt else "not exempt")
            if english
            else ("免检" if mark.exempt else "非免检"),
        ),
        ("Issued by" if english else "发证机关", mark.office.name),
        ("Issued at" if english else "发证时间", time_words(mark.issued_at, language=language)),
    ]
    if mark.revoked_at is not None:
        rows.append(("Status" if english else "状态", "REVOKED" if english else "已撤销"))
    pdf.setFont(font, 11.5)
    y = height - 36 * mm
    for label, value in rows:
        pdf.drawString(14 * mm, y, f"{label}: {value}" if english else f"{label}：{value}")
        y -= 8 * mm
    _qr(pdf, verify_url(mark, base_url), (width - 60 * mm) / 2, 18 * mm, 60 * mm)
    pdf.setFont(font, 9)
    note = (
        "Scan to verify: the page shows whether this mark is valid."
        if english
        else "扫码核验：页面显示本凭证是否有效。"
    )
    pdf.drawCentredString(width / 2, 12 * mm, note)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

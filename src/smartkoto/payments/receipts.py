"""領収書 (receipt) as a PDF, with ReportLab's built-in Japanese CID font (no font files needed)."""

from django.utils import timezone

from smartkoto.core.i18n import tr
from smartkoto.core.pdf import GOTHIC, new_canvas
from smartkoto.municipality import queries as municipality

FONT = GOTHIC


def receipt_number(payment):
    return f"R{timezone.localtime(payment.succeeded_at or payment.created_at):%Y%m%d}-{payment.pk:06d}"


def build_pdf(payment, payer_name=""):
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.lib.units import mm

    profile = municipality.profile()
    ward = municipality.name("ja")
    address = tr(profile["address"], "ja") if profile["address"] else ""
    size = landscape(A5)
    out, pdf = new_canvas(f"領収書 {receipt_number(payment)}", pagesize=size, author=ward,
                          subject=f"Receipt {receipt_number(payment)} {payment.captured_yen} JPY")
    width, height = size
    pdf.setFont(FONT, 22)
    pdf.drawCentredString(width / 2, height - 22 * mm, "領　収　書")
    pdf.setFont(FONT, 10)
    pdf.drawRightString(width - 15 * mm, height - 14 * mm, f"No. {receipt_number(payment)}")
    paid_on = timezone.localtime(payment.succeeded_at or payment.created_at)
    pdf.drawRightString(width - 15 * mm, height - 20 * mm, f"{paid_on:%Y年%m月%d日}")
    pdf.setFont(FONT, 14)
    pdf.drawString(15 * mm, height - 38 * mm, f"{payer_name or ''}　様")
    pdf.line(15 * mm, height - 40 * mm, 110 * mm, height - 40 * mm)
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, height - 56 * mm, f"金額　¥{payment.captured_yen:,}－")
    pdf.setFont(FONT, 11)
    pdf.drawString(15 * mm, height - 70 * mm, f"但し　{tr(payment.description, 'ja')}")
    pdf.drawString(15 * mm, height - 77 * mm, f"お支払方法　クレジットカード（オンライン）　整理番号　{payment.reference}")
    if payment.refunded_yen:
        pdf.drawString(15 * mm, height - 84 * mm, f"うち返金済み　¥{payment.refunded_yen:,}（差引 ¥{payment.captured_yen - payment.refunded_yen:,}）")
    pdf.drawString(15 * mm, height - 91 * mm, "上記の金額を正に領収いたしました。")
    pdf.setFont(FONT, 12)
    pdf.drawRightString(width - 15 * mm, 22 * mm, f"{ward}会計管理者")
    pdf.setFont(FONT, 9)
    pdf.drawRightString(width - 15 * mm, 15 * mm, address)
    pdf.showPage()
    pdf.save()
    return out.getvalue()

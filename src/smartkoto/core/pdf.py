"""The one way to start a PDF: ReportLab with the built-in Japanese CID fonts (HeiseiKakuGo-W5 gothic,
HeiseiMin-W3 mincho), so Japanese renders with no font files installed (viewers substitute the font)."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

GOTHIC, MINCHO = "HeiseiKakuGo-W5", "HeiseiMin-W3"


def register_fonts():
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (GOTHIC, MINCHO):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def new_canvas(title, pagesize=A4, author=None, subject=""):
    """A compressed canvas with the fonts ready. Returns (buffer, canvas); call canvas.save(), then buffer.getvalue().

    The author is the municipality's service name (its profile) unless given.
    """
    from . import site

    if author is None:
        author = site.service_name("ja") or site.name("ja")
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=pagesize, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    if subject:
        pdf.setSubject(subject)
    return buffer, pdf


def wrap(text, font, size, width):
    """Split `text` into lines no wider than `width` (Japanese has no spaces to break at, so by character)."""
    lines, text = [], str(text)
    while text:
        cut = len(text)
        while pdfmetrics.stringWidth(text[:cut], font, size) > width and cut > 1:
            cut -= 1
        lines.append(text[:cut])
        text = text[cut:]
    return lines or [""]


class FlowingText:
    """The one flowing-text PDF writer: A4, written top to bottom; text wraps to the width and a new page starts
    when the next line would not fit. Receipts, decision letters, checklists and counter forms use it.

        doc = FlowingText("受付票 KT-2026-000001")
        doc.text("申請受付票", GOTHIC, 18)
        doc.box_row("氏名", "江東 太郎")
        pdf_bytes = doc.finish()
    """

    def __init__(self, title, *, author=None, margin=18 * mm, top=20 * mm, bottom=18 * mm, pagesize=A4):
        self.buffer, self.pdf = new_canvas(title, pagesize=pagesize, author=author)
        self.pagesize, self.left, self.top, self.bottom = pagesize, margin, top, bottom
        self.width = pagesize[0] - 2 * margin
        self.y = pagesize[1] - top

    def room(self, height):
        """Start a new page unless `height` still fits above the bottom margin."""
        if self.y - height < self.bottom:
            self.pdf.showPage()
            self.y = self.pagesize[1] - self.top

    def text(self, value, font=MINCHO, size=10, indent=0, leading=None):
        """Wrapped lines; `leading` is the distance from one line to the next (default 0.55 mm per point)."""
        step = leading if leading is not None else size * 0.55 * mm
        ascent = size * 0.36 * mm  # `y` is the top of the line; the baseline sits one ascent (1 pt ≈ 0.36 mm) below
        for line in wrap(value, font, size, self.width - indent):
            self.room(step)
            self.pdf.setFont(font, size)
            self.pdf.drawString(self.left + indent, self.y - ascent, line)
            self.y -= step

    def box_row(self, label, value, label_width=55 * mm):
        """One row of a form: a label cell and a value cell with borders."""
        lines = wrap(value or "", MINCHO, 10.5, self.width - label_width - 4 * mm)
        height = max(9 * mm, (len(lines) * 5 + 4) * mm)
        self.room(height)
        self.pdf.setLineWidth(0.6)
        self.pdf.rect(self.left, self.y - height, label_width, height)
        self.pdf.rect(self.left + label_width, self.y - height, self.width - label_width, height)
        self.pdf.setFont(GOTHIC, 9)
        for i, line in enumerate(wrap(label, GOTHIC, 9, label_width - 4 * mm)[:2]):
            self.pdf.drawString(self.left + 2 * mm, self.y - 5.5 * mm - i * 4 * mm, line)
        self.pdf.setFont(MINCHO, 10.5)
        for i, line in enumerate(lines):
            self.pdf.drawString(self.left + label_width + 2 * mm, self.y - 6 * mm - i * 5 * mm, line)
        self.y -= height

    def space(self, amount=4):
        self.y -= amount * mm

    def finish(self):
        """The PDF's bytes."""
        self.pdf.showPage()
        self.pdf.save()
        return self.buffer.getvalue()

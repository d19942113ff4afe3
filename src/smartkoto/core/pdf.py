"""The one way to start a PDF: ReportLab with the built-in Japanese CID fonts (HeiseiKakuGo-W5 gothic,
HeiseiMin-W3 mincho), so Japanese renders with no font files installed (viewers substitute the font)."""

import io

from reportlab.lib.pagesizes import A4
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

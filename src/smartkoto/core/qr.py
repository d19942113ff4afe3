"""The one QR helper (segno): inline SVG for pages, PNG bytes for PDFs and downloads."""

import io

import segno


def svg(data, *, title="", scale=4):
    """Inline SVG markup (safe to mark_safe: segno escapes the title)."""
    return segno.make(data, error="m").svg_inline(scale=scale, dark="#000", light="#fff", omitsize=True, title=title or None)


def png(data, *, scale=6, border=2):
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()

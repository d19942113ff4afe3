"""The one CSV writer for exports people open in Excel: UTF-8 with the BOM Excel needs, CRLF lines, and
cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) neutralised with a
leading apostrophe (OWASP "CSV injection")."""

import csv
import io
from decimal import Decimal

from .downloads import download

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):  # a number is never a formula (refunds are negative)
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write(rows, header=None, *, bom=True, delimiter=","):
    """CSV text for `rows` (iterables of cells), with `header` first when given."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def response(rows, header, filename, *, bom=True):
    """A download of `rows` as `filename` (text/csv; charset=utf-8)."""
    return download(write(rows, header, bom=bom).encode("utf-8"), filename, "text/csv; charset=utf-8")

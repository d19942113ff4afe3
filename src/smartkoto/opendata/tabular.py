"""Reading tabular files, validating them against a layout, and writing normalised or converted CSV.

Reading never guesses silently: a BOM means UTF-8; otherwise strict UTF-8, then strict Shift_JIS
(cp932); anything else is reported as an unknown encoding. Ragged rows, broken quoting and binary
content are problems in the report, and a file with any of them is not loaded at all.
"""

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from smartkoto.core import csvfile

from .schemas import base, registry

MAX_ISSUES = 500
ERROR, WARNING = "error", "warning"
FATAL_CODES = {"binary", "encoding_unknown", "empty", "bad_quoting", "ragged", "duplicate_header", "too_many_rows", "xlsx_unreadable",
               "xlsx_too_large"}
MB = 1024 * 1024


def xlsx_max_rows():
    """Data rows an XLSX may have (a larger table is published as CSV); setting OPENDATA_XLSX_MAX_ROWS."""
    from django.conf import settings

    return getattr(settings, "OPENDATA_XLSX_MAX_ROWS", 200_000)


def xlsx_max_unpacked_bytes():
    """What an XLSX may unpack to (all its zip members together); setting OPENDATA_XLSX_MAX_UNPACKED_BYTES."""
    from django.conf import settings

    return getattr(settings, "OPENDATA_XLSX_MAX_UNPACKED_BYTES", 50 * MB)


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{0,3}\d*(?::[A-Z]{0,3}(\d+))?"')


def _first_sheet(book):
    """The zip member of the workbook's first sheet (from workbook.xml and its relationships)."""
    try:
        with book.open("xl/workbook.xml") as handle:
            first = _SHEET.search(handle.read(256 * 1024))
        with book.open("xl/_rels/workbook.xml.rels") as handle:
            relationships = handle.read(256 * 1024)
    except KeyError:
        return None
    if first is None:
        return None
    for tag in _RELATIONSHIP.findall(relationships):
        ident, target = re.search(rb'\bId="([^"]*)"', tag), re.search(rb'\bTarget="([^"]*)"', tag)
        if ident and target and ident.group(1) == first.group(1):
            name = target.group(1).decode("utf-8", "replace")
            return name.lstrip("/") if name.startswith("/") else "xl/" + name
    return None


def check_xlsx(data: bytes):
    """Look at an XLSX before anything is unpacked: (code, params) of the first problem, or None.

    The zip directory gives the unpacked size of every member (a zip bomb is refused here) and the
    first sheet's `<dimension>` (in its first bytes) the number of rows; a sheet without one is
    counted while it is read (`_read_xlsx` stops after the limit)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return "xlsx_unreadable", {}
    unpacked = sum(member.file_size for member in members)
    if len(members) > 10_000 or unpacked > xlsx_max_unpacked_bytes():
        return "xlsx_too_large", {"mb": xlsx_max_unpacked_bytes() // MB, "size_mb": -(-unpacked // MB)}
    try:
        sheet = _first_sheet(book)
        if sheet is None:
            return None
        with book.open(sheet) as handle:
            head = handle.read(64 * 1024)
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return "xlsx_unreadable", {}
    dimension = _DIMENSION.search(head)
    if dimension and dimension.group(1) and int(dimension.group(1)[:12]) - 1 > xlsx_max_rows():
        return "too_many_rows", {"limit": xlsx_max_rows()}
    return None


@dataclass
class Report:
    schema: str = ""
    encoding: str = ""
    rows: int = 0
    columns: list = field(default_factory=list)
    issues: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    severities: Counter = field(default_factory=Counter)

    def add(self, code, severity=ERROR, row=None, column="", value="", **params):
        self.counts[code] += 1
        self.severities[severity] += 1
        if len(self.issues) < MAX_ISSUES:
            self.issues.append({"code": code, "severity": severity, "row": row, "column": column,
                                "value": str(value)[:80], "params": params})

    @property
    def fatal(self):
        return any(code in FATAL_CODES for code in self.counts)

    def as_dict(self):
        return {
            "schema": self.schema, "encoding": self.encoding, "rows": self.rows, "columns": self.columns,
            "errors": self.severities[ERROR], "warnings": self.severities[WARNING], "fatal": self.fatal,
            "ok": self.severities[ERROR] == 0, "counts": dict(self.counts), "issues": self.issues,
            "truncated": sum(self.counts.values()) > len(self.issues),
        }


def detect_encoding(data: bytes):
    """('utf-8-sig' | 'utf-8' | 'cp932' | None, text or None)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return "utf-8-sig", data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, None
    for encoding in ("utf-8", "cp932"):
        try:
            return encoding, data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None, None


def encoding_label(encoding):
    return {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp932": "Shift_JIS", "xlsx": "XLSX"}.get(encoding, encoding or "?")


def _looks_binary(data: bytes):
    head = data[:65536]
    if b"\x00" in head:
        return True
    if head.startswith((b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.01


def read_rows(data: bytes, fmt="CSV", report=None, max_rows=None):
    """Yield (header, iterator of (line_number, cells)) or record fatal problems in `report`.

    Returns (header, rows_iterator). On a fatal problem, header is None.
    """
    report = report if report is not None else Report()
    if fmt.upper() == "XLSX":
        return _read_xlsx(data, report)
    if not data.strip():
        report.add("empty")
        return None, iter(())
    if _looks_binary(data):
        report.add("binary")
        return None, iter(())
    encoding, text = detect_encoding(data)
    if encoding is None:
        report.add("encoding_unknown", guess=_guess(data))
        return None, iter(())
    report.encoding = encoding
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        report.add("bad_quoting", row=1, detail=str(exc))
        return None, iter(())
    header = [h.strip() for h in header]

    def rows():
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                report.add("bad_quoting", row=reader.line_num, detail=str(exc))
                return
            line += 1
            if not any(c.strip() for c in cells):
                continue  # blank line
            yield line, cells

    return header, rows()


def _guess(data):
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200000]).best()
        return best.encoding if best else ""
    except Exception:  # pragma: no cover - the guess is only a hint in the message
        return ""


def _read_xlsx(data, report):
    problem = check_xlsx(data)
    if problem is not None:
        code, params = problem
        report.add(code, **params)
        return None, iter(())
    limit = xlsx_max_rows()
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = ["" if v is None else str(v).strip() for v in next(values)]
    except Exception as exc:
        report.add("xlsx_unreadable", detail=type(exc).__name__)
        return None, iter(())
    report.encoding = "xlsx"

    def cell(v):
        if v is None:
            return ""
        if hasattr(v, "strftime"):
            return v.strftime("%Y-%m-%d") if not hasattr(v, "hour") or (v.hour, v.minute) == (0, 0) else v.strftime("%Y-%m-%d %H:%M")
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    def rows():
        for line, row in enumerate(values, start=2):
            if line - 1 > limit:  # a sheet without a (true) <dimension>: stop at the limit
                report.add("too_many_rows", limit=limit)
                return
            cells = [cell(v) for v in row]
            if any(c.strip() for c in cells):
                yield line, cells

    return header, rows()


def validate(data: bytes, fmt="CSV", schema_id="", max_rows=None, on_row=None):
    """Read the whole file and check it against the layout. Returns a Report.

    Structural problems (ragged rows, broken quoting, unknown encoding, binary) are always checked;
    the layout's columns, required values and value formats when `schema_id` names a layout.
    `on_row(line, cells)` is called for every well-formed row (type inference uses it).
    """
    report = Report(schema=schema_id)
    header, rows = read_rows(data, fmt, report)
    if header is None:
        return report
    report.columns = header
    duplicates = [name for name, n in Counter(header).items() if n > 1]
    for name in duplicates:
        report.add("duplicate_header", column=name)
    schema = registry.get(schema_id) if schema_id else None
    checks = []
    if schema:
        for col in schema.columns:
            if col.name not in header:
                report.add("missing_column" if col.required else "missing_optional_column",
                           ERROR if col.required else WARNING, column=col.name)
        for name in header:
            if schema.column(name) is None:
                report.add("unknown_column", WARNING, column=name)
        for index, name in enumerate(header):
            col = schema.column(name)
            if col:
                checks.append((index, col))
    ids = {}
    width = len(header)
    for line, cells in rows:
        report.rows += 1
        if max_rows and report.rows > max_rows:
            report.add("too_many_rows", limit=max_rows)
            break
        if len(cells) != width:
            report.add("ragged", row=line, found=len(cells), expected=width)
            continue
        for index, col in checks:
            value = cells[index].strip()
            if not value:
                if col.required:
                    report.add("required_empty", row=line, column=col.name)
                continue
            problem, params = base.check(col.type, value)
            if problem:
                severity = ERROR
                report.add(problem, severity, row=line, column=col.name, value=value, **params)
            if col.type == "id" and col.name in ("ID", "NO"):
                if value in ids:
                    report.add("duplicate_id", row=line, column=col.name, value=value, other=ids[value])
                else:
                    ids[value] = line
        if on_row:
            on_row(line, cells)
    if report.rows == 0 and not report.fatal:
        report.add("no_rows", WARNING)
    return report


# -- output ---------------------------------------------------------------------------------------------
def _csv(rows, header):
    """Open-data CSV for machines: UTF-8 without BOM, CRLF, through the one CSV writer (core.csvfile)."""
    return csvfile.write(rows, header, bom=False)


def normalised_csv(data: bytes, fmt="CSV", schema_id=""):
    """UTF-8 CSV (no BOM, CRLF) with the layout's values in standard form. None if unreadable."""
    report = Report()
    header, rows = read_rows(data, fmt, report)
    if header is None:
        return None
    schema = registry.get(schema_id) if schema_id else None
    # Columns outside the layout (e.g. a ward's own 最終確認日) are normalised by their name's usual type.
    kinds = [(schema.column(h).type if schema and schema.column(h) else base.column_type(h)) for h in header]
    text = _csv(([base.normalise(kind, cell) for kind, cell in zip(kinds, cells)] for _line, cells in rows), header)
    if report.fatal:
        return None
    return text


def convert_to_current(data: bytes, fmt="CSV", schema_id=""):
    """Rewrite a file in an older layout into the current one. Returns (csv text, notes) or (None, notes).

    Notes say which current columns stay empty (the old layout has no such data) and which old columns
    were kept at the end because the current layout has no place for them.
    """
    source = registry.get(schema_id)
    if not source or source.generation != base.LEGACY:
        return None, {"error": "not_legacy"}
    target = registry.current_of(source)
    report = Report()
    header, rows = read_rows(data, fmt, report)
    if header is None:
        return None, {"error": "unreadable"}
    index = {name: i for i, name in enumerate(header)}
    renames = {new: old for old, new in source.renames.items()}
    used = set()

    def get(cells, name):
        i = index.get(name)
        if i is None or i >= len(cells):
            return ""
        used.add(name)
        return cells[i].strip()

    derived = {"全国地方公共団体コード", "ID", "地方公共団体名", "所在地_全国地方公共団体コード", "所在地_連結表記",
               "所在地_都道府県", "所在地_市区町村", "建物名等(方書)"}
    empty_columns = [c.name for c in target.columns
                     if c.name not in derived and c.name not in index and renames.get(c.name) not in index]
    extra = [h for h in header if h not in base.LEGACY_LEAD + base.LEGACY_ADDRESS and target.column(h) is None
             and h not in source.renames]

    def converted(cells):
        code = base.normalise("lgcode", get(cells, "都道府県コード又は市区町村コード"))
        pref, city, address = get(cells, "都道府県名"), get(cells, "市区町村名"), get(cells, "住所")
        full = address if not pref or address.startswith(pref) else pref + address
        values = {
            "全国地方公共団体コード": code, "ID": get(cells, "NO"), "地方公共団体名": city,
            "所在地_全国地方公共団体コード": code if address else "", "所在地_連結表記": full,
            "所在地_都道府県": pref if address else "", "所在地_市区町村": city if address else "",
            "建物名等(方書)": get(cells, "方書"),
        }
        out = []
        for col in target.columns:
            if col.name in values:
                value = values[col.name]
            elif col.name in index:
                value = get(cells, col.name)
            elif col.name in renames:
                value = get(cells, renames[col.name])
            else:
                value = ""
            out.append(base.normalise(col.type, value))
        out += [get(cells, name) for name in extra]
        return out

    text = _csv((converted(cells) for _line, cells in rows), target.column_names + extra)
    if report.fatal:
        return None, {"error": "unreadable"}
    return text, {"target": target.id, "empty_columns": empty_columns, "kept_columns": extra}


# -- datastore typing -------------------------------------------------------------------------------------
_INT = re.compile(r"^-?(0|[1-9]\d{0,14})$")
_NUM = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")


class TypeGuesser:
    """Infers int / numeric / text per column from the values (leading zeros keep text: codes, phones)."""

    def __init__(self, header, schema_id=""):
        schema = registry.get(schema_id) if schema_id else None
        self.fixed = [(schema.column(h).datastore_type if schema and schema.column(h) else None) for h in header]
        self.kinds = ["int"] * len(header)
        self.seen = [False] * len(header)

    def __call__(self, _line, cells):
        for i, cell in enumerate(cells):
            if self.fixed[i] is not None or self.kinds[i] == "text":
                continue
            value = cell.strip()
            if not value:
                continue
            self.seen[i] = True
            if self.kinds[i] == "int" and not _INT.match(value):
                self.kinds[i] = "numeric" if _NUM.match(value) else "text"
            elif self.kinds[i] == "numeric" and not _NUM.match(value):
                self.kinds[i] = "text"

    def types(self):
        out = []
        for fixed, kind, seen in zip(self.fixed, self.kinds, self.seen):
            out.append(fixed or (kind if seen else "text"))
        return out


def typed(value, kind):
    value = value.strip()
    if value == "":
        return None
    if kind == "int":
        try:
            return int(value.replace(",", ""))
        except ValueError:
            return value
    if kind == "numeric":
        try:
            return float(value)
        except ValueError:
            return value
    return value

"""Reading tabular files, validating them against a layout, and writing normalised or converted CSV.

Reading never guesses silently: a BOM means UTF-8; otherwise strict UTF-8, then strict Shift_JIS
(cp932); anything else is reported as an unknown encoding. Ragged rows, broken quoting and binary
content are problems in the report, and a file with any of them is not loaded at all.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

from smartkoto.core import csvfile

from .schemas import base, registry

MAX_ISSUES = 500
ERROR, WARNING = "error", "warning"
FATAL_CODES = {"binary", "encoding_unknown", "empty", "bad_quoting", "ragged", "duplicate_header", "too_many_rows", "xlsx_unreadable",
               "xlsx_too_large"}
MB = 1024 * 1024
CHUNK_ROWS = 20_000  # rows read, checked and written together (a chunk of a 1,000,000-row file is a few MB)
BLOCK = 1 << 20


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
    types: list = field(default_factory=list)  # datastore type per column, when validate was asked to infer them

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


def _opener(source):
    """A function opening the file as a new binary stream each time: `source` is the bytes themselves or such
    a function (a stored version is read from its file, in blocks, so a large file never sits in memory)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return lambda: io.BytesIO(source)
    return source


def _stream_encoding(open_file, head):
    """The same answer as detect_encoding, found by decoding the file block by block."""
    candidates = ("utf-8-sig",) if head.startswith(b"\xef\xbb\xbf") else ("utf-8", "cp932")
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open_file() as handle:
                while block := handle.read(BLOCK):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _only_whitespace(open_file):
    with open_file() as handle:
        while block := handle.read(BLOCK):
            if block.strip():
                return False
    return True


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


def read_rows(data, fmt="CSV", report=None, max_rows=None):
    """(header, iterator of (line_number, cells)); on a fatal problem (recorded in `report`) header is None."""
    header, chunks = read_chunks(data, fmt, report)
    return header, ((line, cells) for lines, rows, _texts in chunks for line, cells in zip(lines, rows))


def read_chunks(data, fmt="CSV", report=None, size=None):
    """(header, iterator of chunks) or (None, empty iterator) after recording a fatal problem in `report`.

    `data` is the file's bytes or a function opening it (see _opener). A chunk is (line numbers, rows of
    cells, each row's cells joined by a space) for up to `size` non-blank rows; line numbers count records
    from the header's 1, blank records included, as before chunks existed.
    """
    report = report if report is not None else Report()
    size = size or CHUNK_ROWS
    if fmt.upper() == "XLSX":
        if not isinstance(data, (bytes, bytearray, memoryview)):
            with data() as handle:
                data = handle.read()  # XLSX is unzipped in memory anyway, and capped (xlsx_max_rows)
        header, rows = _read_xlsx(data, report)
        return header, _pair_chunks(rows, size)
    open_file = _opener(data)
    with open_file() as handle:
        head = handle.read(200_000)
    if not head.strip() and _only_whitespace(open_file):
        report.add("empty")
        return None, iter(())
    if _looks_binary(head):
        report.add("binary")
        return None, iter(())
    encoding = _stream_encoding(open_file, head)
    if encoding is None:
        report.add("encoding_unknown", guess=_guess(head))
        return None, iter(())
    report.encoding = encoding
    handle = open_file()
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        text.close()
        report.add("bad_quoting", row=1, detail=str(exc))
        return None, iter(())
    return [h.strip() for h in header], _csv_chunks(reader, text, report, size)


def _csv_chunks(reader, text, report, size):
    line = 1
    try:
        while True:
            raw, error = [], None
            try:
                raw.extend(islice(reader, size))  # the rows before a quoting error stay in `raw`
            except csv.Error as exc:
                error = exc
            if raw:
                joined = list(map(" ".join, raw))
                if all(map(str.strip, joined)):
                    yield range(line + 1, line + 1 + len(raw)), raw, joined
                else:  # blank records are skipped but keep their line numbers
                    keep = [i for i, t in enumerate(joined) if t.strip()]
                    if keep:
                        yield [line + 1 + i for i in keep], [raw[i] for i in keep], [joined[i] for i in keep]
                line += len(raw)
            if error is not None:
                report.add("bad_quoting", row=reader.line_num, detail=str(error))
                return
            if len(raw) < size:
                return
    finally:
        text.close()


def _pair_chunks(pairs, size):
    pairs = iter(pairs)
    while batch := list(islice(pairs, size)):
        rows = [cells for _line, cells in batch]
        yield [line for line, _cells in batch], rows, list(map(" ".join, rows))


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


def validate(data, fmt="CSV", schema_id="", max_rows=None, on_row=None, infer_types=False):
    """Read the whole file and check it against the layout. Returns a Report.

    Structural problems (ragged rows, broken quoting, unknown encoding, binary) are always checked;
    the layout's columns, required values and value formats when `schema_id` names a layout.
    `on_row(line, cells)` is called for every well-formed row; with `infer_types` the report's `types` are
    the datastore types of the columns (TypeGuesser). `data` is the bytes or a function opening the file.
    """
    report = Report(schema=schema_id)
    header, chunks = read_chunks(data, fmt, report)
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
                checks.append(ColumnCheck(index, col))
    ids = {}
    width = len(header)
    guesser = TypeGuesser(header, schema_id) if infer_types else None
    for lines, rows, _texts in chunks:
        fits = not max_rows or report.rows + len(rows) <= max_rows
        new_ids = {}
        if fits and set(map(len, rows)) == {width} and all(check.clean(rows, lines, ids, new_ids) for check in checks):
            ids.update(new_ids)
            report.rows += len(rows)  # the common case: a whole chunk without a problem, checked column by column
            good_lines, good, stop = lines, rows, False
        else:
            good_lines, good, stop = _validate_rows(report, lines, rows, width, checks, ids, max_rows)
        if guesser and good:
            guesser.observe(good)
        if on_row:
            for line, cells in zip(good_lines, good):
                on_row(line, cells)
        if stop:
            break
    if report.rows == 0 and not report.fatal:
        report.add("no_rows", WARNING)
    if guesser:
        report.types = guesser.types()
    return report


def _validate_rows(report, lines, rows, width, checks, ids, max_rows):
    """Row by row, in file order, so that the report lists problems as they come:
    (lines and cells of the well-formed rows, whether to stop reading)."""
    good_lines, good = [], []
    for line, cells in zip(lines, rows):
        report.rows += 1
        if max_rows and report.rows > max_rows:
            report.add("too_many_rows", limit=max_rows)
            return good_lines, good, True
        if len(cells) != width:
            report.add("ragged", row=line, found=len(cells), expected=width)
            continue
        for check in checks:
            check.row(report, line, cells[check.index].strip(), ids)
        good_lines.append(line)
        good.append(cells)
    return good_lines, good, False


_CLEAN = {  # kind → what a whole column of a chunk (stripped values, one a line) matches when none has a problem (base.check)
    "id": re.compile(r"(?:[0-9A-Za-z_\-]*\n)*"),
    "int": re.compile(r"(?:(?:-?\d+)?\n)*"),
    "postal": re.compile(r"(?:(?:\d{3}-?\d{4})?\n)*"),
}
_FOLDED = {"int", "postal"}  # kinds that base.check reads in NFKC form: the pattern applies to NFKC-normal text only
_UNCHECKED = {"text"}  # base.check finds nothing to say about these


class ColumnCheck:
    """One layout column's check, prepared once: `clean` answers for a whole chunk at C speed when it can,
    `row` checks one value exactly as base.check does (and gives the report's messages)."""

    def __init__(self, index, col):
        self.index, self.col, self.kind, self.required = index, col, col.type, col.required
        self.unique = col.type == "id" and col.name in ("ID", "NO")
        self.values = itemgetter(index)
        self.pattern = _CLEAN.get(col.type)

    def clean(self, rows, lines, ids, new_ids):
        """True when no value of this column in the chunk has a problem; the chunk's unique ids are added to
        `new_ids` (remembered by the caller once every column is clean)."""
        values = list(map(str.strip, map(self.values, rows)))
        if self.required and "" in values:
            return False
        if self.pattern is not None:
            joined = "\n".join(values) + "\n"
            if joined.count("\n") != len(values) or not self.pattern.fullmatch(joined):
                return False
            if self.kind in _FOLDED and not unicodedata.is_normalized("NFKC", joined):
                return False
        elif self.kind not in _UNCHECKED and any(base.check(self.kind, value)[0] for value in values if value):
            return False
        if self.unique:
            present = [(value, line) for value, line in zip(values, lines) if value]
            fresh = {value for value, _line in present}
            if len(fresh) != len(present) or not fresh.isdisjoint(ids) or not fresh.isdisjoint(new_ids):
                return False
            new_ids.update(present)
        return True

    def row(self, report, line, value, ids):
        col = self.col
        if not value:
            if self.required:
                report.add("required_empty", row=line, column=col.name)
            return
        problem, params = base.check(self.kind, value)
        if problem:
            report.add(problem, ERROR, row=line, column=col.name, value=value, **params)
        if self.unique:
            if value in ids:
                report.add("duplicate_id", row=line, column=col.name, value=value, other=ids[value])
            else:
                ids[value] = line


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
# The same tests for a whole column of a chunk, one value (or an empty one) per line, surrounding spaces allowed.
# Written so that each line can match in one way only (no runaway backtracking on a long column).
_INT_LINES = re.compile(r"(?:[^\S\n]*(?:-?(?:0|[1-9]\d{0,14})[^\S\n]*)?\n)*")
_NUM_LINES = re.compile(r"(?:[^\S\n]*(?:-?(?:0|[1-9]\d*)(?:\.\d+)?[^\S\n]*)?\n)*")


class TypeGuesser:
    """Infers int / numeric / text per column from the values (leading zeros keep text: codes, phones)."""

    def __init__(self, header, schema_id=""):
        schema = registry.get(schema_id) if schema_id else None
        self.fixed = [(schema.column(h).datastore_type if schema and schema.column(h) else None) for h in header]
        self.kinds = ["int"] * len(header)
        self.seen = [False] * len(header)

    def __call__(self, _line, cells):
        for i, cell in enumerate(cells):
            if self.fixed[i] is None:
                self._cell(i, cell)

    def observe(self, rows):
        """The same as calling it for every row of a chunk (rows of equal width), a column at a time."""
        for i, fixed in enumerate(self.fixed):
            if fixed is not None or self.kinds[i] == "text":
                continue
            column = list(map(itemgetter(i), rows))
            joined = "\n".join(column) + "\n"
            if joined.count("\n") != len(column):  # a value with a line break in it: value by value
                for cell in column:
                    self._cell(i, cell)
                continue
            if joined.isspace():
                continue
            self.seen[i] = True
            if self.kinds[i] == "int" and _INT_LINES.fullmatch(joined):
                continue
            self.kinds[i] = "numeric" if _NUM_LINES.fullmatch(joined) else "text"

    def _cell(self, i, cell):
        if self.kinds[i] == "text":
            return
        value = cell.strip()
        if not value:
            return
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

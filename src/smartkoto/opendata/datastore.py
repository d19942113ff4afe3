"""The datastore: tabular versions loaded into `DatastoreRow` and queried like CKAN's datastore_search.

A load writes rows under its own version and only then switches `Resource.datastore_version`, in one
transaction, so readers see the previous version until the new one is complete. Rows of a failed load
are deleted; rows of the replaced version are deleted after the switch.
"""

import functools
import itertools
import json
import math
import operator
import unicodedata
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core import csvfile
from smartkoto.core.text import normalize
from smartkoto.core.workflow import SYSTEM

from . import tabular
from .models import TABULAR_FORMATS, DatastoreRow, Resource, ResourceFile
from .workflow import LOAD

BATCH = tabular.CHUNK_ROWS  # rows written and committed together
MAX_LIMIT = 32000
DEFAULT_LIMIT = 100
Q_WORDS_MAX = 32  # words in a free-text q (each is one condition)


class QueryError(Exception):
    """A datastore_search parameter is wrong: `errors` maps parameter → [messages]."""

    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


def max_rows():
    from django.conf import settings

    return getattr(settings, "OPENDATA_MAX_ROWS", 5_000_000)


def load(version: ResourceFile):
    """Validate the version, load its rows if tabular, and make it live when everything succeeded.

    The file is read twice, in chunks, never whole: first to validate it and infer the column types, then
    to write the rows (a type is known only once every value of the column has been seen)."""
    resource = version.resource
    LOAD.apply(version, ResourceFile.Load.LOADING, by=SYSTEM)
    version.load_error = ""
    version.save(update_fields=["load_state", "load_error"])
    tabular_format = resource.format.upper() in TABULAR_FORMATS
    if not tabular_format:
        LOAD.apply(version, ResourceFile.Load.NONE, by=SYSTEM)
        version.save(update_fields=["load_state"])
        _make_live(resource, version, fields=None)
        return version
    source = _opener(version)
    report = tabular.validate(source, resource.format, version.schema_id, max_rows=max_rows(), infer_types=True)
    version.report = report.as_dict()
    version.encoding = report.encoding
    version.rows_total = report.rows
    if report.fatal:
        LOAD.apply(version, ResourceFile.Load.REJECTED, by=SYSTEM)
        version.save(update_fields=["report", "encoding", "rows_total", "load_state"])
        return version
    version.save(update_fields=["report", "encoding", "rows_total"])
    header = report.columns
    types = report.types
    fields = [{"id": name, "type": kind} for name, kind in zip(header, types)]
    try:
        _insert_rows(version, source, header, types)
    except Exception as exc:  # a failed load must leave the previous version live
        drop_indexes(version.pk)
        DatastoreRow.objects.filter(version=version).delete()
        LOAD.apply(version, ResourceFile.Load.FAILED, by=SYSTEM)
        version.load_error = f"{type(exc).__name__}: {exc}"[:2000]
        version.save(update_fields=["load_state", "load_error"])
        return version
    create_indexes(version, fields)
    _make_live(resource, version, fields)
    return version


_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def fast_normalize(text):
    """The same result as smartkoto.core.text.normalize, with C-speed string methods (used per row
    on large loads; a test keeps the two equal)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().translate(_KATAKANA_TO_HIRAGANA)
    return "".join(folded.split())


_SEPARATOR = "\ue000"  # private use: unchanged by NFKC and casefold, not whitespace, never composed with


_KATAKANA = frozenset(map(chr, _KATAKANA_TO_HIRAGANA))


def _to_hiragana(text):
    # str.translate looks every character up in a dict; replacing only the katakana present is ~10× faster.
    for katakana in _KATAKANA.intersection(text):
        text = text.replace(katakana, chr(ord(katakana) - 0x60))
    return text


def search_keys(texts):
    """fast_normalize of every text, normalising the chunk as one string (one C call per step, not per row)."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) == len(texts) - 1:
        parts = _to_hiragana(unicodedata.normalize("NFKC", joined).casefold()).split(_SEPARATOR)
        if len(parts) == len(texts):
            return list(map("".join, map(str.split, parts)))
    return list(map(fast_normalize, texts))  # a text holds the separator itself


def _opener(version):
    """Opens the stored file anew for each pass (read in blocks: a large file never sits in memory whole)."""
    storage, name = version.file.storage, version.file.name
    return lambda: storage.open(name, "rb")


_encode_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_without_commas = operator.methodcaller("replace", ",", "")


def json_members(name, kind, cells):
    """`"name":value` for each cell of one column (typed as tabular.typed does), "" for an empty cell.

    A whole column goes through C-level maps; one with an empty or an unusual value goes value by value."""
    key = _encode_string(name) + ":"
    values = list(map(str.strip, cells))
    if "" not in values:
        if kind not in ("int", "numeric"):
            return list(map(key.__add__, map(_encode_string, values)))
        try:
            if kind == "int":
                return list(map(key.__add__, map(int.__repr__, map(int, map(_without_commas, values)))))
            numbers = list(map(float, values))
            if all(map(math.isfinite, numbers)):
                return list(map(key.__add__, map(float.__repr__, numbers)))
        except ValueError:
            pass
    typed = tabular.typed
    return [key + _dumps(value) if (value := typed(cell, kind)) is not None else "" for cell in cells]


def row_json(columns):
    """One JSON object per row from its columns' members, in column order. Empty cells are left out, so the
    column reads as SQL NULL (sorted last) on both databases. Keys stay unescaped: on SQLite every lookup
    goes through column_expression's literal path."""
    return list(map("{%s}".__mod__, map(",".join, map(functools.partial(filter, None), zip(*columns)))))


def _insert_rows(version, source, header, types):
    """Write the rows chunk by chunk with the database's fast path (COPY on PostgreSQL, executemany on SQLite).
    Each chunk commits with the progress count, so staff see it move; the version is not live until the end."""
    _header, chunks = tabular.read_chunks(source, version.resource.format, tabular.Report(), size=BATCH)
    write = _copy_chunk if connection.vendor == "postgresql" else _executemany_chunk
    width = len(header)
    loaded = 0
    for _lines, rows, texts in chunks:
        if set(map(len, rows)) != {width}:
            raise ValueError("the file changed while it was loaded")
        columns = [json_members(name, kind, list(map(operator.itemgetter(i), rows))) for i, (name, kind) in enumerate(zip(header, types))]
        with transaction.atomic():
            write(version.pk, loaded + 1, row_json(columns), search_keys(texts))
            loaded += len(rows)
            ResourceFile.objects.filter(pk=version.pk).update(rows_loaded=loaded)
    version.rows_loaded = loaded
    version.save(update_fields=["rows_loaded"])


_TABLE = DatastoreRow._meta.db_table


def _copy_chunk(version_id, first, data, search_text):
    # COPY's text format: tabs between columns, a newline after each row, backslash escapes. The JSON has no raw
    # control characters (the encoder escapes them) and the search text no whitespace, so only backslashes need it.
    body = "".join(map("%d\t%d\t%s\t%s\n".__mod__, zip(itertools.repeat(version_id), itertools.count(first), data, search_text)))
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {_TABLE} (version_id, row_number, data, search_text) FROM STDIN") as copy:
            copy.write(body.replace("\\", "\\\\"))


def _executemany_chunk(version_id, first, data, search_text):
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_TABLE} (version_id, row_number, data, search_text) VALUES (%s, %s, %s, %s)",
                           zip(itertools.repeat(version_id), itertools.count(first), data, search_text))


def _make_live(resource, version, fields):
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        previous = resource.datastore_version_id
        resource.current = version
        if fields is not None:
            resource.datastore_version = version
            resource.datastore_fields = fields
        else:
            resource.datastore_version = None
            resource.datastore_fields = []
        resource.save()
        if fields is not None:
            LOAD.apply(version, ResourceFile.Load.LOADED, by=SYSTEM)
            ResourceFile.objects.filter(pk=version.pk).update(load_state=version.load_state)
        from .models import Dataset

        Dataset.objects.filter(pk=resource.dataset_id).update(modified=timezone.now())
    if previous and previous != version.pk:
        drop_indexes(previous)
        DatastoreRow.objects.filter(version_id=previous).delete()


# -- search -------------------------------------------------------------------------------------------
def _as_list(value):
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


INT_RANGE = range(-(2**63), 2**63)  # what both databases store as an integer


def _coerce(value, kind):
    if value is None:
        return None
    if kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            return value
        return number if number in INT_RANGE else str(value)
    if kind == "numeric":
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    return str(value)


@dataclass(frozen=True)
class Query:
    """A datastore_search request, checked against the resource's fields."""

    fields: list  # every field, "_id" first
    kinds: dict
    limit: int
    offset: int
    filters: dict
    wanted: list
    sort_terms: list  # [(field, descending)]
    q: object  # words (str) or {field: text}
    records_format: str
    distinct: bool
    include_total: bool


def search(resource: Resource, params: dict):
    """datastore_search for one resource: parse, query, format. Raises QueryError for bad parameters."""
    query = parse(resource, params)
    page, total = run(resource, query)
    return format_result(resource, query, page, total, params)


# -- parse --------------------------------------------------------------------------------------------
def _missing(name, kinds):
    return f'field "{name}" not in resource' if name not in kinds else None


def _page_bounds(params):
    try:
        limit = min(int(params.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
        offset = int(params.get("offset", 0))
        if limit < 0 or not 0 <= offset <= max_rows():
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise QueryError({"limit": [_("limit and offset must be whole numbers ≥ 0 (offset at most %(limit)d)") % {"limit": max_rows()}]}) from None
    return limit, offset


def _row_numbers(values):
    """`_id` filter values as row numbers (values that cannot be one match nothing)."""
    numbers = []
    for value in values:
        number = _coerce(value, "int")
        if isinstance(number, int) and not isinstance(number, bool) and number in INT_RANGE:
            numbers.append(number)
    return numbers


def _filters(params):
    filters = params.get("filters") or {}
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            raise QueryError({"filters": ["filters must be a JSON object"]}) from None
    if not isinstance(filters, dict):
        raise QueryError({"filters": ["filters must be a JSON object"]})
    return filters


def _sort_terms(params):
    terms = []
    for term in _as_list(params.get("sort")):
        parts = term.replace('"', "").split()
        name = " ".join(parts[:-1]) if len(parts) > 1 and parts[-1].lower() in ("asc", "desc") else " ".join(parts)
        terms.append((name, len(parts) > 1 and parts[-1].lower() == "desc"))
    return terms


def _q(params):
    q = params.get("q") or ""
    if isinstance(q, str) and q.strip().startswith("{"):
        try:
            return json.loads(q)
        except ValueError:
            return q
    return q


def parse(resource, params):
    """The parameters as a `Query`; every unknown field and bad value is reported at once (QueryError)."""
    fields = [{"id": "_id", "type": "int"}] + list(resource.datastore_fields)
    kinds = {f["id"]: f["type"] for f in fields}
    limit, offset = _page_bounds(params)
    filters = _filters(params)
    wanted = _as_list(params.get("fields")) or [f["id"] for f in fields]
    sort_terms = _sort_terms(params)
    q = _q(params)
    records_format = params.get("records_format", "objects")
    errors = {}
    for key, names in (("filters", list(filters)), ("fields", wanted), ("sort", [n for n, _d in sort_terms]),
                       ("q", list(q) if isinstance(q, dict) else [])):
        for name in names:
            if problem := _missing(name, kinds):
                errors.setdefault(key, []).append(problem)
    if records_format not in ("objects", "lists", "csv", "tsv"):
        errors.setdefault("records_format", []).append("must be one of objects, lists, csv, tsv")
    if errors:
        raise QueryError(errors)
    return Query(fields=fields, kinds=kinds, limit=limit, offset=offset, filters=filters, wanted=wanted,
                 sort_terms=sort_terms, q=q, records_format=records_format,
                 distinct=str(params.get("distinct", "")).lower() in ("true", "1"), include_total=_include_total(params))


# -- query --------------------------------------------------------------------------------------------
def _rows(resource):
    if connection.vendor == "sqlite":
        # The version written into the SQL (an integer we own) lets SQLite use the per-version partial indexes.
        return DatastoreRow.objects.extra(where=[f"version_id = {int(resource.datastore_version_id)}"])
    return DatastoreRow.objects.filter(version_id=resource.datastore_version_id)


def _apply_q(rows, q):
    if isinstance(q, dict):
        for i, (name, text) in enumerate(q.items()):
            if connection.vendor == "sqlite":
                rows = rows.extra(where=[f"instr(lower(json_extract(data, {sqlite_path_literal(name)})), lower(%s)) > 0"], params=[str(text)])
            else:
                rows = rows.alias(**{f"q_{i}": KeyTransform(name, "data")}).filter(**{f"q_{i}__icontains": str(text)})
    elif q:
        for word in str(q).split():
            rows = rows.filter(search_text__contains=normalize(word))
    return rows


def run(resource, query):
    """(page as lists of values in `query.wanted` order, total or None)."""
    rows = _apply_q(_apply_filters(_rows(resource), query.filters, query.kinds), query.q)
    wanted, offset, limit = query.wanted, query.offset, query.limit
    if query.distinct:
        annotations = {f"f{i}": (F("row_number") if name == "_id" else column_expression(name)) for i, name in enumerate(wanted)}
        projected = rows.annotate(**annotations).values(*annotations).distinct()
        projected = projected.order_by(*[(f"-f{wanted.index(n)}" if d else f"f{wanted.index(n)}") for n, d in query.sort_terms if n in wanted]
                                       or list(annotations))
        total = projected.count() if query.include_total else None
        return [[_decode(r[f"f{i}"]) for i in range(len(wanted))] for r in projected[offset:offset + limit]], total
    order = []
    for name, descending in query.sort_terms:
        expr = F("row_number") if name == "_id" else _sort_expression(name)
        order.append(expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True))
    rows = rows.order_by(*(order + [F("row_number").asc()]))
    total = rows.count() if query.include_total else None
    page = []
    for row in rows.only("row_number", "data")[offset:offset + limit]:
        record = dict(row.data)
        record["_id"] = row.row_number
        page.append([record.get(name) for name in wanted])
    return page, total


# -- format -------------------------------------------------------------------------------------------
def _delimited(page, delimiter):
    """CSV/TSV records (no BOM, one "\n" per record as CKAN writes them) through the one CSV writer."""
    return "".join(csvfile.write([values], bom=False, delimiter=delimiter)[:-2] + "\n" for values in page)


def format_result(resource, query, page, total, params):
    """The datastore_search result in CKAN's shape."""
    wanted, limit = query.wanted, query.limit
    selected_fields = sorted((f for f in query.fields if f["id"] in wanted), key=lambda f: wanted.index(f["id"]))
    if query.records_format == "objects":
        records = [dict(zip(wanted, values)) for values in page]
    elif query.records_format == "lists":
        records = page
    else:
        records = _delimited(page, "," if query.records_format == "csv" else "\t")
    start = f"/api/3/action/datastore_search?resource_id={resource.pk}"
    result = {
        "resource_id": str(resource.pk), "fields": selected_fields, "records": records, "limit": limit,
        "records_format": query.records_format,
        "_links": {"start": start, "next": f"{start}&offset={query.offset + limit}" + (f"&limit={limit}" if limit != DEFAULT_LIMIT else "")},
        "include_total": query.include_total, "total_was_estimated": False,
    }
    if total is not None:
        result["total"] = total
    for key in ("filters", "q", "sort", "distinct", "offset"):
        if key in params:
            result[key] = params[key]
    return result


def column_expression(name):
    """One column of the row data as an expression: json_extract with a literal path on SQLite (so the
    per-version indexes apply and unescaped Japanese keys match), the jsonb key on PostgreSQL."""
    if connection.vendor == "sqlite":
        from django.db.models.expressions import RawSQL

        return RawSQL(f"json_extract(data, {sqlite_path_literal(name)})", [])
    return KeyTransform(name, "data")


_sort_expression = column_expression


def _decode(value):
    if isinstance(value, str) and connection.vendor == "postgresql":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _include_total(params):
    return str(params.get("include_total", True)).lower() not in ("false", "0")


def _apply_filters(rows, filters, kinds):
    if not filters:
        return rows
    if connection.vendor == "postgresql":
        # jsonb containment uses the GIN index on data.
        scalar = {}
        for name, value in filters.items():
            values = value if isinstance(value, list) else [value]
            if len(values) == 1:
                scalar[name] = _coerce(values[0], kinds[name]) if name != "_id" else None
            if name == "_id":
                rows = rows.filter(row_number__in=_row_numbers(values))
            elif len(values) > 1:
                condition = Q()
                for v in values:
                    condition |= Q(data__contains={name: _coerce(v, kinds[name])})
                rows = rows.filter(condition)
        scalar = {k: v for k, v in scalar.items() if k != "_id"}
        if scalar:
            rows = rows.filter(data__contains=scalar)
        return rows
    for name, value in filters.items():
        values = value if isinstance(value, list) else [value]
        if name == "_id":
            rows = rows.filter(row_number__in=_row_numbers(values))
            continue
        typed_values = [_coerce(v, kinds[name]) for v in values]
        marks = ", ".join(["%s"] * len(typed_values))
        # The JSON path is written into the SQL (not a parameter) so that SQLite can use the
        # per-version expression indexes that large loads create (see create_indexes).
        rows = rows.extra(where=[f"json_extract(data, {sqlite_path_literal(name)}) IN ({marks})"], params=typed_values)
    return rows


# -- SQLite expression indexes for large versions ------------------------------------------------------
def sqlite_path_literal(name):
    """The JSON path of a column as an SQL string literal (keys are stored unescaped, see _insert_rows)."""
    path = '$."' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "'" + path.replace("'", "''") + "'"


def index_min_rows():
    from django.conf import settings

    return getattr(settings, "OPENDATA_INDEX_MIN_ROWS", 20_000)


def create_indexes(version, fields, max_columns=12):
    """On SQLite, one partial expression index per column of a large version, so filters and sorts on
    a column do not scan every row. PostgreSQL uses the GIN index on data (migration 0002) instead."""
    if version.rows_loaded < index_min_rows():
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DatastoreRow._meta.db_table}")  # fresh statistics after a large load
        return 0
    if connection.vendor != "sqlite":
        return 0
    table = DatastoreRow._meta.db_table
    # Coordinates and other decimals are rarely matched exactly; they are left out to keep loads fast.
    chosen = [(i, f) for i, f in enumerate(fields) if f["type"] != "numeric"][:max_columns]
    with connection.cursor() as cursor:
        for i, field in chosen:
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "opendata_row_v{int(version.pk)}_f{i}" ON {table} '
                           f"(json_extract(data, {sqlite_path_literal(field['id'])})) WHERE version_id = {int(version.pk)}")
        cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute(f"ANALYZE {table}")  # so the planner knows the new indexes are selective
    return len(chosen)


def drop_indexes(version_id):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE %s", [f"opendata_row_v{int(version_id)}_f%"])
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

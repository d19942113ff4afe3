"""The CKAN Action API (/api/3/action/NAME and /api/action/NAME), read-only, so that unmodified ckanapi,
CKAN harvesters and portal tools can use the catalog. Shapes and errors follow standards.md §2."""

import json
import math
import re

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from smartkoto.municipality import queries as municipality

from . import ckan, datastore, queries
from .models import THEMES

FACET_FIELDS = ["organization", "tags", "res_format", "groups", "license_id"]


class ActionError(Exception):
    status = 400
    kind = "Bad request"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(ActionError):
    status, kind = 404, "Not Found Error"


class ValidationFailed(ActionError):
    status, kind = 409, "Validation Error"


class SearchQueryError(ActionError):
    status, kind = 400, "Search Query Error"


def _help(name):
    return f"{ckan.site_url()}/api/3/action/help_show?name={name}"


def _json(body, status=200):
    return HttpResponse(json.dumps(body, ensure_ascii=False, default=str), status=status,
                        content_type="application/json;charset=utf-8")


# -- parameters: every one checked at the edge (issue 11) -------------------------------------------------
ROWS_MAX = 1000  # CKAN's ckan.search.rows_max: larger rows/limit values are lowered to it
OFFSET_MAX = 10**6  # start/offset beyond this are refused (the catalog has hundreds of datasets)
TEXT_MAX = 1000  # q, fq, query
WORDS_MAX = datastore.Q_WORDS_MAX  # words in a free-text q
NAME_MAX = 200  # ids, names, sort expressions, field names
LIST_MAX = 100  # items in a list parameter


class Invalid(Exception):
    pass


def _text(max_length=NAME_MAX, words=None):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Invalid(_("Must be a string"))
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid(_("Must be a string"))
        value = str(value)
        if "\x00" in value:
            raise Invalid(_("Must not contain NUL characters"))
        if len(value) > max_length:
            raise Invalid(_("Must be at most %(limit)d characters long") % {"limit": max_length})
        if words and len(value.split()) > words:
            raise Invalid(_("Must have at most %(limit)d words") % {"limit": words})
        return value
    return check


def _integer(minimum=0, maximum=None, lower_to=None):
    """A whole number (JSON number or digits); above `lower_to` it is lowered (CKAN's rows_max), above
    `maximum` refused."""
    def check(value):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**63:
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,30}\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(_("Invalid integer"))
        if value < minimum:
            raise Invalid(_("Must be a natural number") if minimum == 0 else _("Must be at least %(limit)d") % {"limit": minimum})
        if lower_to is not None and value > lower_to:
            return lower_to
        if maximum is not None and value > maximum:
            raise Invalid(_("Must be at most %(limit)d") % {"limit": maximum})
        return value
    return check


def _boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) or (isinstance(value, str) and len(value) <= 10):
        return str(value).strip().lower() in ("true", "1", "yes", "t", "y", "on")
    raise Invalid(_("Must be a boolean"))


def _json_text(value):
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise Invalid(_("Must be valid JSON")) from None


def _names(value):
    """A list of names: a JSON list, a JSON list written as text, or one comma-separated text."""
    if isinstance(value, str):
        _text(TEXT_MAX)(value)
        if value.strip().startswith("["):
            value = _json_text(value)
        else:
            return value
    if not isinstance(value, list) or len(value) > LIST_MAX:
        raise Invalid(_("Must be a list of at most %(limit)d names") % {"limit": LIST_MAX})
    return [_text()(item) for item in value]


def _scalar(value):
    if value is None or isinstance(value, bool) or isinstance(value, str):
        return _text(TEXT_MAX)(value) if isinstance(value, str) else value
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise Invalid(_("Values must be text, numbers or booleans"))


def _filters(value):
    """datastore_search filters: {field: value or [values]}, as JSON or JSON text."""
    if isinstance(value, str):
        value = _json_text(_text(TEXT_MAX * 10)(value)) if value.strip() else {}
    if not isinstance(value, dict) or len(value) > LIST_MAX:
        raise Invalid(_("Must be a JSON object"))
    out = {}
    for key, item in value.items():
        if isinstance(item, list):
            if len(item) > LIST_MAX:
                raise Invalid(_("Must be a list of at most %(limit)d names") % {"limit": LIST_MAX})
            item = [_scalar(v) for v in item]
        else:
            item = _scalar(item)
        out[_text()(key)] = item
    return out


def _datastore_q(value):
    """datastore_search q: words, or {field: text} (also as JSON text)."""
    if isinstance(value, str) and value.strip().startswith("{"):
        value = _json_text(_text(TEXT_MAX)(value))
    if isinstance(value, dict):
        if len(value) > LIST_MAX:
            raise Invalid(_("Must be a JSON object"))
        return {_text()(key): _text(TEXT_MAX)(_scalar(text) if not isinstance(text, str) else text) for key, text in value.items()}
    return _text(TEXT_MAX, words=WORDS_MAX)(value)


def _datastore_offset(value):
    return _integer(maximum=datastore.max_rows())(value)


_LIST_PAGE = {"limit": _integer(maximum=OFFSET_MAX), "offset": _integer(maximum=OFFSET_MAX)}
_NAME_LIST = {**_LIST_PAGE, "sort": _text(), "all_fields": _boolean}
SPECS = {
    "status_show": {},
    "license_list": {},
    "package_list": dict(_LIST_PAGE),
    "current_package_list_with_resources": {"limit": _integer(lower_to=ROWS_MAX), "offset": _integer(maximum=OFFSET_MAX),
                                            "page": _integer(minimum=1, maximum=OFFSET_MAX)},
    "package_search": {"q": _text(TEXT_MAX, words=WORDS_MAX), "fq": _text(TEXT_MAX), "rows": _integer(lower_to=ROWS_MAX),
                       "start": _integer(maximum=OFFSET_MAX), "sort": _text(), "facet.field": _names,
                       "facet.limit": _integer(minimum=-1, lower_to=ROWS_MAX), "facet.mincount": _integer(maximum=OFFSET_MAX),
                       "include_private": _boolean, "include_drafts": _boolean},
    "package_show": {"id": _text(), "name_or_id": _text(), "use_default_schema": _boolean, "include_tracking": _boolean},
    "resource_show": {"id": _text()},
    "organization_list": dict(_NAME_LIST),
    "organization_show": {"id": _text(), "include_datasets": _boolean},
    "group_list": dict(_NAME_LIST),
    "group_show": {"id": _text()},
    "tag_list": {"query": _text(TEXT_MAX, words=WORDS_MAX), "q": _text(TEXT_MAX, words=WORDS_MAX), "all_fields": _boolean},
    "datastore_search": {"resource_id": _text(), "id": _text(), "filters": _filters, "q": _datastore_q, "fields": _names,
                         "sort": _names, "limit": _integer(lower_to=datastore.MAX_LIMIT), "offset": _datastore_offset,
                         "records_format": _text(), "distinct": _boolean, "include_total": _boolean, "plain": _boolean,
                         "language": _text()},
    "help_show": {"name": _text()},
}
MANY = {"facet.field", "fields", "sort"}  # parameters that may be given more than once (their values form a list)


def _raw_params(request):
    """The request's parameters as given: query string (a repeated key → list of its values) and a JSON
    or form body."""
    params, repeated = {}, set()
    sources = [request.GET]
    if request.method == "POST":
        try:
            body = request.body
        except RequestDataTooBig:
            raise ActionError(_("Bad request - the request body is too large")) from None
        if request.content_type == "application/json" or body[:1] == b"{":
            try:
                data = json.loads(body or b"{}")
            except (ValueError, RecursionError):
                raise ActionError(_("Bad request - JSON Error: could not read the request body")) from None
            if not isinstance(data, dict):
                raise ActionError(_("Bad request - JSON Error: the body must be a JSON object"))
            for key, value in (p for source in sources for p in source.lists()):
                params[key] = value if len(value) > 1 else value[0]
                repeated.update([key] if len(value) > 1 else [])
            for key, value in data.items():
                params[key] = value
                repeated.discard(key)
            return params, repeated
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            if key in params:
                values = ([params[key]] if key not in repeated else params[key]) + values
            params[key] = values if len(values) > 1 else values[0]
            if len(values) > 1:
                repeated.add(key)
    return params, repeated


def _params(request, name):
    """The action's known parameters, each checked and converted; a wrong one is a CKAN Validation Error
    (409) naming every wrong parameter. A scalar parameter given more than once is refused (defined
    behaviour for `?q=a&q=b`); unknown parameters are ignored, as CKAN does."""
    raw, repeated = _raw_params(request)
    spec = SPECS.get(name, {})
    params, errors = {}, {}
    for key, check in spec.items():
        if key not in raw or raw[key] is None:
            continue
        value = raw[key]
        if key in repeated and key not in MANY:
            errors[key] = [_("Give this parameter only once")]
            continue
        try:
            params[key] = check(value)
        except Invalid as exc:
            errors[key] = [str(exc)]
    if errors:
        raise ValidationFailed("Validation Error", errors)
    return params


def _int(params, key, default, maximum=None):
    value = params.get(key, default)
    return min(value, maximum) if maximum else value


def _bool(params, key, default=False):
    return bool(params.get(key, default))


def _list(value):
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


def _departments():
    return {d.code: d for d in municipality.departments()}


# -- actions ------------------------------------------------------------------------------------------
def status_show(request, params):
    from django.conf import settings

    name_ja, name_en = municipality.name("ja"), municipality.name("en")
    return {"site_title": f"Smart KOTO オープンデータ（{name_ja}）", "site_description": f"{name_ja}のオープンデータカタログ / {name_en} open data catalog",
            "site_url": ckan.site_url(), "locale_default": "ja", "extensions": ["datastore", "dcat"],
            "ckan_version": "2.10.0", "error_emails_to": None, "api_version": 3,
            "base_url_configured": bool(getattr(settings, "BASE_URL", ""))}


def package_list(request, params):
    names = list(queries.published().order_by("name").values_list("name", flat=True))
    offset = _int(params, "offset", 0)
    limit = params.get("limit")
    return names[offset:offset + _int(params, "limit", 0)] if limit not in (None, "") else names[offset:]


def _parse_fq(fq):
    """`organization:dx tags:AED res_format:"CSV"` → {facet: [values]} (AND between terms)."""
    import shlex

    filters = {}
    try:
        terms = shlex.split(fq or "")
    except ValueError:
        raise SearchQueryError(f"Search Query Error: cannot parse fq {fq!r}") from None
    for term in terms:
        if term in ("AND", "+"):
            continue
        term = term.lstrip("+")
        if ":" not in term:
            raise SearchQueryError(f"Search Query Error: fq term {term!r} must be field:value")
        field, value = term.split(":", 1)
        field = {"owner_org": "organization", "groups": "groups", "tags": "tags"}.get(field, field)
        if field not in FACET_FIELDS + ["name", "id"]:
            raise SearchQueryError(f"Search Query Error: unknown field {field!r} in fq")
        filters.setdefault(field, []).append(value.strip('"'))
    return filters


def _sort(datasets, sort, q):
    from smartkoto.core.i18n import tr

    keys = [part.strip() for part in (sort or "score desc, metadata_modified desc").split(",") if part.strip()]
    for key in reversed(keys):
        bits = key.split()
        field, direction = bits[0], (bits[1].lower() if len(bits) > 1 else "asc")
        if direction not in ("asc", "desc"):
            raise SearchQueryError(f"Search Query Error: bad sort direction in {key!r}")
        getters = {
            "score": lambda d: 0, "metadata_modified": lambda d: d.modified, "metadata_created": lambda d: d.created,
            "name": lambda d: d.name, "title_string": lambda d: tr(d.title, "ja"), "title": lambda d: tr(d.title, "ja"),
            "num_resources": lambda d: len(d.resources.all()),
        }
        if field not in getters:
            raise SearchQueryError(f"Search Query Error: cannot sort by {field!r}")
        datasets.sort(key=getters[field], reverse=direction == "desc")
    return datasets


def package_search(request, params):
    rows = _int(params, "rows", 10, 1000)
    start = _int(params, "start", 0)
    q = params.get("q") or ""
    if q.strip() in ("*:*", "*"):
        q = ""
    filters = _parse_fq(params.get("fq", ""))
    names = filters.pop("name", None)
    ids = filters.pop("id", None)
    datasets = queries.search(q, filters)
    if names:
        datasets = [d for d in datasets if d.name in names]
    if ids:
        datasets = [d for d in datasets if str(d.pk) in ids]
    sort = params.get("sort") or "score desc, metadata_modified desc"
    datasets = _sort(list(datasets), sort, q)
    facet_fields = [f for f in _list(params.get("facet.field")) if f in FACET_FIELDS]
    facet_limit = _int(params, "facet.limit", 50)
    counted = queries.facets(datasets, facet_fields, facet_limit if facet_limit > 0 else 10_000) if facet_fields else {}
    departments = _departments()
    search_facets = {}
    for field, items in counted.items():
        title = {"organization": "Organizations", "tags": "Tags", "res_format": "Formats", "groups": "Groups",
                 "license_id": "Licenses"}[field]
        entries = []
        for name, count in items.items():
            display = name
            if field == "organization" and name in departments:
                display = str(departments[name])
            elif field == "groups" and name in THEMES:
                display = THEMES[name][0]
            entries.append({"name": name, "display_name": display, "count": count})
        search_facets[field] = {"title": title, "items": entries}
    page = datasets[start:start + rows]
    return {"count": len(datasets), "sort": sort, "results": [ckan.package_dict(d, departments) for d in page],
            "facets": counted, "search_facets": search_facets}


def package_show(request, params):
    ds = queries.dataset(str(params.get("id") or params.get("name_or_id") or ""))
    if ds is None:
        raise NotFound("Not found")
    return ckan.package_dict(ds, _departments())


def resource_show(request, params):
    resource = queries.resource(str(params.get("id") or ""))
    if resource is None:
        raise NotFound("Resource was not found.")
    return ckan.resource_dict(resource)


def _org_counts():
    counts = {}
    for code in queries.published().values_list("department_code", flat=True):
        counts[code] = counts.get(code, 0) + 1
    return counts


def _name_list(params, items, make):
    if params.get("sort", "name asc").strip().startswith("package_count"):
        items.sort(key=lambda kv: -kv[1])
    else:
        items.sort(key=lambda kv: kv[0], reverse="desc" in params.get("sort", ""))
    offset = _int(params, "offset", 0)
    limit = params.get("limit")
    items = items[offset:offset + _int(params, "limit", 0)] if limit not in (None, "") else items[offset:]
    if _bool(params, "all_fields"):
        return [make(name, count) for name, count in items]
    return [name for name, _count in items]


def organization_list(request, params):
    counts = _org_counts()
    departments = _departments()
    items = [(code, counts.get(code, 0)) for code in departments if counts.get(code)]
    return _name_list(params, items, lambda code, n: ckan.organization_dict(code, departments.get(code), n))


def organization_show(request, params):
    code = str(params.get("id") or "")
    department = municipality.department(code)
    if department is None:
        raise NotFound("Organization was not found.")
    out = ckan.organization_dict(code, department, _org_counts().get(code, 0))
    if _bool(params, "include_datasets"):
        out["packages"] = [ckan.package_dict(d) for d in queries.published().filter(department_code=code)[:1000]]
    return out


def group_list(request, params):
    counts = {}
    for ds in queries.published():
        for theme in ds.themes:
            counts[theme] = counts.get(theme, 0) + 1
    items = [(code, counts.get(code, 0)) for code in THEMES if counts.get(code)]
    return _name_list(params, items, lambda code, n: ckan.group_dict(code, n))


def group_show(request, params):
    code = str(params.get("id") or "")
    if code not in THEMES:
        raise NotFound("Group was not found.")
    return ckan.group_dict(code, sum(1 for ds in queries.published() if code in ds.themes))


def tag_list(request, params):
    tags = set()
    for ds in queries.published():
        tags.update(ds.tags)
    query = params.get("query") or params.get("q") or ""
    names = sorted(t for t in tags if not query or query.lower() in t.lower())
    if _bool(params, "all_fields"):
        return [ckan.tag_dict(t) for t in names]
    return names


def license_list(request, params):
    return ckan.license_list()


def datastore_search(request, params):
    resource_id = str(params.get("resource_id") or params.get("id") or "")
    if not resource_id:
        raise ValidationFailed("Validation Error", {"resource_id": ["Missing value"]})
    resource = queries.resource(resource_id)
    if resource is None or not resource.datastore_active:
        raise NotFound(f'Resource "{resource_id}" was not found.')
    try:
        return datastore.search(resource, params)
    except datastore.QueryError as exc:
        raise ValidationFailed("Validation Error", exc.errors) from None


def help_show(request, params):
    name = params.get("name", "")
    if name not in ACTIONS:
        raise NotFound("Action was not found.")
    return (ACTIONS[name].__doc__ or f"CKAN action {name}; see https://docs.ckan.org/en/2.10/api/").strip()


ACTIONS = {fn.__name__: fn for fn in (
    status_show, package_list, package_search, package_show, resource_show, organization_list, organization_show,
    group_list, group_show, tag_list, license_list, datastore_search, help_show)}


def current_package_list_with_resources(request, params):
    limit = params.get("limit", 100)
    offset = params.get("offset", 0)
    if "page" in params:
        offset = (params["page"] - 1) * limit
        if offset > OFFSET_MAX:
            raise ValidationFailed("Validation Error", {"page": [_("Must be at most %(limit)d") % {"limit": OFFSET_MAX // max(limit, 1) + 1}]})
    return [ckan.package_dict(d) for d in queries.published().order_by("-modified")[offset:offset + limit]]


ACTIONS["current_package_list_with_resources"] = current_package_list_with_resources
SPECS["site_read"] = {}
ACTIONS["site_read"] = lambda request, params: True


@csrf_exempt
def action(request, name):
    if request.method not in ("GET", "POST"):
        return _json({"help": _help(name), "success": False, "error": {"__type": "Bad request", "message": "Bad request - only GET and POST"}}, 405)
    function = ACTIONS.get(name)
    if function is None:
        return _json({"help": _help(name), "success": False,
                      "error": {"message": f"Bad request - Action name not known: {name}", "__type": "Bad request"}}, 400)
    try:
        result = function(request, _params(request, name))
    except ActionError as exc:
        error = {"__type": exc.kind, "message": f"{exc.kind}: {exc.message}" if exc.kind != "Bad request" else exc.message}
        if exc.fields:  # CKAN's Validation Error: {"__type", "<param>": [messages]} and no message
            error = {"__type": exc.kind, **exc.fields}
        return _json({"help": _help(name), "success": False, "error": error}, exc.status)
    return _json({"help": _help(name), "success": True, "result": result})


def api_version(request):
    return _json({"version": 3})

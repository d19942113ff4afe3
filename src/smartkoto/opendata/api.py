"""The CKAN Action API (/api/3/action/NAME and /api/action/NAME), read-only, so that unmodified ckanapi,
CKAN harvesters and portal tools can use the catalog. Shapes and errors follow standards.md §2."""

import json

from django.http import HttpResponse
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


def _params(request):
    params = {}
    for key in request.GET:
        values = request.GET.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    if request.method == "POST":
        if request.content_type == "application/json" or (request.body[:1] in (b"{",)):
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise ActionError("Bad request - JSON Error: could not read the request body") from None
            if not isinstance(body, dict):
                raise ActionError("Bad request - JSON Error: the body must be a JSON object")
            params.update(body)
        else:
            for key in request.POST:
                params[key] = request.POST.get(key)
    return params


def _int(params, key, default, maximum=None):
    try:
        value = int(params.get(key, default))
    except (TypeError, ValueError):
        raise ValidationFailed("Validation Error", {key: ["Invalid integer"]}) from None
    if value < 0:
        raise ValidationFailed("Validation Error", {key: ["Must be a positive integer"]})
    return min(value, maximum) if maximum else value


def _bool(params, key, default=False):
    value = params.get(key, default)
    return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")


def _list(value):
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            raise SearchQueryError("Search Query Error: facet.field must be a JSON list") from None
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
    if params.get("sort", "name asc").startswith("package_count"):
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
ACTIONS["current_package_list_with_resources"] = lambda request, params: [
    ckan.package_dict(d) for d in queries.published().order_by("-modified")[_int(params, "offset", 0):_int(params, "offset", 0) + _int(params, "limit", 100, 1000)]]


@csrf_exempt
def action(request, name):
    if request.method not in ("GET", "POST"):
        return _json({"help": _help(name), "success": False, "error": {"__type": "Bad request", "message": "Bad request - only GET and POST"}}, 405)
    function = ACTIONS.get(name)
    if function is None:
        return _json({"help": _help(name), "success": False,
                      "error": {"message": f"Bad request - Action name not known: {name}", "__type": "Bad request"}}, 400)
    try:
        result = function(request, _params(request))
    except ActionError as exc:
        error = {"__type": exc.kind, "message": f"{exc.kind}: {exc.message}" if exc.kind != "Bad request" else exc.message}
        error.update(exc.fields)
        return _json({"help": _help(name), "success": False, "error": error}, exc.status)
    return _json({"help": _help(name), "success": True, "result": result})


def api_version(request):
    return _json({"version": 3})

"""Public pages of the open data catalog: browse, search, facets, dataset, preview, report, download."""

import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkoto.core import downloads
from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

from .. import ckan, datastore, messages, preview, queries, tabular
from ..models import FREQUENCIES, THEMES, TABULAR_FORMATS
from ..schemas import registry

FACETS = [("organization", gettext_lazy("Department")), ("groups", gettext_lazy("Theme")), ("tags", gettext_lazy("Tag")), ("res_format", gettext_lazy("Format")),
          ("license_id", gettext_lazy("Licence"))]


def _crumbs(*items):
    return [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("Open data"), "url": reverse("opendata:catalog")}] + list(items)


def catalog(request):
    q = request.GET.get("q", "").strip()[:200]
    filters = {key: [v for v in request.GET.getlist(key) if v][:10] for key, _label in FACETS}
    all_published = list(queries.published())
    found = queries.search(q, {k: v for k, v in filters.items() if v}, all_published)
    found.sort(key=lambda d: d.modified, reverse=True)
    counts = queries.facets(found)
    departments = {d.code: d for d in municipality.departments()}
    facet_groups = []
    for key, label in FACETS:
        options = []
        for value, count in counts.get(key, {}).items():
            if key == "organization":
                display = tr(departments[value].name) if value in departments else value
            elif key == "groups":
                display = THEMES[value][0 if request.LANGUAGE_CODE == "ja" else 1] if value in THEMES else value
            elif key == "license_id":
                display = next((l["title"] for l in ckan.license_list() if l["id"] == value), value)
            else:
                display = value
            options.append({"value": value, "label": display, "count": count, "checked": value in filters[key]})
        for value in filters[key]:
            if value not in counts.get(key, {}):
                options.append({"value": value, "label": value, "count": 0, "checked": True})
        if options:
            facet_groups.append({"key": key, "label": label, "options": options})
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    for ds in page:
        ds.publisher = tr(departments[ds.department_code].name) if ds.department_code in departments else ds.department_code
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "opendata/catalog.html", {
        "q": q, "page": page, "count": len(found), "total": len(all_published), "facet_groups": facet_groups,
        "query": query.urlencode(), "filtered": bool(q or any(filters.values())),
        "departments": departments, "municipality_name": municipality.name(),
        "breadcrumbs": _crumbs()[:-1] + [{"label": _("Open data")}],
    })


def _published_dataset(name):
    ds = queries.dataset(name)
    if ds is None:
        raise Http404
    return ds


def _resource(ds, resource_id):
    resource = next((r for r in ds.resources.all() if r.pk == resource_id), None)
    if resource is None:
        raise Http404
    return resource


def dataset(request, name):
    ds = _published_dataset(name)
    department = municipality.department(ds.department_code)
    return render(request, "opendata/dataset.html", {
        "ds": ds, "department": department, "resources": list(ds.resources.all()), "license": ds.license_info(),
        "municipality_name": municipality.name(),
        "frequency": dict(FREQUENCIES).get(ds.frequency, ds.frequency),
        "themes": [THEMES[t][0 if request.LANGUAGE_CODE == "ja" else 1] for t in ds.themes if t in THEMES],
        "standard": registry.get(ds.standard_id) if ds.standard_id else None,
        "breadcrumbs": _crumbs({"label": tr(ds.title)}),
    })


def resource(request, name, resource_id):
    ds = _published_dataset(name)
    res = _resource(ds, resource_id)
    context = {"ds": ds, "res": res, "version": res.current, "license": ds.license_info(),
               "schema": registry.get(res.schema_id) if res.schema_id else None,
               "breadcrumbs": _crumbs({"label": tr(ds.title), "url": reverse("opendata:dataset", args=[ds.name])}, {"label": tr(res.name)})}
    if res.datastore_active:
        q = " ".join(request.GET.get("q", "").replace("\x00", "").split()[:datastore.Q_WORDS_MAX])[:200]
        size = 20
        try:
            page_number = max(1, int(request.GET.get("page", 1)))
        except (ValueError, OverflowError):
            page_number = 1
        total = datastore.search(res, {"q": q, "limit": 0, "records_format": "lists"})["total"]
        pages = max(1, -(-total // size))
        page_number = min(page_number, pages)  # ?page=10**20 shows the last page
        result = datastore.search(res, {"q": q, "limit": size, "offset": (page_number - 1) * size, "records_format": "lists",
                                        "include_total": False})  # counted just above
        base = {"q": q} if q else {}
        chart_columns = preview.chart_columns(res)
        chart_column = request.GET.get("chart") or preview.default_chart_column(res)
        context.update({
            "fields": result["fields"], "rows": result["records"], "total": total, "q": q, "page_number": page_number,
            "pages": pages, "prev_query": urlencode({**base, "page": page_number - 1}) if page_number > 1 else "",
            "next_query": urlencode({**base, "page": page_number + 1}) if page_number < pages else "",
            "first_row": (page_number - 1) * size + 1 if total else 0, "last_row": min(total, page_number * size),
            "chart_columns": chart_columns, "chart": preview.chart_data(res, chart_column) if chart_column else None,
            "map": preview.map_data(res), "api_example": f"{ckan.site_url()}/api/3/action/datastore_search?resource_id={res.pk}&limit=5",
        })
    elif res.format.upper() == "GEOJSON" and res.current and res.current.size <= 10 * 1024 * 1024:
        with res.current.file.open("rb") as handle:
            points, properties = preview.geojson_points(handle.read())
        columns = list(dict.fromkeys(key for props in properties[:20] for key in props))[:12]
        context.update({"map": preview.plot(points), "geo_columns": columns,
                        "geo_rows": [[props.get(c, "") for c in columns] for props in properties[:20]],
                        "geo_total": len(properties)})
    return render(request, "opendata/resource.html", context)


def report(request, name, resource_id):
    ds = _published_dataset(name)
    res = _resource(ds, resource_id)
    version = res.current
    if version is None:
        raise Http404
    data = version.report or {}
    return render(request, "opendata/report.html", {
        "ds": ds, "res": res, "version": version, "report": data, "summary": messages.summary(data),
        "issues": messages.described(data), "encoding": tabular.encoding_label(data.get("encoding")),
        "schema": registry.get(version.schema_id) if version.schema_id else None,
        "breadcrumbs": _crumbs({"label": tr(ds.title), "url": reverse("opendata:dataset", args=[ds.name])},
                               {"label": tr(res.name), "url": reverse("opendata:resource", args=[ds.name, res.pk])},
                               {"label": _("Validation report")}),
    })


def download(request, name, resource_id):
    """The live file as uploaded; ?as=normalised gives standard-form UTF-8 CSV, ?as=current the current layout."""
    ds = _published_dataset(name)
    res = _resource(ds, resource_id)
    version = res.current
    if version is None:
        raise Http404
    kind = request.GET.get("as", "")
    if kind in ("normalised", "current") and res.format.upper() in TABULAR_FORMATS:
        with version.file.open("rb") as handle:
            data = handle.read()
        if kind == "normalised":
            text = tabular.normalised_csv(data, res.format, version.schema_id)
            suffix = "normalised"
        else:
            text, _notes = tabular.convert_to_current(data, res.format, version.schema_id)
            suffix = "current"
        if text is None:
            raise Http404
        return downloads.download(text.encode("utf-8"), f"{ds.name}-{suffix}.csv", "text/csv; charset=utf-8")
    response = downloads.download_file(version.file.open("rb"), version.original_name, version.media_type)
    response["Digest"] = f"sha-256={_b64(version.sha256)}"
    return response


def _b64(hexdigest):
    import base64

    return base64.b64encode(bytes.fromhex(hexdigest)).decode()


def schemas(request):
    return render(request, "opendata/schemas.html", {
        "schemas": registry.all_schemas(),
        "breadcrumbs": _crumbs({"label": _("Standard dataset layouts")}),
    })


def schema(request, schema_id):
    found = registry.get(schema_id)
    if found is None:
        raise Http404
    if request.GET.get("format") == "json":
        body = {"name": found.id, "title": found.title, "generation": found.generation,
                "fields": [{"name": c.name, "type": c.type, "constraints": {"required": c.required}} for c in found.columns]}
        return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
    return render(request, "opendata/schema.html", {
        "schema": found, "current": registry.current_of(found),
        "breadcrumbs": _crumbs({"label": _("Standard dataset layouts"), "url": reverse("opendata:schemas")}, {"label": tr(found.title)}),
    })


def developers(request):
    example = next(iter(queries.published().order_by("name")), None)
    return render(request, "opendata/developers.html", {
        "site": ckan.site_url(), "example": example,
        "example_resource": next((r for r in example.resources.all() if r.datastore_active), None) if example else None,
        "breadcrumbs": _crumbs({"label": _("For developers")}),
    })

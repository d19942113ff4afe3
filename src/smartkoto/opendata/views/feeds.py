"""DCAT-AP and DCAT-US feeds (no language prefix, no redirects)."""

import json

from django.http import Http404, HttpResponse, HttpResponseBadRequest

from .. import dcat, queries

MEDIA = {"jsonld": "application/ld+json", "ttl": "text/turtle", "rdf": "application/rdf+xml"}
WRITERS = {"jsonld": dcat.to_jsonld, "ttl": dcat.to_turtle, "rdf": dcat.to_rdfxml}


def _response(graph, fmt):
    return HttpResponse(WRITERS[fmt](graph), content_type=f"{MEDIA[fmt]}; charset=utf-8")


def catalog(request, fmt):
    if fmt not in MEDIA:
        raise Http404
    try:
        page = int(request.GET.get("page", 1))
        since = dcat.parse_since(request.GET.get("modified_since", ""))
    except ValueError:
        return HttpResponseBadRequest("page must be a number and modified_since an ISO 8601 date or date-time",
                                      content_type="text/plain; charset=utf-8")
    return _response(dcat.catalog_graph(page, since, fmt), fmt)


def dataset(request, name, fmt):
    if fmt not in MEDIA:
        raise Http404
    ds = queries.dataset(name)
    if ds is None:
        raise Http404
    return _response(dcat.dataset_graph(ds), fmt)


def data_json(request):
    return HttpResponse(json.dumps(dcat.data_json(), ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")

"""OpenAPI entries for the non-CKAN endpoints (the CKAN Action API is documented by CKAN itself)."""

_fmt = {"name": "modified_since", "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"},
        "description": "Only datasets modified at or after this time."}
_page = {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}}


def _get(summary, media, params=()):
    return {"get": {"tags": ["Open data"], "summary": summary, "parameters": list(params),
                    "responses": {"200": {"description": "OK", "content": {media: {}}}, "404": {"description": "Not found"}}}}


_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "description": "Dataset name or id"}

PATHS = {
    "/catalog.jsonld": _get("DCAT-AP catalog (JSON-LD), 100 datasets a page, Hydra paging", "application/ld+json", [_page, _fmt]),
    "/catalog.ttl": _get("DCAT-AP catalog (Turtle)", "text/turtle", [_page, _fmt]),
    "/catalog.rdf": _get("DCAT-AP catalog (RDF/XML)", "application/rdf+xml", [_page, _fmt]),
    "/dataset/{id}.jsonld": _get("One dataset as DCAT-AP (JSON-LD)", "application/ld+json", [_id]),
    "/dataset/{id}.ttl": _get("One dataset as DCAT-AP (Turtle)", "text/turtle", [_id]),
    "/dataset/{id}.rdf": _get("One dataset as DCAT-AP (RDF/XML)", "application/rdf+xml", [_id]),
    "/data.json": _get("DCAT-US 1.1 catalog (Project Open Data)", "application/json"),
    "/api/3": _get("CKAN API version", "application/json"),
    "/api/3/action/{action}": {
        "get": {"tags": ["Open data"], "summary": "CKAN Action API (package_search, package_show, datastore_search, …)",
                "description": "Also POST with a JSON body, and at /api/action/{action}. Works with the ckanapi client.",
                "parameters": [{"name": "action", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "CKAN envelope {help, success, result}"}}},
    },
}
SCHEMAS = {}
TAGS = [{"name": "Open data", "description": "Open data catalog: CKAN Action API, DCAT-AP, DCAT-US data.json"}]

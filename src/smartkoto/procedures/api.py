"""The public catalog as JSON (no sign-in needed): GET /api/procedures/ and /api/procedures/<slug>."""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from . import queries

I18N = {"type": "object", "properties": {"ja": {"type": "string"}, "en": {"type": "string"}, "ja-easy": {"type": "string"}},
        "additionalProperties": {"type": "string"}}


def serialize(procedure, with_form=False):
    data = {
        "slug": procedure.slug, "department": procedure.department.code, "name": procedure.name, "summary": procedure.summary,
        "eligibility": procedure.eligibility, "requirements": procedure.requirements, "legal_basis": procedure.legal_basis,
        "channel": procedure.channel, "offline_legal_reason": procedure.offline_legal_reason or None,
        "assurance_level": procedure.assurance_level,
        "fee": {"kind": procedure.fee_kind, "amount_yen": procedure.fee_amount, "depends_on": procedure.fee_field or None,
                "options_yen": procedure.fee_options or {}, "paid": procedure.fee_timing if procedure.fee_kind != "none" else None},
        "processing_days": procedure.processing_days, "life_events": procedure.life_events, "keywords": procedure.keywords,
    }
    if with_form:
        live = procedure.live_version()
        data["form"] = {"version": live.number, "definition": live.definition} if live else None
    return data


@require_GET
def catalog(request):
    items = queries.search(request.GET.get("q", ""), request.GET.get("department", ""), request.GET.get("life_event", ""), request.GET.get("online", ""), full=True)
    return JsonResponse({"count": len(items), "results": [serialize(p) for p in items]}, json_dumps_params={"ensure_ascii": False})


@require_GET
def detail(request, slug):
    procedure = queries.get(slug)
    if procedure is None:
        raise Http404
    return JsonResponse(serialize(procedure, with_form=True), json_dumps_params={"ensure_ascii": False})


PROCEDURE_SCHEMA = {
    "type": "object",
    "required": ["slug", "department", "name", "channel", "fee"],
    "properties": {
        "slug": {"type": "string"}, "department": {"type": "string"}, "name": {"$ref": "#/components/schemas/I18nText"},
        "summary": {"$ref": "#/components/schemas/I18nText"}, "eligibility": {"$ref": "#/components/schemas/I18nText"},
        "requirements": {"$ref": "#/components/schemas/I18nText"}, "legal_basis": {"$ref": "#/components/schemas/I18nText"},
        "channel": {"type": "string", "enum": ["online", "online_with_card", "online_prefill_then_counter", "counter_only"]},
        "offline_legal_reason": {"allOf": [{"$ref": "#/components/schemas/I18nText"}], "nullable": True},
        "assurance_level": {"type": "integer", "minimum": 0, "maximum": 2},
        "fee": {"type": "object", "properties": {
            "kind": {"type": "string", "enum": ["none", "fixed", "per_copy", "by_option"]}, "amount_yen": {"type": "integer"},
            "depends_on": {"type": "string", "nullable": True}, "options_yen": {"type": "object", "additionalProperties": {"type": "integer"}},
            "paid": {"type": "string", "nullable": True, "enum": ["at_submission", "after_approval", "at_counter", None]}}},
        "processing_days": {"type": "integer"}, "life_events": {"type": "array", "items": {"type": "string"}}, "keywords": {"type": "string"},
        "form": {"type": "object", "nullable": True, "properties": {"version": {"type": "integer"}, "definition": {"type": "object"}}},
    },
}
OPENAPI_SCHEMAS = {"I18nText": I18N, "Procedure": PROCEDURE_SCHEMA}
OPENAPI_PATHS = {
    "/api/procedures/": {"get": {
        "tags": ["procedures"], "summary": "Search the procedure catalog", "operationId": "listProcedures",
        "parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}, "description": d} for n, d in (
            ("q", "words; Japanese kanji/kana, full- or half-width"), ("department", "department code"),
            ("life_event", "life event code"), ("online", "'online' or 'counter'"))],
        "responses": {"200": {"description": "Matching procedures", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"count": {"type": "integer"}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/Procedure"}}}}}}}},
    }},
    "/api/procedures/{slug}": {"get": {
        "tags": ["procedures"], "summary": "One procedure with its live form definition", "operationId": "getProcedure",
        "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The procedure", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Procedure"}}}},
                      "404": {"description": "No such procedure"}},
    }},
}

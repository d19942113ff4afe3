"""Cases as JSON for service accounts of the ward's systems (scope `cases:read`), e.g. a core-system hand-off."""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from smartkoto.core import audit

from . import queries
from .workflow import Status


def serialize(application, full=False):
    data = {
        "reference": application.reference, "procedure": application.procedure.slug, "department": application.department_code,
        "status": application.status, "form_version": application.form_version.number, "fee_yen": application.fee_amount,
        "submitted_at": timezone.localtime(application.submitted_at).isoformat() if application.submitted_at else None,
        "due_on": application.due_on.isoformat() if application.due_on else None,
        "decided_at": timezone.localtime(application.decided_at).isoformat() if application.decided_at else None,
    }
    if full:
        data["applicant_name"] = application.applicant_name
        data["answers"] = application.answers
        data["history"] = [{"kind": e.kind, "from": e.from_status, "to": e.to_status, "at": timezone.localtime(e.created_at).isoformat()}
                           for e in application.events.exclude(kind="note")]
    return data


@require_GET
def cases(request):
    """A token without `cases:read` (or no token) is refused by the policy: 403 JSON, audited."""
    actor = request.actor
    items = list(queries.api_cases(actor=actor, status=request.GET.get("status", ""), procedure=request.GET.get("procedure", ""))
                 .order_by("submitted_at")[:500])
    audit.record("applications.api_cases_listed", actor=actor, detail={"count": len(items)})
    return JsonResponse({"count": len(items), "results": [serialize(a) for a in items]}, json_dumps_params={"ensure_ascii": False})


@require_GET
def case(request, reference):
    application = queries.api_case(reference, actor=request.actor)
    if application is None:
        return JsonResponse({"error": "not_found"}, status=404)
    audit.record("applications.api_case_read", actor=request.actor, target=application, department_code=application.department_code)
    return JsonResponse(serialize(application, full=True), json_dumps_params={"ensure_ascii": False})


CASE = {
    "type": "object",
    "required": ["reference", "procedure", "department", "status"],
    "properties": {
        "reference": {"type": "string", "example": "KT-2026-000123"}, "procedure": {"type": "string"}, "department": {"type": "string"},
        "status": {"type": "string", "enum": [s for s, _ in Status.choices if s != "draft"]}, "form_version": {"type": "integer"},
        "fee_yen": {"type": "integer"}, "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
        "due_on": {"type": "string", "format": "date", "nullable": True}, "decided_at": {"type": "string", "format": "date-time", "nullable": True},
        "applicant_name": {"type": "string"}, "answers": {"type": "object"},
        "history": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}},
    },
}
FORBIDDEN = {"description": "No service token with scope cases:read", "content": {"application/json": {"schema": {"type": "object"}}}}
OPENAPI_SCHEMAS = {"Case": CASE}
OPENAPI_PATHS = {
    "/api/applications/cases": {"get": {
        "tags": ["cases"], "summary": "Submitted applications (cases) of the service account's department", "operationId": "listCases",
        "security": [{"serviceToken": []}],
        "parameters": [{"name": "status", "in": "query", "required": False, "schema": {"type": "string"}},
                       {"name": "procedure", "in": "query", "required": False, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "Cases", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "count": {"type": "integer"}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}}}}}}, "403": FORBIDDEN},
    }},
    "/api/applications/cases/{reference}": {"get": {
        "tags": ["cases"], "summary": "One case with answers and history", "operationId": "getCase", "security": [{"serviceToken": []}],
        "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The case", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                      "403": FORBIDDEN, "404": {"description": "No such case for this account"}},
    }},
}

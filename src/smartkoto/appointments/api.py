"""JSON API: bookable services and free times (public, read-only)."""

from datetime import date

from django.http import Http404, JsonResponse

from smartkoto.core.i18n import tr

from . import queries, services


def _service(service):
    return {"code": service.code, "kind": service.kind, "name": service.name, "department": service.department_code,
            "slot_minutes": service.slot_minutes, "capacity": service.capacity, "horizon_days": service.horizon_days,
            "offices": [o.code for o in service.offices.all()],
            "procedures": [{"code": p["code"], "label": p.get("label")} for p in service.procedures]}


def service_list(request):
    return JsonResponse({"services": [_service(s) for s in queries.active_services(actor=request.actor)]},
                        json_dumps_params={"ensure_ascii": False})


def availability(request, code):
    """?office=CODE&date=YYYY-MM-DD → the day's slots with places left (closed day: empty list)."""
    service = queries.service(code, actor=request.actor)
    if service is None:
        raise Http404
    office = service.offices.filter(code=request.GET.get("office", "")).first()
    if office is None:
        return JsonResponse({"error": "office", "detail": "unknown office for this service"}, status=400)
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return JsonResponse({"error": "date", "detail": "date must be YYYY-MM-DD"}, status=400)
    slots = services.open_slots(service, office, day, actor=request.actor)
    return JsonResponse({
        "service": service.code, "office": office.code, "office_name": tr(office.name), "date": day.isoformat(),
        "slots": [{"id": s.pk, "starts_at": s.starts_at.astimezone(services.TOKYO).isoformat(),
                   "ends_at": s.ends_at.astimezone(services.TOKYO).isoformat(), "capacity": s.capacity,
                   "remaining": s.remaining} for s in slots],
    }, json_dumps_params={"ensure_ascii": False})


OPENAPI_PATHS = {
    "/api/appointments/services": {"get": {
        "tags": ["appointments"], "summary": "Bookable services (counter procedures, consultations, classes)",
        "responses": {"200": {"description": "services", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"services": {"type": "array", "items": {"$ref": "#/components/schemas/BookableService"}}}}}}}}}},
    "/api/appointments/services/{code}/availability": {"get": {
        "tags": ["appointments"], "summary": "Free times of one day at one office (Asia/Tokyo)",
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "office", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "date", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}}],
        "responses": {"200": {"description": "slots", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Availability"}}}},
                      "400": {"description": "bad office or date"}, "404": {"description": "unknown service"}}}},
}
OPENAPI_SCHEMAS = {
    "BookableService": {"type": "object", "properties": {
        "code": {"type": "string"}, "kind": {"type": "string", "enum": ["counter", "consultation", "online", "class"]},
        "name": {"type": "object", "additionalProperties": {"type": "string"}}, "department": {"type": "string"},
        "slot_minutes": {"type": "integer"}, "capacity": {"type": "integer"}, "horizon_days": {"type": "integer"},
        "offices": {"type": "array", "items": {"type": "string"}},
        "procedures": {"type": "array", "items": {"type": "object"}}}},
    "Availability": {"type": "object", "properties": {
        "service": {"type": "string"}, "office": {"type": "string"}, "office_name": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "slots": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"}, "capacity": {"type": "integer"},
            "remaining": {"type": "integer"}}}}}},
}

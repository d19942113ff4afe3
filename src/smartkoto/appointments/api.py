"""JSON API: bookable services and free times (public, read-only)."""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from smartkoto.core.i18n import tr
from smartkoto.core import http

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
    """?office=CODE&date=YYYY-MM-DD → the day's slots with places left (closed day: empty list).

    A read: it never creates slot rows. `date` must be inside the booking horizon (today to
    `horizon_days` ahead); anything else, a repeated parameter or an unknown office is a 400 problem."""
    service = queries.service(code, actor=request.actor)
    if service is None:
        raise Http404
    errors = {}
    office_code, raw_day = http.single(request.GET, "office"), http.single(request.GET, "date")
    office = service.offices.filter(code=office_code).first() if office_code else None
    if office_code is None:
        errors["office"] = [_("Give the office once.")]
    elif office is None:
        errors["office"] = [_("Choose one of the offices of this service.")]
    first, last = services.horizon(service)
    day = http.parse_day(raw_day)
    if raw_day is None:
        errors["date"] = [_("Give the date once.")]
    elif day is None:
        errors["date"] = [_("Enter the date as YYYY-MM-DD, like 2026-04-01.")]
    elif not first <= day <= last:
        errors["date"] = [_("This day is outside the booking window (%(first)s to %(last)s).") % {
            "first": first.isoformat(), "last": last.isoformat()}]
    if errors:
        return http.problem(400, " ".join(message for messages in errors.values() for message in messages), errors)
    slots = services.open_slots(service, office, day, actor=request.actor)
    return JsonResponse({
        "service": service.code, "office": office.code, "office_name": tr(office.name), "date": day.isoformat(),
        "slots": [{"id": s.pk, "key": services.slot_key(s),
                   "starts_at": s.starts_at.astimezone(services.TOKYO).isoformat(),
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
            {"name": "date", "in": "query", "required": True, "schema": {"type": "string", "format": "date"},
             "description": "A day inside the service's booking horizon (today to horizon_days ahead)."}],
        "responses": {"200": {"description": "slots", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Availability"}}}},
                      "400": {"description": "bad, repeated or out-of-window office or date", "content": {
                          "application/problem+json": {"schema": {"$ref": "#/components/schemas/AppointmentsProblem"}}}},
                      "404": {"description": "unknown service"}}}},
}
OPENAPI_SCHEMAS = {
    "AppointmentsProblem": {"type": "object", "description": "JSON problem details (RFC 9457)", "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}},
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
            "id": {"type": "integer", "nullable": True, "description": "null until the time is first held"},
            "key": {"type": "string", "description": "what the booking form posts as `slot`"}, "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"}, "capacity": {"type": "integer"},
            "remaining": {"type": "integer"}}}}}},
}

"""JSON API and open data of the counter queue. Live reads answer 304 while nothing changed."""

from datetime import timedelta

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from smartkoto.core import csvfile
from smartkoto.core.downloads import download
from smartkoto.municipality import queries as municipality
from smartkoto.core import http

from . import edge, live, queries
from .models import Ticket

JSON = {"ensure_ascii": False}


def offices(request):
    rows = queries.public_offices(actor=request.actor)
    return JsonResponse({"offices": [{"code": o.code, "name": o.name} for o in rows]}, json_dumps_params=JSON)


def office_status(request, office):
    office = queries.office(office, actor=request.actor, with_queues=False)
    if office is None:
        raise Http404
    etag = live.etag_for(office, "j")
    if response := live.not_modified(request, etag):
        return response
    status = queries.office_status(office, actor=request.actor)
    for counter in status["counters"]:
        counter.pop("level", None)
        counter["forecast"] = None
    return live.tag(JsonResponse(status, json_dumps_params=JSON), etag)


def ticket(request, token):
    ticket = queries.ticket(token, actor=request.actor)
    if ticket is None:
        raise Http404
    etag = live.etag_for(ticket.office, "jt" + ticket.token[:6])
    if response := live.not_modified(request, etag):
        return response
    return live.tag(JsonResponse(queries.ticket_status(ticket, actor=request.actor), json_dumps_params=JSON), etag)


def _range(request):
    """(start, end, office, errors): `from`/`to` YYYY-MM-DD inside the history window (ten years back to
    today), from <= to, at most 366 days; each parameter once; a known office or none."""
    errors = {}
    first, last = edge.history_window(queries.today())
    days = {}
    for name, default in (("to", last), ("from", None)):
        raw = http.single(request.GET, name)
        if raw is None:
            errors[name] = [_("Give this parameter once.")]
        elif raw == "":
            days[name] = default
        elif (day := http.parse_day(raw)) is None:
            errors[name] = [_("Enter the date as YYYY-MM-DD, like 2026-04-01.")]
        elif not first <= day <= last:
            errors[name] = [_("Choose a day from %(first)s to %(last)s.") % {"first": first.isoformat(), "last": last.isoformat()}]
        else:
            days[name] = day
    start, end = days.get("from"), days.get("to")
    if end is not None and "from" in days and start is None:
        start = end - timedelta(days=89)
    if start is not None and end is not None and not errors:
        if start > end:
            errors["to"] = [_("The last day must be on or after the first day.")]
        elif (end - start).days > edge.MAX_SPAN_DAYS:
            errors["to"] = [_("Choose at most one year.")]
    office_code, office = http.single(request.GET, "office"), None
    if office_code is None:
        errors["office"] = [_("Give this parameter once.")]
    elif office_code:
        office = municipality.office(office_code)
        if office is None:
            errors["office"] = [_("Choose one of the offices.")]
    return start, end, office, errors


def congestion_history_csv(request):
    """Hourly congestion history, open data (CC BY 4.0). ?from=YYYY-MM-DD&to=YYYY-MM-DD&office=CODE."""
    start, end, office, errors = _range(request)
    if errors:
        return http.problem(400, " ".join(m for messages in errors.values() for m in messages), errors)
    span = (start, end)
    fields = queries.CONGESTION_HISTORY_FIELDS
    rows = queries.congestion_history(*span, office=office, actor=request.actor)
    prefix = municipality.profile()["code"] or "municipality"
    response = download(csvfile.write(([row[name] for name in fields] for row in rows), fields).encode("utf-8"),
                        f"{prefix}-counter-congestion-{span[0]}-{span[1]}.csv", "text/csv; charset=utf-8", inline=True)
    response["Cache-Control"] = "public, max-age=300"
    return response


_counter = {"type": "object", "properties": {
    "code": {"type": "string"}, "name": {"type": "string"}, "prefix": {"type": "string"},
    "waiting": {"type": "integer"}, "now_calling": {"type": "string"},
    "calling": {"type": "array", "items": {"type": "object"}},
    "wait_min": {"type": "integer", "description": "estimated wait, lower bound (minutes)"},
    "wait_max": {"type": "integer", "description": "estimated wait, upper bound (minutes)"}}}
OPENAPI_SCHEMAS = {
    "OfficeQueueStatus": {"type": "object", "properties": {
        "office": {"type": "string"}, "office_name": {"type": "string"}, "version": {"type": "integer"},
        "updated_at": {"type": "string", "format": "date-time"}, "counters": {"type": "array", "items": _counter}}},
    "TicketStatus": {"type": "object", "properties": {
        "display": {"type": "string"}, "status": {"type": "string", "enum": [s.value for s in Ticket.Status]},
        "status_label": {"type": "string"}, "counter": {"type": "string"}, "ahead": {"type": "integer"},
        "window": {"type": "string"}, "wait_min": {"type": "integer"}, "wait_max": {"type": "integer"},
        "issued_at": {"type": "string", "format": "date-time"}, "version": {"type": "integer"}}},
}
_etag = [{"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
          "description": "The ETag of the last answer; 304 while the queue is unchanged."}]
OPENAPI_PATHS = {
    "/api/counters/offices": {"get": {"tags": ["counters"], "summary": "Offices with a counter queue",
                                      "responses": {"200": {"description": "offices"}}}},
    "/api/counters/offices/{office}/status": {"get": {
        "tags": ["counters"], "summary": "Congestion now: people waiting, number called, estimated wait range",
        "parameters": [{"name": "office", "in": "path", "required": True, "schema": {"type": "string"}}, *_etag],
        "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OfficeQueueStatus"}}}},
                      "304": {"description": "unchanged"}, "404": {"description": "unknown office"}}}},
    "/api/counters/tickets/{token}": {"get": {
        "tags": ["counters"], "summary": "One ticket: people ahead and estimated wait",
        "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}, *_etag],
        "responses": {"200": {"description": "ticket", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TicketStatus"}}}},
                      "304": {"description": "unchanged"}, "404": {"description": "unknown ticket"}}}},
    "/api/counters/congestion-history.csv": {"get": {
        "tags": ["counters"], "summary": "Hourly congestion history (open data, CSV, UTF-8 with BOM)",
        "parameters": [
            {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "office", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "CSV with columns " + ", ".join(queries.CONGESTION_HISTORY_FIELDS),
                              "content": {"text/csv": {"schema": {"type": "string"}}}},
                      "400": {"description": "bad, repeated or out-of-window range or office (JSON problem details)"}}}},
}

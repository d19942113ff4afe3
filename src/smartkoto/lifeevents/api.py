"""Public JSON: life events with their questions and rules (open data about how the ward works), and the
"fields saved from writing again" measure for the plan's dashboard."""

from django.http import Http404, JsonResponse

from . import flow, queries


def _event(life_event, detail=False):
    data = {"code": life_event.code, "name": life_event.name, "summary": life_event.summary, "category": life_event.category}
    if detail:
        data["questions"] = flow.question_step(life_event)["fields"]
        data["rules"] = [{"procedure": r.procedure_slug, "question": r.question, "condition": r.op, "value": r.value,
                          "deadline_days": r.deadline_days, "deadline": r.deadline_note, "bring": r.bring,
                          "offices": r.where_offices.split(), "when": r.when} for r in life_event.rules.all()]
    return data


def life_events(request):
    return JsonResponse({"results": [_event(e) for e in queries.published(actor=request.actor)]})


def life_event(request, code):
    life_event = queries.get(code, actor=request.actor)
    if life_event is None:
        raise Http404
    return JsonResponse(_event(life_event, detail=True))


def measure(request):
    return JsonResponse(queries.measure(actor=request.actor))


TEXT = {"type": "object", "description": "Translated text: {\"ja\": …, \"en\": …}"}
OPENAPI_PATHS = {
    "/api/lifeevents/": {"get": {"tags": ["lifeevents"], "summary": "Life events (ライフイベント)",
                                 "responses": {"200": {"description": "List", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/api/lifeevents/{code}": {"get": {"tags": ["lifeevents"], "summary": "One life event with its questions and checklist rules",
                                       "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                                       "responses": {"200": {"description": "Life event", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LifeEvent"}}}},
                                                     "404": {"description": "Unknown"}}}},
    "/api/lifeevents/measure": {"get": {"tags": ["lifeevents"], "summary": "Fields residents were saved from writing again (plan KPI)",
                                        "responses": {"200": {"description": "Totals", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
}
OPENAPI_SCHEMAS = {"LifeEvent": {"type": "object", "properties": {
    "code": {"type": "string"}, "name": TEXT, "summary": TEXT, "category": {"type": "string"},
    "questions": {"type": "array", "items": {"type": "object"}}, "rules": {"type": "array", "items": {"type": "object"}}}}}

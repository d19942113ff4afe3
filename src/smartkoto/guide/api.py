"""`GET /api/guide/answers?q=TEXT&lang=ja|en` — the guide's best answers, best first."""

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smartkoto.core import throttle
from smartkoto.core.audit import client_ip
from smartkoto.core.http import problem, single
from smartkoto.core.i18n import tr

from . import queries, services

REQUESTS_PER_MINUTE = 60


def _problems(request):
    errors = {}
    q, lang = single(request.GET, "q"), single(request.GET, "lang")
    if q is None:
        errors["q"] = [_("Give the question once.")]
    elif not q.strip():
        errors["q"] = [_("Enter your question.")]
    elif len(q) > queries.MAX_QUESTION_LENGTH:
        errors["q"] = [_("Write your question in 200 characters or fewer.")]
    elif "\x00" in q:
        errors["q"] = [_("The question contains a character that cannot be used.")]
    if lang is None or lang not in ("", "ja", "en"):
        errors["lang"] = [_("Use ja or en.")]
    return q, lang or "ja", errors


@require_GET
def answers(request):
    q, lang, errors = _problems(request)
    if errors:
        return problem(400, _("The question cannot be answered as sent."), errors)
    client = client_ip(request) or "unknown"
    if not throttle.take(f"guide.api:{client}", REQUESTS_PER_MINUTE, 60):
        response = problem(429, _("Too many questions. Wait a minute and ask again."))
        response["Retry-After"] = "60"
        return response
    result = queries.answer(q)
    if not result.confident:
        services.log_unanswered(q, language=lang, client=client)
    with translation.override(lang):
        body = {"answers": [{"title": tr(a.document.title, lang), "url": request.build_absolute_uri(a.document.url()),
                             "score": a.confidence, "procedure": a.document.procedure} for a in result.answers[:3]],
                "confident": result.confident}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


OPENAPI_PATHS = {
    "/api/guide/answers": {"get": {
        "tags": ["guide"], "summary": "Answers of the digital guide (自動応答) to a resident's question, best first",
        "description": "`confident` false means the guide does not know: the answers are only suggestions; "
                       "ask the ward by phone or book a consultation. Rate limited per client (429).",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
            {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["ja", "en"], "default": "ja"}},
        ],
        "responses": {
            "200": {"description": "Answers", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GuideAnswers"}}}},
            "400": {"description": "Missing, empty, too long or invalid question", "content": {"application/problem+json": {"schema": {"type": "object"}}}},
            "429": {"description": "Too many questions from this client", "content": {"application/problem+json": {"schema": {"type": "object"}}}},
        }}},
}
OPENAPI_SCHEMAS = {"GuideAnswers": {"type": "object", "required": ["answers", "confident"], "properties": {
    "answers": {"type": "array", "items": {"type": "object", "required": ["title", "url", "score", "procedure"], "properties": {
        "title": {"type": "string"}, "url": {"type": "string", "format": "uri"},
        "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "confidence 0–1"},
        "procedure": {"type": "string", "nullable": True, "description": "slug of the procedure the answer leads to"}}}},
    "confident": {"type": "boolean"}}}}

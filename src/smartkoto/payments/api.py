"""JSON API: department systems create payments (Idempotency-Key required) and read them; providers post
webhooks. Registered in the OpenAPI document at /api/schema (apps.py). Each view parses, calls one service or
query with `actor=request.actor` and maps its exceptions; a token of another department is refused (403 JSON,
audited) by the payments policy."""

import json

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkoto.core import http

from . import queries, services
from .permissions import policy
from .providers.base import ProviderError, WebhookRefused


def payment_json(payment):
    return {
        "id": payment.public_id, "reference": payment.reference, "status": payment.status,
        "amount_yen": payment.amount_yen, "captured_yen": payment.captured_yen, "refunded_yen": payment.refunded_yen,
        "fee_code": payment.fee_code, "department_code": payment.department_code,
        "description": payment.description, "provider": payment.provider,
        # a payment link: whoever the department system gives it to can pay (services.checkout_link)
        "checkout_url": services.checkout_link(payment) if payment.payer_id is None else reverse("payments:checkout", args=[payment.public_id]),
        "created_at": payment.created_at.isoformat(), "succeeded_at": payment.succeeded_at.isoformat() if payment.succeeded_at else None,
        "expires_at": payment.expires_at.isoformat(),
    }


TITLES = {400: "Bad request", 404: "Not found", 409: "Conflict", 503: "Service unavailable"}


def _error(status, code, detail):
    """JSON problem details (RFC 9457) {"type", "title", "status", "detail", "errors"}; "error" keeps the short
    code callers already read. `detail` may be a dict of field errors ({field: [messages]})."""
    errors = detail if isinstance(detail, dict) else {}
    text = detail if isinstance(detail, str) else "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    return http.problem(status, text, errors, title=TITLES.get(status, "Error"), type=f"/api/schema#problem-{code}", error=code)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payments(request):
    if request.method == "POST":
        return _create(request)
    return _list(request)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity


def _create(request):
    try:
        body = json.loads(request.body or b"{}", parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        body = None  # the service answers invalid_json once it knows the caller may create at all
    try:
        reply = services.create_payment_from_api(actor=request.actor, idempotency_key=request.headers.get("Idempotency-Key", ""),
                                                 body=body, render=payment_json)
    except services.ApiRefused as refused:
        return _error(refused.status, refused.code, refused.detail)
    response = JsonResponse(reply.body, status=reply.status)
    if reply.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _list(request):
    policy.check(request.actor, "api.read")
    references = request.GET.getlist("reference")
    reference = references[0].strip() if len(references) == 1 else ""
    if not reference or len(reference) > 64:
        return _error(400, "reference_required", {"reference": ["filter by one ?reference= of at most 64 characters"]})
    items = queries.payments_for_reference(reference, actor=request.actor)[:100]
    return JsonResponse({"results": [payment_json(p) for p in items]})


@require_GET
def payment_detail(request, public_id):
    policy.check(request.actor, "api.read")
    payment = queries.payment(public_id, actor=request.actor)
    if payment is None:
        raise Http404
    return JsonResponse(payment_json(payment))


@csrf_exempt
@require_POST
def webhook(request, provider):
    try:
        outcome = services.handle_webhook(provider, request.body, request.headers, actor=request.actor)
    except WebhookRefused as refusal:
        return _error(400, "webhook_refused", refusal.reason)
    except ProviderError:
        return _error(503, "provider_unavailable", "try again later")
    return JsonResponse({"received": True, "outcome": outcome})


PAYMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"}, "reference": {"type": "string"},
        "status": {"type": "string", "enum": ["created", "started", "authorised", "succeeded", "failed", "cancelled", "expired", "partially_refunded", "refunded"]},
        "amount_yen": {"type": "integer"}, "captured_yen": {"type": "integer"}, "refunded_yen": {"type": "integer"},
        "fee_code": {"type": "string"}, "department_code": {"type": "string"},
        "description": {"type": "object", "additionalProperties": {"type": "string"}},
        "provider": {"type": "string"}, "checkout_url": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"}, "succeeded_at": {"type": "string", "format": "date-time", "nullable": True},
        "expires_at": {"type": "string", "format": "date-time"},
    },
}
NEW_PAYMENT_SCHEMA = {
    "type": "object", "required": ["reference", "amount_yen", "fee_code", "department_code", "return_url"],
    "properties": {
        "reference": {"type": "string", "minLength": 1, "maxLength": 64}, "amount_yen": {"type": "integer", "minimum": 1, "maximum": 10_000_000},
        "fee_code": {"type": "string", "minLength": 1, "maxLength": 64}, "department_code": {"type": "string", "minLength": 1, "maxLength": 32},
        "return_url": {"type": "string", "minLength": 1, "maxLength": 500,
                       "description": "a path on this site (one leading /, no backslash or control characters) or an https URL on an allowed origin"},
        "description": {"type": "object", "maxProperties": 10, "additionalProperties": {"type": "string", "maxLength": 300}},
    },
}


def openapi_paths():
    error = {"description": "error", "content": {"application/json": {"schema": {"type": "object"}}}}
    problem = {"description": "problem details (RFC 9457); `errors` names each field", "content": {"application/problem+json": {"schema": {
        "type": "object", "required": ["type", "title", "status", "detail", "errors"],
        "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
                       "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                       "error": {"type": "string"}}}}}}
    payment = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payment"}}}}
    return {
        "/api/payments/": {
            "get": {"tags": ["payments"], "summary": "Payments for a reference", "security": [{"serviceToken": []}],
                    "parameters": [{"name": "reference", "in": "query", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "payments", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Payment"}}}}}}},
                        "400": problem, "403": error}},
            "post": {"tags": ["payments"], "summary": "Create a payment (scope payments:write)", "security": [{"serviceToken": []}],
                     "description": "Same Idempotency-Key and same body → the first reply (header Idempotent-Replayed: true); "
                                    "same key with a different body → 409; a request with the key still in flight → 409.",
                     "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 200}}],
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPayment"}}}},
                     "responses": {"201": {"description": "created", **payment}, "400": problem, "403": error, "409": problem}},
        },
        "/api/payments/{id}": {
            "get": {"tags": ["payments"], "summary": "One payment (scope payments:read)", "security": [{"serviceToken": []}],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "the payment", **payment}, "403": error, "404": error}},
        },
        "/api/payments/webhooks/{provider}": {
            "post": {"tags": ["payments"], "summary": "Provider webhook receiver (signed; idempotent, order-independent, replay-protected)",
                     "parameters": [{"name": "provider", "in": "path", "required": True, "schema": {"type": "string", "enum": ["simulated", "stripe"]}}],
                     "responses": {"200": {"description": "accepted (also for duplicates)"}, "400": problem, "503": problem}},
        },
    }

"""Request id and security headers for every response."""

import logging
import secrets
import time

from django.conf import settings

from .logging import request_id_var

log = logging.getLogger("smartkoto.request")

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https://cyberjapandata.gsi.go.jp",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self' " + " ".join(getattr(settings, "CSP_FORM_ACTION_EXTRA", [])),
    "base-uri 'self'",
    "object-src 'none'",
])


class RequestIdMiddleware:
    """Tags each request with an id (kept from X-Request-ID when a proxy set one) and logs it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming[:64] if incoming.isascii() and incoming else secrets.token_hex(8)
        token = request_id_var.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        log.info(
            "request",
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy without 'unsafe-inline', and a permissions policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        return response

"""Request id and security headers for every response."""

import codecs
import logging
import secrets
import time
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings

from .logging import request_id_var

log = logging.getLogger("smartkoto.request")

def _policy(form_action_sources):
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://cyberjapandata.gsi.go.jp",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action " + " ".join(form_action_sources),
        "base-uri 'self'",
        "object-src 'none'",
    ])


CSP = _policy(["'self'"])  # the base policy, without the origins added below

# Browsers apply form-action to the redirect that follows a form POST too: a form that answers with a
# redirect to the OpenID provider or a payment page on another origin is blocked unless that origin is
# listed. Apps register a callable returning such an origin in AppConfig.ready(); operators can add
# more with SMARTKOTO_CSP_FORM_ACTION (settings.CSP_FORM_ACTION_EXTRA).
_form_action_origins = []


def allow_form_action(get_url):
    """Register a callable returning a URL whose origin forms may redirect to (evaluated per response)."""
    _form_action_origins.append(get_url)


def origin_of(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else ""


def content_security_policy():
    sources = ["'self'"]
    candidates = list(getattr(settings, "CSP_FORM_ACTION_EXTRA", []))
    for get_url in _form_action_origins:
        try:
            candidates.append(origin_of(get_url()))
        except Exception:  # noqa: BLE001 - a misconfigured plug-in must not take every page down
            log.warning("form-action origin unavailable", exc_info=True)
    for source in candidates:
        if source and source not in sources:
            sources.append(source)
    return _policy(sources)


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
        response.setdefault("Content-Security-Policy", content_security_policy())
        response.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        return response


class ActorMiddleware:
    """`request.actor`: who acts (core.actor.Actor), made on first use. Place after the service-token middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.functional import SimpleLazyObject

        from .actor import Actor

        request.actor = SimpleLazyObject(lambda: Actor.from_request(request))
        return self.get_response(request)


class RefusalMiddleware:
    """A refused action (PermissionDenied from a policy or a view) is written to the audit log once the
    view's transactions are gone, then answered with 403: the error page, or JSON under /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import JsonResponse

        from .permissions import record_refusal

        if not isinstance(exception, PermissionDenied):
            return None
        actor = getattr(request, "actor", None)
        try:
            record_refusal(exception, actor, request=request)
        except Exception:  # noqa: BLE001 - the refusal itself must still be answered
            log.exception("could not audit a refusal")
        if _is_api(request.path):
            return JsonResponse({"error": "forbidden", "detail": "this action is not allowed for this account or token"}, status=403)
        return None


def _is_api(path):
    return path.startswith("/api/") or path.startswith("/catalog")


FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _form_unreadable(request):
    """Why a posted form cannot be read as text, or "" if it can. Checked before anything parses it: Django
    refuses a urlencoded body in another charset with an exception that the debug page (reading the body
    again) turns into a 500, and a body in Shift_JIS without a charset would be read as mojibake."""
    charset = request.content_params.get("charset")
    if charset:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            return "unknown charset"
        if request.content_type == "application/x-www-form-urlencoded" and codec != "utf-8":
            return "charset not utf-8"
    if request.content_type == "application/x-www-form-urlencoded":
        from django.core.exceptions import RequestDataTooBig

        try:
            text = unquote_to_bytes(request.body.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return "not utf-8"
        except RequestDataTooBig:
            return ""  # Django answers that one itself (400)
        if "\x00" in text:
            return "NUL character"
    return ""


class FormEncodingMiddleware:
    """A form this platform cannot read as UTF-8 (e.g. posted in Shift_JIS), or an address or form holding a NUL
    character, gets the 400 page, with DEBUG on or off, before CSRF or a view reads it; never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            # no text anywhere holds NUL, and PostgreSQL refuses it in every query (a 500 otherwise)
            from .views.pages import bad_request

            log.warning("NUL character in the address refused")
            return bad_request(request)
        if request.method not in {"GET", "HEAD", "OPTIONS"} and request.content_type in FORM_CONTENT_TYPES:
            reason = _form_unreadable(request)
            if reason:
                from django.http import QueryDict
                from django.utils.datastructures import MultiValueDict

                from .views.pages import bad_request

                log.warning("unreadable form refused", extra={"reason": reason, "content_type": request.META.get("CONTENT_TYPE", "")[:100]})
                request._post, request._files = QueryDict(), MultiValueDict()  # nothing parses it again
                return bad_request(request)
        return self.get_response(request)


class IdleSessionMiddleware:
    """Keeps idle expiry without writing the session on every request: a session in use is saved again (and so
    given a new `SESSION_COOKIE_AGE`) at most once per `SESSION_REFRESH_SECONDS`. An unattended kiosk or shared
    PC still signs itself out `SESSION_COOKIE_AGE` after its last request, give or take that interval.

    Sits just after SessionMiddleware, and looks after the view, so a sign-in or sign-out is not undone.
    """

    KEY = "_last_refresh"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or session.is_empty():
            return response
        now = int(time.time())
        try:
            last = int(session.get(self.KEY, 0))
        except (TypeError, ValueError):
            last = 0
        if not session.session_key:  # the cookie named an expired or unknown session: do not start one
            return response
        if session.modified or now - last >= settings.SESSION_REFRESH_SECONDS or last > now:
            session[self.KEY] = now
        return response

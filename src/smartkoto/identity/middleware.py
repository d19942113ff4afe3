"""Guards: the back office (/staff/) is for staff who passed both factors; JSON APIs accept service
account tokens."""

import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


@lru_cache(maxsize=4)
def _patterns(languages):
    # Every configured language prefix (ja, en, and later e.g. zh-hans or pt-br), not just two letters:
    # a page under a prefix the guard did not know would be open to anyone.
    prefixes = "|".join(re.escape(code) for code in sorted(languages, key=len, reverse=True))
    return re.compile(rf"^/(?:(?:{prefixes})/)?staff/"), re.compile(rf"^/(?:(?:{prefixes})/)?staff/sign-in/")


def staff_area_patterns():
    return _patterns(tuple(code for code, _name in settings.LANGUAGES))


class StaffAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff_area, staff_open = staff_area_patterns()
        if staff_area.match(request.path) and not staff_open.match(request.path):
            user = request.user
            if not user.is_authenticated:
                return redirect(reverse("identity:staff_sign_in") + "?next=" + request.get_full_path())
            if user.kind != "staff" or not request.session.get("mfa_verified"):
                # Raised before any view runs, so RefusalMiddleware does not see it: audit it here.
                from smartkoto.core.permissions import record_refusal

                refusal = PermissionDenied("identity.staff_area")
                record_refusal(refusal, request=request)
                raise refusal
        return self.get_response(request)


class ServiceTokenMiddleware:
    """`Authorization: Bearer skt_…` identifies a service account (request.service_account)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.service_account = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer skt_"):
            from .queries import service_account_for_token

            request.service_account = service_account_for_token(header[7:].strip())
        return self.get_response(request)


def require_scope(scope):
    """Decorator for JSON API views that service accounts call."""

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            account = getattr(request, "service_account", None)
            if account is None or not account.has_scope(scope):
                from django.http import JsonResponse

                return JsonResponse({"error": "forbidden", "detail": f"a service token with scope '{scope}' is required"}, status=403)
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator

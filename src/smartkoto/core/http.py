"""HTTP helpers shared by every app.

`private_page` marks a view whose response carries personal data (a resident's profile, applications,
payments, receipts; a staff case page): browsers and shared caches must not keep it, and a cache that
keys on URL alone must not hand it to the next visitor. Every such view uses this one decorator::

    from smartkoto.core.http import private_page

    @private_page
    def my_payments(request): ...

    urlpatterns = [path("x/", private_page(SomeView.as_view()))]   # class-based views: wrap as_view()

It sets ``Cache-Control: private, no-store`` (replacing whatever the view set) and adds ``Cookie`` to
``Vary`` on every response the view returns, redirects and form errors included (an exception turned
into a 403/404 page by Django carries no personal data and is left alone).
"""

import re
from datetime import date
from functools import wraps
from inspect import iscoroutinefunction, isclass

from django.utils.cache import patch_vary_headers

PRIVATE_CACHE_CONTROL = "private, no-store"


def mark_private(response):
    """Make one response uncacheable personal data (for code that builds responses outside a view)."""
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    if "Expires" in response:
        del response["Expires"]
    patch_vary_headers(response, ("Cookie",))
    return response


def private_page(view):
    """Decorator: the view's responses are personal data (``Cache-Control: private, no-store``, ``Vary: Cookie``)."""
    if isclass(view):  # a class-based view: decorate its dispatch
        original = view.dispatch

        @wraps(original)
        def dispatch(self, request, *args, **kwargs):
            return mark_private(original(self, request, *args, **kwargs))

        view.dispatch = dispatch
        view.private_page = True
        return view

    if iscoroutinefunction(view):
        @wraps(view)
        async def async_wrapper(request, *args, **kwargs):
            return mark_private(await view(request, *args, **kwargs))

        async_wrapper.private_page = True
        return async_wrapper

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_private(view(request, *args, **kwargs))

    wrapper.private_page = True
    return wrapper


# -- parameters and errors at the edge (one way for every app's API) -------------------------------------
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value):
    """A date written exactly YYYY-MM-DD, or None for anything else (full-width digits, week dates, 99999-…)."""
    if not isinstance(value, str) or not DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def single(query, name):
    """The one value of `name` in a QueryDict, "" when absent; None when it was given more than once."""
    values = query.getlist(name)
    if len(values) > 1:
        return None
    return values[0] if values else ""


def problem(status, detail, errors=None, *, title=None, type="about:blank", **extra):
    """JSON problem details (RFC 9457) for the platform's own APIs: {"type", "title", "status", "detail",
    "errors": {parameter: [messages]}} (+ `extra` members an API documents)."""
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    if title is None:
        title = _("The request has invalid parameters.") if status == 400 else str(detail)
    body = {"type": type, "title": str(title), "status": status, "detail": str(detail), "errors": errors or {}, **extra}
    return JsonResponse(body, status=status, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False})

"""Parameters checked at the edge (issue 11): dates written YYYY-MM-DD inside a stated window, each parameter
given once; JSON problem details on the API; personal pages never cached.

`private_page` stands in for `smartkoto.core.http.private_page` until that lands on main.
"""

import re
from datetime import date, timedelta
from functools import wraps

from django.http import JsonResponse
from django.utils.translation import gettext as _

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HISTORY = timedelta(days=3653)
"""Figures and the congestion history reach ten years back, up to today."""
MAX_SPAN_DAYS = 366


def history_window(today):
    return today - HISTORY, today


def parse_day(value):
    """A date written YYYY-MM-DD, or None for anything else."""
    if not isinstance(value, str) or not DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def once(query, name):
    """The one value of `name` in a QueryDict, "" when absent; None when it was given more than once."""
    values = query.getlist(name)
    if len(values) > 1:
        return None
    return values[0] if values else ""


def problem(status, detail, errors=None):
    """JSON problem details (RFC 9457): {"type", "title", "status", "detail", "errors": {parameter: [messages]}}."""
    return JsonResponse({"type": "about:blank", "title": _("The request has invalid parameters."), "status": status,
                         "detail": detail, "errors": errors or {}},
                        status=status, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False})


def private_page(view):
    """Pages with personal data: `Cache-Control: private, no-store`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped

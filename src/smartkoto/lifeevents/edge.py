"""Personal pages never cached (issue 11). `private_page` stands in for `smartkoto.core.http.private_page`
until that lands on main."""

from functools import wraps


def private_page(view):
    """Pages with personal data: `Cache-Control: private, no-store`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped

"""`private_page`: pages with personal data (a payer's payments, receipts, staff payment pages) must not be kept
by shared caches or the browser's back/forward cache: `Cache-Control: private, no-store`.

A local helper until `smartkoto.core.http.private_page` (issue 11, prodguard) is on main; then import that one."""

from functools import wraps

from django.utils.cache import add_never_cache_headers


def private_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # Expires + max-age=0 for old caches
        response["Cache-Control"] = "private, no-store"
        return response
    return wrapper

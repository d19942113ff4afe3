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

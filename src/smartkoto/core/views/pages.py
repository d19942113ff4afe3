"""Day-one public pages: home, accessibility statement, privacy policy, error pages."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def home(request):
    return render(request, "core/home.html")


def accessibility(request):
    return render(request, "core/accessibility.html", {"breadcrumbs": [{"label": _("Home"), "url": "/"}, {"label": _("Accessibility statement")}]})


def privacy(request):
    return render(request, "core/privacy.html", {"breadcrumbs": [{"label": _("Home"), "url": "/"}, {"label": _("Privacy policy")}]})


def not_found(request, exception=None):
    return render(request, "core/error.html", {"title": _("Page not found"), "message": _("The address may be wrong, or the page may have moved.")}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"title": _("You cannot open this page"), "message": _("This page is not available with the account you are signed in with.")}, status=403)


def bad_request(request, exception=None):
    """400: a request the platform cannot read (e.g. a form in Shift_JIS). JSON problem details under /api/."""
    title, message = _("The form could not be read"), _("Send it again from this service's own page. Forms must be sent in UTF-8.")
    from django.http import JsonResponse

    if request.path.startswith("/api/3/action/"):  # CKAN clients read CKAN's error envelope
        return JsonResponse({"help": "", "success": False, "error": {"__type": "Bad request", "message": f"Bad request - {message}"}},
                            status=400)
    if request.path.startswith("/api/") or request.path.startswith("/catalog"):
        from ..http import problem

        return problem(400, message, title=title)
    return render(request, "core/error.html", {"title": title, "message": message}, status=400)


def server_error(request):
    return render(request, "core/error.html", {"title": _("Sorry, there is a problem with the service"), "message": _("Please try again later. What you entered has been kept where the service could save it.")}, status=500)

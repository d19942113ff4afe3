"""Resident sign-in (My Number card through OIDC, or an email link), the resident's page, sign-out."""

import logging

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import qr
from smartkoto.core.http import private_page

from .. import services
from ..forms import ContactForm, EmailSignInForm
from ..providers import registry
from ..providers.base import SignInRefused

log = logging.getLogger(__name__)
NEXT_KEY = "sign_in_next"


def _callback_uri(request):
    with translation.override("ja"):  # one registered redirect URI, whatever the page language
        return settings.BASE_URL + reverse("identity:oidc_callback")


def _log_in(request, user):
    """The one HTTP step of a sign-in: the service proved who it is, the session now says so."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


def _safe_next(request, candidate):
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return None


def sign_in(request):
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if next_url:
        request.session[NEXT_KEY] = next_url
    form = EmailSignInForm(request.POST or None) if request.method == "POST" else EmailSignInForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.send_email_sign_in_link(
                form.cleaned_data["email"], lambda token: settings.BASE_URL + reverse("identity:email_link", args=[token]),
                actor=request.actor,
            )
        except services.TooManyLinks:
            form.add_error("email", _("Too many sign-in links were asked for. Wait an hour, or sign in with your My Number card."))
        else:
            return render(request, "identity/email_link_sent.html", {"email": form.cleaned_data["email"]})
    provider = registry.get()
    return render(request, "identity/sign_in.html", {
        "form": form, "provider": provider,
        "breadcrumbs": [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("Sign in")}],
    })


@require_POST
def sign_in_start(request):
    provider = registry.get()
    try:
        url = provider.authorization_url(request, _callback_uri(request))
    except SignInRefused as refusal:
        return _refused(request, refusal)
    language = translation.get_language() or "ja"
    return redirect(url + f"&ui_locales={language}")


def oidc_callback(request):
    provider = registry.get()
    try:
        identity = provider.complete(request, _callback_uri(request))
    except SignInRefused as refusal:
        return _refused(request, refusal)
    _log_in(request, services.sign_in_resident(identity, actor=request.actor))
    next_url = request.session.pop(NEXT_KEY, None)
    return redirect(next_url or reverse("identity:profile"))


def _refused(request, refusal):
    log.warning("sign-in refused", extra={"reason": refusal.reason})
    services.record_sign_in_refused(refusal.reason, actor=request.actor)
    return render(request, "identity/sign_in_refused.html", {"message": refusal.message or _("Sign-in failed.")}, status=400)


def email_link(request, token):
    if request.method == "POST":
        user = services.complete_email_sign_in(token, actor=request.actor)
        if user is None:
            return render(request, "identity/sign_in_refused.html", {"message": _("This sign-in link has expired or has already been used. Ask for a new one.")}, status=400)
        _log_in(request, user)
        return redirect(request.session.pop(NEXT_KEY, None) or reverse("identity:profile"))
    # A GET only shows a button: mail scanners that prefetch links must not use up the link.
    return render(request, "identity/email_link_confirm.html", {"token": token})


@private_page
@login_required
def profile(request):
    if not request.actor.is_resident:
        raise PermissionDenied
    profile = request.actor.profile
    initial = {"email": profile.email, "phone": profile.phone, "preferred_language": profile.preferred_language}
    form = ContactForm(request.POST or None, initial=initial) if request.method == "POST" else ContactForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_contact(actor=request.actor, **form.cleaned_data)
        from django.contrib import messages

        messages.success(request, _("Your contact details have been saved."))
        return redirect("identity:profile")
    return render(request, "identity/profile.html", {
        "profile": profile, "form": form,
        "breadcrumbs": [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("My page")}],
    })


@require_POST
def sign_out(request):
    was_staff = request.actor.is_staff
    services.record_sign_out(actor=request.actor)
    logout(request)
    return redirect("identity:staff_sign_in" if was_staff else "core:home")


def qr_svg(data):
    return qr.svg(data)

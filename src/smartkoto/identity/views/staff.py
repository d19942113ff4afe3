"""Staff sign-in: staff ID and password, then a TOTP code (enrolling the authenticator on first use)."""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartkoto.core.http import private_page

from .. import services
from ..forms import StaffCodeForm, StaffPasswordForm
from ..queries import staff_member_by_id
from .public import qr_svg

PENDING_KEY = "staff_pending_user"


def _locked_message(locked):
    return ngettext(
        "Too many failed attempts. Wait %(minutes)d minute and try again, or ask a DX administrator.",
        "Too many failed attempts. Wait %(minutes)d minutes and try again, or ask a DX administrator.",
        locked.minutes,
    ) % {"minutes": locked.minutes}


def staff_sign_in(request):
    form = StaffPasswordForm(request.POST or None) if request.method == "POST" else StaffPasswordForm()
    if request.GET.get("next") and url_has_allowed_host_and_scheme(request.GET["next"], {request.get_host()}):
        request.session["staff_next"] = request.GET["next"]
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            user = services.check_staff_password(username, form.cleaned_data["password"], actor=request.actor)
        except services.StaffSignInLocked as locked:
            form.add_error(None, _locked_message(locked))
        else:
            if user is None:
                form.add_error(None, _("The staff ID or password is wrong."))
            else:
                request.session.cycle_key()
                request.session[PENDING_KEY] = user.pk
                return redirect("identity:staff_code")
    return render(request, "identity/staff_sign_in.html", {"form": form})


@private_page
def staff_code(request):
    user_id = request.session.get(PENDING_KEY)
    user = staff_member_by_id(user_id) if user_id else None
    if user is None:
        return redirect("identity:staff_sign_in")
    device = services.ensure_totp_device(user, actor=request.actor)
    enrolling = device.confirmed_at is None
    form = StaffCodeForm(request.POST or None) if request.method == "POST" else StaffCodeForm()
    if request.method == "POST" and form.is_valid():
        try:
            accepted = services.verify_staff_code(user, form.cleaned_data["code"], actor=request.actor)
        except services.StaffSignInLocked as locked:
            form.add_error(None, _locked_message(locked))
        else:
            if accepted:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                request.session["mfa_verified"] = True  # both factors passed: the back office opens (StaffAreaMiddleware)
                next_url = request.session.pop("staff_next", None)
                return redirect(next_url or "core_staff:home")
            form.add_error("code", _("The code is wrong or has already been used. Wait for a new code and try again."))
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        uri = services.provisioning_uri(user, device)
        context.update({"qr": qr_svg(uri), "secret": device.secret})
    return render(request, "identity/staff_code.html", context)

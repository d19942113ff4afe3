"""Residents' pages: pay a slip, the status of a payment (resume, retry), my payments, receipts."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkoto.core.i18n import tr

from .. import queries, receipts, services, slips
from ..forms import PayForm, SlipLookupForm
from ..models import Payment, PaymentSlip
from ..providers.base import ProviderError
from ..workflow import Status

GUEST_KEY = "payments_guest"
SLIP_KEY = "payments_slips"


def _crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")}, *extra]


def _remember(request, key, value):
    values = request.session.get(key, [])
    if value not in values:
        request.session[key] = (values + [value])[-20:]


def _payment_for(request, public_id):
    payment = get_object_or_404(Payment, public_id=public_id)
    user = request.user
    if payment.payer_id:
        if not user.is_authenticated or user.pk != payment.payer_id:
            raise Http404
    elif public_id not in request.session.get(GUEST_KEY, []):
        raise Http404
    return payment


def _payer(request):
    user = request.user
    return user if user.is_authenticated and user.kind == "resident" else None


@require_http_methods(["GET", "POST"])
def slip_lookup(request):
    form = SlipLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        slip = slips.find(form.cleaned_data["number"], form.cleaned_data["check_code"])
        if slip is None:
            form.add_error(None, _("No payment slip matches these numbers. Check both numbers on your slip."))
        else:
            _remember(request, SLIP_KEY, slip.number)
            return redirect("payments:slip", number=slip.number)
    return render(request, "payments/slip_lookup.html", {
        "form": form, "breadcrumbs": _crumbs({"label": _("Pay a payment slip")})})


@require_http_methods(["GET", "POST"])
def slip(request, number):
    if number not in request.session.get(SLIP_KEY, []):
        return redirect("payments:slip_lookup")
    slip = get_object_or_404(PaymentSlip, number=number)
    payer = _payer(request)
    open_payment = queries.open_payment_for_reference(slip.number, payer)
    if open_payment is not None and not (open_payment.payer_id or open_payment.public_id in request.session.get(GUEST_KEY, [])):
        open_payment = None
    if request.method == "POST":
        form = PayForm(request.POST)
        if slip.state != PaymentSlip.State.ISSUED or queries.is_paid(slip.number):
            return redirect("payments:slip", number=number)
        if form.is_valid():
            payment = slips.pay(slip, payer=payer, idempotency_key=f"slip-{slip.pk}-{form.cleaned_data['idempotency_key']}")
            if payment.payer_id is None:
                _remember(request, GUEST_KEY, payment.public_id)
            return redirect(services.checkout_url(payment))
    form = PayForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "payments/slip.html", {
        "slip": slip, "form": form, "open_payment": open_payment, "paid": queries.is_paid(slip.number),
        "breadcrumbs": _crumbs({"label": _("Pay a payment slip"), "url": reverse("payments:slip_lookup")}, {"label": slip.number})})


@require_http_methods(["GET", "POST"])
def checkout(request, public_id):
    payment = _payment_for(request, public_id)
    try:
        url = services.start(payment, request)
    except services.PaymentError:
        return redirect("payments:detail", public_id=public_id)
    except ProviderError:
        return render(request, "payments/provider_unavailable.html", {"payment": payment}, status=503)
    return redirect(url)


def returned(request, public_id):
    """The provider sends the resident back here; ask it how things stand, then show the payment."""
    payment = _payment_for(request, public_id)
    try:
        services.poll(payment)
    except ProviderError:
        pass  # the webhook or the sweep will tell us; the page says we are still checking
    return redirect("payments:detail", public_id=public_id)


def detail(request, public_id):
    payment = _payment_for(request, public_id)
    if request.method == "POST" and payment.status in Status.OPEN:
        try:
            services.poll(payment)
        except ProviderError:
            pass
        return redirect("payments:detail", public_id=public_id)
    return render(request, "payments/detail.html", {
        "payment": payment, "resumable": payment.status in Status.RESUMABLE,
        "breadcrumbs": _crumbs({"label": _("My payments"), "url": reverse("payments:mine")} if payment.payer_id else {"label": _("Pay a payment slip"), "url": reverse("payments:slip_lookup")},
                               {"label": tr(payment.description)})})


def receipt(request, public_id):
    payment = _payment_for(request, public_id)
    if payment.status not in Status.PAID:
        raise Http404
    payer_name = ""
    if payment.payer_id and hasattr(payment.payer, "profile"):
        payer_name = payment.payer.profile.full_name
    response = HttpResponse(receipts.build_pdf(payment, payer_name), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{receipts.receipt_number(payment)}.pdf"'
    return response


@login_required
def mine(request):
    if request.user.kind != "resident":
        raise PermissionDenied
    payments = list(queries.payments_of(request.user)[:100])
    for payment in payments:
        if payment.status in Status.OPEN and payment.provider_ref:
            try:
                services.poll(payment)
                payment.refresh_from_db()
            except ProviderError:
                pass
    return render(request, "payments/mine.html", {
        "payments": payments, "open_statuses": Status.RESUMABLE, "paid_statuses": Status.PAID,
        "breadcrumbs": _crumbs({"label": _("My payments")})})

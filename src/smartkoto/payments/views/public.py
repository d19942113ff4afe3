"""Residents' pages: pay a slip, the status of a payment (resume, retry), my payments, receipts.

Whose payment it is is the payments policy's question (the payer, or the guest session that `core.guest`
says owns it); another person's payment is refused (403, audited)."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartkoto.core.downloads import download
from smartkoto.core.i18n import tr
from smartkoto.core.permissions import Forbidden

from .. import queries, receipts, services, slips
from ..forms import PayForm, SlipLookupForm
from ..models import PaymentSlip
from ..providers.base import ProviderError
from ..workflow import Status


def _crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")}, *extra]


def _own(request, public_id):
    payment = queries.own_payment(public_id, actor=request.actor)
    if payment is None:
        raise Http404
    return payment


@require_http_methods(["GET", "POST"])
def slip_lookup(request):
    form = SlipLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        slip = slips.find(form.cleaned_data["number"], form.cleaned_data["check_code"])
        if slip is None:
            form.add_error(None, _("No payment slip matches these numbers. Check both numbers on your slip."))
        else:
            slips.remember(slip, actor=request.actor)
            return redirect("payments:slip", number=slip.number)
    return render(request, "payments/slip_lookup.html", {
        "form": form, "breadcrumbs": _crumbs({"label": _("Pay a payment slip")})})


@require_http_methods(["GET", "POST"])
def slip(request, number):
    actor = request.actor
    slip = slips.found_by(number, actor=actor)
    if slip is None:
        return redirect("payments:slip_lookup")
    payer = actor.user if actor.is_resident else None
    open_payment = queries.open_payment_for_reference(slip.number, payer, actor=actor)
    form = PayForm(request.POST or None, initial={"idempotency_key": hashlib.sha256(slips.payment_key(slip).encode()).hexdigest()[:32]})
    if request.method == "POST":
        if slip.state != PaymentSlip.State.ISSUED or queries.is_paid(slip.number, actor=actor):
            return redirect("payments:slip", number=number)
        if form.is_valid():  # the posted key is not used: the slip's one key is derived on the server
            try:
                payment = slips.pay(slip, actor=actor)
            except slips.SlipRefused as refused:
                if str(refused) != "busy":
                    return redirect("payments:slip", number=number)
                form.add_error(None, _("Someone else has started paying this slip and has not finished. Try again after %(minutes)s minutes.")
                               % {"minutes": int(services.PAYMENT_LIFETIME.total_seconds() // 60)})
            else:
                return redirect(queries.checkout_url(payment, actor=actor))
    return render(request, "payments/slip.html", {
        "slip": slip, "form": form, "open_payment": open_payment, "paid": queries.is_paid(slip.number, actor=actor),
        "breadcrumbs": _crumbs({"label": _("Pay a payment slip"), "url": reverse("payments:slip_lookup")}, {"label": slip.number})})


@require_http_methods(["GET", "POST"])
def checkout(request, public_id):
    payment = _own(request, public_id)
    try:
        url = services.start(payment, actor=request.actor)
    except services.PaymentError:
        return redirect("payments:detail", public_id=public_id)
    except ProviderError:
        return render(request, "payments/provider_unavailable.html", {"payment": payment}, status=503)
    return redirect(url)


@require_http_methods(["GET", "POST"])
def checkout_link(request, public_id, token):
    """A payment link (services.checkout_link, e.g. the `checkout_url` of an API-made payment): this browser
    may now pay the payment, then it is handed over like any other."""
    if services.open_by_link(public_id, token, actor=request.actor) is None:
        raise Http404
    return checkout(request, public_id)


def returned(request, public_id):
    """The provider sends the resident back here; ask it how things stand, then show the payment."""
    payment = _own(request, public_id)
    try:
        services.poll(payment, actor=request.actor)
    except ProviderError:
        pass  # the webhook or the sweep will tell us; the page says we are still checking
    return redirect("payments:detail", public_id=public_id)


def detail(request, public_id):
    payment = _own(request, public_id)
    if request.method == "POST" and payment.status in Status.OPEN:
        try:
            services.poll(payment, actor=request.actor)
        except ProviderError:
            pass
        return redirect("payments:detail", public_id=public_id)
    return render(request, "payments/detail.html", {
        "payment": payment, "resumable": payment.status in Status.RESUMABLE,
        "breadcrumbs": _crumbs({"label": _("My payments"), "url": reverse("payments:mine")} if payment.payer_id else {"label": _("Pay a payment slip"), "url": reverse("payments:slip_lookup")},
                               {"label": tr(payment.description)})})


def receipt(request, public_id):
    payment = _own(request, public_id)
    if payment.status not in Status.PAID:
        raise Http404
    payer_name = ""
    if payment.payer_id and hasattr(payment.payer, "profile"):
        payer_name = payment.payer.profile.full_name
    return download(receipts.build_pdf(payment, payer_name), f"receipt-{receipts.receipt_number(payment)}.pdf", "application/pdf")


LIST_POLLS = 3


@login_required
def mine(request):
    actor = request.actor
    if not actor.is_resident:
        raise Forbidden("payments.payment.mine", actor=actor)
    payments = list(queries.payments_of(actor.user, actor=actor)[:100])
    # Ask the provider about the newest few open payments only (the ones the resident may just have paid):
    # older ones are settled by the stuck-payment sweep (tasks.py), so the page costs the same with 3 or 100.
    open_payments = [payment for payment in payments if payment.status in Status.OPEN and payment.provider_ref]
    for payment in open_payments[:LIST_POLLS]:
        try:
            services.poll(payment, actor=actor)
            payment.refresh_from_db()
        except ProviderError:
            pass
    return render(request, "payments/mine.html", {
        "payments": payments, "open_statuses": Status.RESUMABLE, "paid_statuses": Status.PAID,
        "breadcrumbs": _crumbs({"label": _("My payments")})})

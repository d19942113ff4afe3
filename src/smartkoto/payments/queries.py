"""Reads other apps may use. Never import payments.models from another app: ask here."""

from django.db.models import Sum

from .models import Payment
from .workflow import Status


def payments_for_reference(reference):
    """Every payment made for `reference` (the caller's id, e.g. an application number), newest first."""
    return list(Payment.objects.filter(reference=reference).order_by("-created_at"))


def is_paid(reference) -> bool:
    """True once a payment for `reference` has been captured (even if later refunded in part)."""
    return Payment.objects.filter(reference=reference, status__in=[Status.SUCCEEDED, Status.PARTIALLY_REFUNDED]).exists()


def paid_amount(reference) -> int:
    """Yen captured for `reference` less yen refunded."""
    totals = Payment.objects.filter(reference=reference, status__in=Status.PAID).aggregate(
        captured=Sum("captured_yen"), refunded=Sum("refunded_yen"))
    return (totals["captured"] or 0) - (totals["refunded"] or 0)


def open_payment_for_reference(reference, payer=None):
    """The unfinished payment a resident can resume for `reference`, if any."""
    qs = Payment.objects.filter(reference=reference, status__in=Status.RESUMABLE)
    if payer is not None:
        qs = qs.filter(payer=payer)
    return qs.order_by("-created_at").first()


def payments_of(user):
    return Payment.objects.filter(payer=user).order_by("-created_at")

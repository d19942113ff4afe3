"""Reads other apps and our views use. Never import payments.models from another app: ask here.

Every query takes the acting `actor=`; what it returns is limited to what the actor may read
(permissions.py): staff their departments' payments, auditors and the accounting office all, a
department-scoped service token only its department's, a resident their own, a guest its session's.
"""

from django.db.models import Q, Sum
from django.urls import reverse

from smartkoto.core import guest
from smartkoto.core.i18n import tr

from .models import Fee, Payment, PaymentSlip, ReconciliationRun, Refund
from .permissions import GUEST_KIND, policy, read_department_codes
from .workflow import Status


# --- payments ----------------------------------------------------------------------------------------
def visible_payments(*, actor):
    """The payments `actor` may read, as a queryset (staff lists, API lists, other apps' reads)."""
    if actor.is_resident:
        return Payment.objects.filter(Q(payer=actor.user) | Q(payer__isnull=True, public_id__in=guest.owned(actor, GUEST_KIND)))
    if actor.is_anonymous:
        return Payment.objects.filter(payer__isnull=True, public_id__in=guest.owned(actor, GUEST_KIND))
    codes = read_department_codes(actor)
    if codes is None:
        return Payment.objects.all()
    return Payment.objects.filter(department_code__in=codes)


def payment(public_id, *, actor):
    """One payment by its public id for staff or a service (403 when not theirs); None when there is none."""
    found = Payment.objects.filter(public_id=public_id).first()
    if found is not None:
        policy.check(actor, "payment.view", found)
    return found


def staff_payment(pk, *, actor):
    found = Payment.objects.filter(pk=pk).first()
    if found is not None:
        policy.check(actor, "payment.view", found)
    return found


def own_payment(public_id, *, actor):
    """The payer's (or the guest's) own payment; Forbidden when it is someone else's, None when there is none."""
    found = Payment.objects.filter(public_id=public_id).first()
    if found is not None:
        policy.check(actor, "payment.own", found)
    return found


def search_payments(*, actor, status="", q=""):
    policy.check(actor, "payment.list")
    found = visible_payments(actor=actor).order_by("-created_at")
    if status in Status.values:
        found = found.filter(status=status)
    if q:
        found = found.filter(Q(reference__icontains=q) | Q(public_id=q) | Q(provider_ref=q))
    return found


def payments_for_reference(reference, *, actor):
    """Every payment made for `reference` (the caller's id, e.g. an application number) that `actor` may read,
    newest first."""
    return list(visible_payments(actor=actor).filter(reference=reference).order_by("-created_at"))


def is_paid(reference, *, actor) -> bool:
    """True once a payment for `reference` has been captured (even if later refunded in part)."""
    return visible_payments(actor=actor).filter(reference=reference, status__in=[Status.SUCCEEDED, Status.PARTIALLY_REFUNDED]).exists()


def paid_amount(reference, *, actor) -> int:
    """Yen captured for `reference` less yen refunded."""
    totals = visible_payments(actor=actor).filter(reference=reference, status__in=Status.PAID).aggregate(
        captured=Sum("captured_yen"), refunded=Sum("refunded_yen"))
    return (totals["captured"] or 0) - (totals["refunded"] or 0)


def open_payment_for_reference(reference, payer=None, *, actor):
    """The unfinished payment a resident can resume for `reference`, if any."""
    qs = visible_payments(actor=actor).filter(reference=reference, status__in=Status.RESUMABLE)
    if payer is not None:
        qs = qs.filter(payer=payer)
    return qs.order_by("-created_at").first()


def payments_of(user, *, actor):
    """A resident's own payments ("My payments")."""
    return visible_payments(actor=actor).filter(payer=user).order_by("-created_at")


def checkout_url(payment, *, actor):
    """Where to send the payer to pay (our page, which hands over to the provider's page). Only a URL: the
    page itself checks who may open it."""
    return reverse("payments:checkout", args=[payment.public_id])


# --- refunds, slips, ledger ----------------------------------------------------------------------------
def refunds(*, actor):
    """(waiting, recent) refunds of the payments `actor` may read."""
    policy.check(actor, "refund.list")
    visible = visible_payments(actor=actor)
    waiting = Refund.objects.filter(state=Refund.State.REQUESTED, payment__in=visible).select_related("payment", "requested_by")
    recent = (Refund.objects.exclude(state=Refund.State.REQUESTED).filter(payment__in=visible)
              .select_related("payment", "requested_by", "decided_by")[:50])
    return waiting, recent


def pending_refund_count(*, actor):
    return Refund.objects.filter(state=Refund.State.REQUESTED, payment__in=visible_payments(actor=actor)).count()


def refund_for_decision(pk, *, actor):
    found = Refund.objects.select_related("payment").filter(pk=pk).first()
    if found is not None:
        policy.check(actor, "payment.view", found.payment)
    return found


def slips(*, actor):
    policy.check(actor, "slip.list")
    codes = read_department_codes(actor)
    return PaymentSlip.objects.all() if codes is None else PaymentSlip.objects.filter(department_code__in=codes)


def reconciliation_runs(*, actor):
    policy.check(actor, "ledger.view")
    return ReconciliationRun.objects.all()


def reconciliation_run(pk, *, actor):
    policy.check(actor, "ledger.view")
    return ReconciliationRun.objects.filter(pk=pk).first()


# --- fees -------------------------------------------------------------------------------------------------
def fees(*, actor, active=True):
    """The fee table (public data: the amounts residents pay, so anyone may read it)."""
    found = Fee.objects.all()
    return found.filter(active=True) if active else found


def fee(code, *, actor):
    """The fee `code` as plain values, or None: {"code", "department", "name", "unit_yen", "unit"}."""
    found = Fee.objects.filter(code=code).first()
    return _fee_values(found) if found is not None else None


def _fee_values(found):
    return {"code": found.code, "department": found.department_code, "name": found.name, "unit_yen": found.amount_yen,
            "unit": found.unit, "active": found.active}


def fee_name(code, language=None, *, actor):
    found = Fee.objects.filter(code=code).first()
    return tr(found.name, language) if found is not None else code


def fee_for_staff(pk, *, actor):
    policy.check(actor, "fee.list")
    return Fee.objects.filter(pk=pk).first()


def fee_table(*, actor):
    policy.check(actor, "fee.list")
    return Fee.objects.all()

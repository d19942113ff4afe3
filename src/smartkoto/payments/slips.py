"""Payment slips (納付書): the ward's own small use of the payments contract.

Staff issue a slip for a fee; the resident pays it online with 納付番号 (16 digits) + 確認番号 (6 digits).
It calls `services.request_payment` and listens to `signals.payment_succeeded` exactly as online
applications will, with the slip number as the reference.
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from smartkoto.core import audit, guest
from smartkoto.core.i18n import both
from smartkoto.municipality import queries as municipality

from . import services, signals
from .models import Fee, Payment, PaymentSlip
from .permissions import policy
from .workflow import PAYMENT_SIGNAL, SLIP, SlipState, Status

GUEST_KIND = "payment_slips"

MAX_FAILED_LOOKUPS = 10


def _luhn_digit(digits):
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def new_number():
    """The municipality's code (its first 5 digits) + 10 random digits + a check digit: 16 digits."""
    prefix = (municipality.profile()["code"] or "")[:5].ljust(5, "0")
    body = prefix + "".join(secrets.choice("0123456789") for _ in range(10))
    return body + _luhn_digit(body)


def valid_number(number):
    return len(number) == 16 and number.isdigit() and _luhn_digit(number[:-1]) == number[-1]


class SlipRefused(services.PaymentError):
    pass


def issue(fee_code, quantity, *, actor, number=None, check_code=None):
    """Staff of the fee's department (or the accounting office) issue a slip; the amount comes from the fee table."""
    fee = Fee.objects.filter(code=fee_code, active=True).first()
    if fee is None:
        raise SlipRefused("unknown fee")
    policy.check(actor, "slip.issue", fee)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 50:
        raise SlipRefused("quantity")
    amount = fee.amount_yen * quantity
    description = both(f"{fee.name.get('ja', '')} {quantity}{fee.unit.get('ja', '')}", f"{fee.name.get('en', '')} × {quantity}")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                slip, created = PaymentSlip.objects.get_or_create(
                    number=number or new_number(),
                    defaults={"check_code": check_code or f"{secrets.randbelow(10**6):06d}", "fee_code": fee_code,
                              "department_code": fee.department_code, "description": description, "quantity": quantity,
                              "amount_yen": amount, "issued_by": actor.user, "due_on": timezone.localdate() + timedelta(days=30)})
                if created:
                    audit.record("payments.slip_issued", actor=actor, target=slip,
                                 department_code=slip.department_code, detail={"fee_code": fee_code, "amount_yen": amount})
                return slip
        except IntegrityError:
            number = None
    raise RuntimeError("could not allocate a slip number")


def find(number, check_code):
    """The slip for these numbers, or None. Wrong confirmation numbers are counted; a slip locks after 10."""
    number = "".join(ch for ch in number if ch.isdigit())
    check_code = "".join(ch for ch in check_code if ch.isdigit())
    slip = PaymentSlip.objects.filter(number=number).first()
    if slip is None:
        return None
    if slip.failed_attempts >= MAX_FAILED_LOOKUPS:
        return None
    if not secrets.compare_digest(slip.check_code, check_code):
        PaymentSlip.objects.filter(pk=slip.pk).update(failed_attempts=F("failed_attempts") + 1)
        return None
    return slip


def remember(slip, *, actor):
    """This browser found the slip with both numbers: it may open the slip's page."""
    guest.claim(actor, GUEST_KIND, slip.number)


def found_by(number, *, actor):
    """The slip `number` if this browser found it with both numbers, else None."""
    if not guest.owns(actor, GUEST_KIND, number):
        return None
    return PaymentSlip.objects.filter(number=number).first()


def payment_key(slip, *, attempt=None):
    """The one idempotency key of a slip's payment, derived on the server: the slip, its amount and how many of
    its payments were closed without money (expired, cancelled). Every tab, click and browser that opens the
    slip derives the same key, so they all resume one payment; a new attempt after an expired or cancelled one
    gets a new key."""
    if attempt is None:
        attempt = _payments_of(slip).filter(status__in=[Status.EXPIRED, Status.CANCELLED]).count()
    return f"slip-{slip.pk}-{slip.amount_yen}-{attempt}"


def _payments_of(slip):
    return Payment.objects.filter(reference=slip.number, idempotency_key__startswith=f"slip-{slip.pk}-")


def pay(slip, *, actor):
    """The one payment of the slip: the open one (any tab, any browser that found the slip with both numbers),
    or a new one under the slip's derived key. The amount comes from the slip, never from the browser. The
    signed-in resident pays as themself, anyone else as a guest; a payment another person started and has not
    finished is theirs (SlipRefused("busy")), never a second one."""
    if slip.state != SlipState.ISSUED:
        raise SlipRefused("paid")
    payer = actor.user if actor.is_resident else None
    for _round in range(2):
        existing = _payments_of(slip).filter(status__in=Status.OPEN).order_by("-created_at").first()
        if existing is None:
            existing = _payments_of(slip).filter(status__in=Status.PAID).first()
            if existing is not None:
                raise SlipRefused("paid")
        if existing is not None:
            if existing.payer_id is None:
                services.allow_guest(existing, actor=actor)  # the browser proved both numbers (found_by)
                return existing
            if payer is not None and existing.payer_id == payer.pk:
                return existing
            raise SlipRefused("busy")
        try:
            return services.request_payment(
                actor=actor, payer=payer, reference=slip.number, amount_yen=slip.amount_yen, description=slip.description,
                fee_code=slip.fee_code, department_code=slip.department_code,
                return_url="/payments/slip/", idempotency_key=payment_key(slip))
        except services.IdempotencyConflict:
            continue  # another browser created it a moment ago with another payer: look again
    raise SlipRefused("busy")


@receiver(signals.payment_succeeded, sender=Payment)
def _mark_slip_paid(sender, payment, reference, **kwargs):
    with transaction.atomic():
        slip = PaymentSlip.objects.select_for_update().filter(number=reference).first()
        if slip is not None and SLIP.allowed(slip.state, SlipState.PAID, PAYMENT_SIGNAL):
            SLIP.apply(slip, SlipState.PAID, by=PAYMENT_SIGNAL)
            slip.save(update_fields=["state"])

"""What can happen to a payment. Each write runs in a transaction and is audited; each public function takes
the acting `actor=` (core.actor.Actor) and checks the payments policy (permissions.py) before it changes anything.

Outcome statuses change in exactly one place, `apply_snapshot`, fed only by a verified webhook or a
poll of the provider (including the provider's direct answer to a call we made), through `workflow.PAYMENT`.
Provider calls are made outside our transactions, each with an idempotency key, so a retry never charges
or refunds twice.
"""

import hashlib
import json
import logging
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from smartkoto.core import audit, guest
from smartkoto.core.i18n import tr

from . import signals
from .models import Fee, FeeChange, IdempotencyRecord, LedgerEntry, Payment, PaymentEvent, PendingSignal, Refund, WebhookReceipt
from .permissions import GUEST_KIND, policy
from .providers import registry
from .providers.base import ProviderError, WebhookRefused
from .workflow import PAYMENT, PROVIDER, RANK, REFUND, RESIDENT, STAFF, SYSTEM, RefundState, Status

log = logging.getLogger("smartkoto.payments")

PAYMENT_LIFETIME = timedelta(minutes=90)


class PaymentError(Exception):
    pass


class IdempotencyConflict(PaymentError):
    """The same idempotency key came with a different request."""


class RefundRefused(PaymentError):
    pass


class FeeRefused(PaymentError):
    pass


MIN_AMOUNT_YEN, MAX_AMOUNT_YEN = 1, 10_000_000  # one payment: 1円 to 1,000万円
MAX_REFERENCE, MAX_CODE, MAX_RETURN_URL, MAX_DESCRIPTION = 64, 32, 500, 300


def return_url_allowed(value):
    """A "Continue" link we may send a payer to: a path on this site ("/…", never "//…", no backslash, no
    control or space characters, no scheme), or an https URL on an origin in `PAYMENTS_RETURN_ORIGINS`."""
    if not isinstance(value, str) or not value or len(value) > MAX_RETURN_URL:
        return False
    if "\\" in value or any(ord(ch) < 33 or 0x7F <= ord(ch) <= 0x9F or unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"} for ch in value):
        return False
    parts = urlsplit(value)
    if value.startswith("/") and not value.startswith("//") and not parts.scheme and not parts.netloc:
        return True
    origins = {origin.rstrip("/") for origin in getattr(settings, "PAYMENTS_RETURN_ORIGINS", ())}
    return (parts.scheme == "https" and bool(parts.netloc) and f"https://{parts.netloc}" in origins
            and url_has_allowed_host_and_scheme(value, allowed_hosts={parts.netloc}, require_https=True))


def _check_request(amount_yen, reference, fee_code, department_code, return_url, description):
    if not isinstance(amount_yen, int) or isinstance(amount_yen, bool) or not MIN_AMOUNT_YEN <= amount_yen <= MAX_AMOUNT_YEN:
        raise PaymentError(f"amount_yen must be a whole number of yen from {MIN_AMOUNT_YEN} to {MAX_AMOUNT_YEN}")
    if not isinstance(reference, str) or len(reference) > MAX_REFERENCE:
        raise PaymentError(f"reference must be at most {MAX_REFERENCE} characters")
    if not isinstance(fee_code, str) or len(fee_code) > MAX_REFERENCE or not isinstance(department_code, str) or len(department_code) > MAX_CODE:
        raise PaymentError("fee_code or department_code too long")
    if not return_url_allowed(return_url):
        raise PaymentError("return_url must be a path on this site")
    if not isinstance(description or {}, dict) or any(
            not isinstance(k, str) or not isinstance(v, str) or len(k) > 10 or len(v) > MAX_DESCRIPTION for k, v in (description or {}).items()):
        raise PaymentError("description must be texts by language")


def _request_hash(values):
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _event(payment, to_status, source, note="", detail=None, from_status=None):
    PaymentEvent.objects.create(payment=payment, from_status=from_status if from_status is not None else payment.status,
                                to_status=to_status or "", source=source, note=note[:200], detail=detail or {})


# --- payment signals: a transactional outbox --------------------------------------------------------
SIGNALS = {PendingSignal.Kind.SUCCEEDED: signals.payment_succeeded, PendingSignal.Kind.FAILED: signals.payment_failed,
           PendingSignal.Kind.REFUNDED: signals.payment_refunded}
SIGNAL_RETRY_AFTER = timedelta(minutes=1)


def _send_after_commit(kind, payment):
    """Record the signal in the same transaction as the status change it announces, then deliver it right
    after commit. A process that dies between the commit and the delivery leaves the row: the sweep delivers it
    (`deliver_pending_signals`). At-least-once, so receivers are idempotent."""
    pending = PendingSignal.objects.create(payment=payment, signal=kind)
    transaction.on_commit(lambda: _deliver_signal(pending.pk))


def _deliver_signal(pending_id):
    """Deliver one recorded signal; receivers run inside the transaction that marks it delivered, so either
    both happen or neither (a failing receiver is logged and retried by the sweep)."""
    with transaction.atomic():
        pending = PendingSignal.objects.select_for_update().filter(pk=pending_id, delivered_at__isnull=True).first()
        if pending is None:
            return False  # delivered meanwhile (by the sweep or another worker)
        payment = Payment.objects.get(pk=pending.payment_id)
        pending.attempts += 1
        try:
            with transaction.atomic():
                SIGNALS[pending.signal].send(sender=Payment, payment=payment, reference=payment.reference)
        except Exception as exc:  # noqa: BLE001 - a receiver failed: keep the row for the sweep
            log.exception("payment signal failed; the sweep retries it", extra={"payment": payment.pk, "signal": pending.signal})
            pending.last_error = f"{type(exc).__name__}: {exc}"[:300]
            pending.save(update_fields=["attempts", "last_error"])
            return False
        pending.delivered_at = timezone.now()
        pending.save(update_fields=["attempts", "delivered_at"])
        return True


def deliver_pending_signals(*, actor, older_than=SIGNAL_RETRY_AFTER):
    """Deliver every payment signal recorded at least `older_than` ago and not delivered yet (the sweep).
    Returns how many were delivered."""
    policy.check(actor, "signal.deliver")
    cutoff = timezone.now() - older_than
    ids = list(PendingSignal.objects.filter(delivered_at__isnull=True, created_at__lte=cutoff).order_by("pk").values_list("pk", flat=True)[:500])
    return sum(1 for pending_id in ids if _deliver_signal(pending_id))


# --- creating and starting --------------------------------------------------------------------
def request_payment(*, actor, payer, reference, amount_yen, description, fee_code, department_code, return_url, idempotency_key):
    """Create a payment the resident (or a guest, payer=None) will pay at the provider.

    The caller computes `amount_yen` on the server. Same `idempotency_key` with the same arguments returns
    the first payment; with different arguments it raises IdempotencyConflict. A guest's session owns the
    payment it asked for (core.guest).
    """
    policy.check(actor, "payment.create", {"payer": payer, "department_code": department_code}, department_code=department_code)
    _check_request(amount_yen, reference, fee_code, department_code, return_url, description)
    if not reference or not idempotency_key:
        raise PaymentError("reference and idempotency_key are required")
    digest = _request_hash({"payer": getattr(payer, "pk", None), "reference": reference, "amount": amount_yen,
                            "description": description, "fee": fee_code, "department": department_code, "return": return_url})
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Payment.objects.create(
                    payer=payer, reference=reference, amount_yen=amount_yen, description=description or {},
                    fee_code=fee_code, department_code=department_code, return_url=return_url,
                    idempotency_key=idempotency_key, request_hash=digest, provider=registry.default_id(),
                    expires_at=timezone.now() + PAYMENT_LIFETIME)
                _event(existing, Status.CREATED, "service", from_status="")
                audit.record("payments.requested", actor=actor, target=existing, department_code=department_code,
                             detail={"reference": reference, "amount_yen": amount_yen, "fee_code": fee_code})
        except IntegrityError:
            existing = Payment.objects.get(idempotency_key=idempotency_key)
    if existing.request_hash != digest:
        raise IdempotencyConflict(idempotency_key)
    if existing.payer_id is None and actor.is_anonymous:
        guest.claim(actor, GUEST_KIND, existing.public_id)
    try:
        _ensure_provider_session(existing)
    except ProviderError as exc:  # the payment exists; checkout retries the provider call with the same key
        log.warning("provider create failed", extra={"payment": existing.pk, "error": str(exc)})
    return existing


# --- our own API: department systems create payments (idempotent by key) ---------------------------
@dataclass
class ApiReply:
    status: int
    body: dict
    replayed: bool = False


class ApiRefused(PaymentError):
    def __init__(self, status, code, detail):
        super().__init__(code)
        self.status, self.code, self.detail = status, code, detail


def _api_problems(body):
    """Field errors of a POST /api/payments/ body (translated messages by field); {} when it is valid."""
    problems = {}

    def text(name, limit, required=True):
        value = body.get(name)
        if value is None or value == "":
            if required:
                problems[name] = [_("This field is required.")]
            return
        if not isinstance(value, str):
            problems[name] = [_("Must be a string.")]
        elif len(value) > limit:
            problems[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
        elif any(unicodedata.category(ch) == "Cc" for ch in value):
            problems[name] = [_("Control characters are not allowed.")]

    text("reference", MAX_REFERENCE)
    text("fee_code", MAX_REFERENCE)
    text("department_code", MAX_CODE)
    text("return_url", MAX_RETURN_URL)
    if "return_url" not in problems and not return_url_allowed(body.get("return_url")):
        problems["return_url"] = [_("Must be a path on this site (starting with a single /) or an allowed https origin.")]
    amount = body.get("amount_yen")
    if amount is None:
        problems["amount_yen"] = [_("This field is required.")]
    elif not isinstance(amount, int) or isinstance(amount, bool):
        problems["amount_yen"] = [_("Must be a whole number of yen (a JSON integer).")]
    elif not MIN_AMOUNT_YEN <= amount <= MAX_AMOUNT_YEN:
        problems["amount_yen"] = [_("Must be from %(min)d to %(max)d yen.") % {"min": MIN_AMOUNT_YEN, "max": MAX_AMOUNT_YEN}]
    description = body.get("description")
    if description is not None and (
            not isinstance(description, dict) or len(description) > 10
            or any(not isinstance(k, str) or not isinstance(v, str) or len(k) > 10 or len(v) > MAX_DESCRIPTION for k, v in description.items())):
        problems["description"] = [_("Must be an object of texts by language (at most %(limit)d characters each).") % {"limit": MAX_DESCRIPTION}]
    return problems


def create_payment_from_api(*, actor, idempotency_key, body, render):
    """The whole idempotency protocol of POST /api/payments/ (standards §6).

    Same key and same body → the first reply (replayed); same key with another body → 409; a request with the
    key still in flight → 409. `render(payment)` makes the JSON body of the reply. Raises ApiRefused (mapped to
    400/409 by the view; `detail` is a dict of field errors for "validation") or Forbidden (403: the scope, and
    the token's department, must match).
    """
    policy.check(actor, "api.write")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 200:
        raise ApiRefused(400, "idempotency_key_required", {"Idempotency-Key": [_("Send an Idempotency-Key header (at most 200 characters).")]})
    if not isinstance(body, dict):
        raise ApiRefused(400, "invalid_json", {"body": [_("The body must be a JSON object.")]})
    problems = _api_problems(body)
    description = body.get("description") or {"ja": body.get("reference", "")}
    department_code = body.get("department_code") if isinstance(body.get("department_code"), str) else ""
    policy.check(actor, "payment.create", {"payer": None, "department_code": department_code}, department_code=department_code)
    if problems:
        raise ApiRefused(400, "validation", problems)
    account = actor.service_account.pk if actor.is_service else actor.label
    scope = f"payments.create:{account}"
    digest = _request_hash(body)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=digest)
    except IntegrityError:
        record = IdempotencyRecord.objects.get(scope=scope, key=key)
        if record.request_hash != digest:
            raise ApiRefused(409, "idempotency_key_reused", "this Idempotency-Key was used with a different request") from None
        if record.status_code is None:
            raise ApiRefused(409, "request_in_progress", "a request with this Idempotency-Key is still being processed") from None
        return ApiReply(record.status_code, record.body, replayed=True)
    try:
        payment = request_payment(
            actor=actor, payer=None, reference=body["reference"], amount_yen=body["amount_yen"], description=description,
            fee_code=body["fee_code"], department_code=department_code, return_url=body["return_url"],
            idempotency_key=f"api-{account}-{key}")
    except PaymentError as exc:
        record.delete()
        raise ApiRefused(400, "validation", {"body": [str(exc)]}) from None
    except BaseException:
        record.delete()
        raise
    data = render(payment)
    record.status_code, record.body = 201, data
    record.save(update_fields=["status_code", "body"])
    return ApiReply(201, data)


def _ensure_provider_session(payment):
    if payment.provider_ref:
        return payment
    provider = registry.get(payment.provider)
    checkout = provider.create(
        amount=payment.amount_yen, reference=payment.reference, description=tr(payment.description, "ja"),
        return_url=reverse("payments:returned", args=[payment.public_id]),
        idempotency_key=f"smartkoto-pay-{payment.public_id}", metadata={"payment": payment.public_id})
    Payment.objects.filter(pk=payment.pk, provider_ref="").update(provider_ref=checkout.provider_ref, provider_url=checkout.url)
    payment.refresh_from_db()
    return payment


_LINK_SALT = "smartkoto.payments.checkout-link"


def checkout_link(payment):
    """A payment link for a payment nobody's session owns yet (payer=None, e.g. made through the API): our
    hand-over URL with a signature of the payment's id. Whoever holds it may pay (like a payment slip's two
    numbers); it shows nothing but the amount, the description and the payment's own status."""
    token = signing.Signer(salt=_LINK_SALT).signature(payment.public_id)
    return reverse("payments:checkout_link", args=[payment.public_id, token])


def open_by_link(public_id, token, *, actor):
    """The payment a valid payment link names (its browser session now owns it, core.guest), or None. A link to
    a resident's own payment gives nothing: that payment is the resident's, who signs in to pay it."""
    payment = Payment.objects.filter(public_id=public_id).first()
    if payment is None or not isinstance(token, str):
        return None
    if not constant_time_compare(token, signing.Signer(salt=_LINK_SALT).signature(payment.public_id)):
        return None
    if payment.payer_id is None:
        guest.claim(actor, GUEST_KIND, payment.public_id)
    return payment


def allow_guest(payment, *, actor):
    """Let this guest's session see and pay a payment (payer=None) another app created for its own guest draft.

    The calling app has checked that the guest owns what the payment is for."""
    if payment.payer_id is None:
        guest.claim(actor, GUEST_KIND, payment.public_id)


def start(payment, *, actor):
    """The resident (or guest) is sent to the provider: created/failed → started. Returns the provider's page URL.

    Raises PaymentError when the payment can no longer be paid (paid, cancelled, expired).
    """
    policy.check(actor, "payment.own", payment)
    if payment.status in Status.OPEN and payment.provider_ref:
        _poll(payment)  # a payment that settled meanwhile must not be paid twice
        payment.refresh_from_db()
    if payment.status not in Status.RESUMABLE:
        raise PaymentError(f"payment is {payment.status}")
    if payment.expires_at <= timezone.now():
        raise PaymentError("payment expired")
    _ensure_provider_session(payment)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if PAYMENT.allowed(locked.status, Status.STARTED, RESIDENT):
            _event(locked, Status.STARTED, "service", note="sent to provider")
            PAYMENT.apply(locked, Status.STARTED, by=RESIDENT)
            locked.save(update_fields=["status", "updated_at"])
    return payment.provider_url


# --- the one path for provider outcomes ---------------------------------------------------------
def apply_snapshot(payment, snapshot, source, event_id="", *, actor):
    """Move `payment` towards what the provider reports. Duplicates and stale reports change nothing.

    Only the system (a verified webhook, a poll, the provider's answer to our call) feeds this. Returns a
    short outcome string for the webhook receipt and logs.
    """
    policy.check(actor, "payment.apply_report", payment)
    return _apply_snapshot(payment, snapshot, source, event_id)


def _apply_snapshot(payment, snapshot, source, event_id=""):
    with transaction.atomic():
        p = Payment.objects.select_for_update().get(pk=payment.pk)
        if snapshot.provider_ref != p.provider_ref:
            _event(p, "", source, note="report for another provider payment ignored", detail={"event": event_id})
            return "ignored: provider reference differs"
        if snapshot.amount != p.amount_yen:
            _event(p, "", source, note="amount mismatch: provider amount differs, not applied",
                   detail={"event": event_id, "provider_amount": snapshot.amount})
            audit.record("payments.amount_mismatch", target=p, actor_kind="system", department_code=p.department_code,
                         detail={"provider_amount": snapshot.amount, "amount_yen": p.amount_yen})
            return "refused: amount mismatch"
        newer = p.provider_seen_at is None or snapshot.updated is None or snapshot.updated > p.provider_seen_at
        outcome = []
        target = Status(snapshot.status)
        if target == Status.SUCCEEDED:
            if p.status not in Status.PAID:
                _event(p, Status.SUCCEEDED, source, note="captured", detail={"event": event_id, "provider_status": snapshot.raw_status})
                PAYMENT.apply(p, Status.SUCCEEDED, by=PROVIDER)
                p.captured_yen = snapshot.amount_captured or p.amount_yen
                p.provider_fee_yen = snapshot.fee
                p.succeeded_at = timezone.now()
                LedgerEntry.objects.create(kind=LedgerEntry.Kind.PAYMENT, payment=p, amount_yen=p.captured_yen, fee_code=p.fee_code,
                                           department_code=p.department_code, provider=p.provider,
                                           provider_ref=snapshot.payment_ref or p.provider_ref, booked_on=timezone.localdate())
                _send_after_commit(PendingSignal.Kind.SUCCEEDED, p)
                outcome.append("succeeded")
        elif (target != p.status and PAYMENT.allowed(p.status, target, PROVIDER)
              and (RANK[target] > RANK[Status(p.status)] or newer)):
            _event(p, target, source, detail={"event": event_id, "provider_status": snapshot.raw_status})
            PAYMENT.apply(p, target, by=PROVIDER)
            if target == Status.FAILED:
                _send_after_commit(PendingSignal.Kind.FAILED, p)
            outcome.append(str(target))
        if p.status in Status.PAID:
            for refund_snapshot in snapshot.refunds:
                if refund_snapshot.status == "succeeded" and _complete_refund_locked(p, refund_snapshot, source, event_id):
                    outcome.append("refund")
        if snapshot.updated and (p.provider_seen_at is None or snapshot.updated > p.provider_seen_at):
            p.provider_seen_at = snapshot.updated
        p.save()
        return ", ".join(outcome) or "no change"


def _complete_refund_locked(p, refund_snapshot, source, event_id=""):
    """Mark one of our refunds done (once). `p` is the locked payment. Returns True when something changed."""
    refund = None
    if refund_snapshot.our_refund_id.isdigit():
        refund = Refund.objects.select_for_update().filter(pk=int(refund_snapshot.our_refund_id), payment=p).first()
    if refund is None:
        refund = Refund.objects.select_for_update().filter(provider_ref=refund_snapshot.provider_ref, payment=p).first()
    if refund is None:
        if not PaymentEvent.objects.filter(payment=p, note="refund at the provider unknown here",
                                           detail__provider_refund=refund_snapshot.provider_ref).exists():
            _event(p, "", source, note="refund at the provider unknown here", detail={"provider_refund": refund_snapshot.provider_ref, "amount": refund_snapshot.amount})
        return False
    if refund.state == RefundState.SUCCEEDED or not REFUND.allowed(refund.state, RefundState.SUCCEEDED, PROVIDER):
        return False
    REFUND.apply(refund, RefundState.SUCCEEDED, by=PROVIDER)
    refund.provider_ref = refund.provider_ref or refund_snapshot.provider_ref
    refund.completed_at = timezone.now()
    refund.save()
    p.refunded_yen += refund.amount_yen
    LedgerEntry.objects.create(kind=LedgerEntry.Kind.REFUND, payment=p, refund=refund, amount_yen=-refund.amount_yen,
                               fee_code=p.fee_code, department_code=p.department_code, provider=p.provider,
                               provider_ref=refund.provider_ref, booked_on=timezone.localdate())
    new_status = Status.REFUNDED if p.refunded_yen >= p.captured_yen else Status.PARTIALLY_REFUNDED
    _event(p, new_status, source, note="refund completed", detail={"refund": refund.pk, "amount_yen": refund.amount_yen, "event": event_id})
    if new_status != p.status:
        PAYMENT.apply(p, new_status, by=PROVIDER)
    _send_after_commit(PendingSignal.Kind.REFUNDED, p)
    return True


def poll(payment, *, actor):
    """Ask the provider for the payment's state and apply it (the payer's "check again", the sweep, tasks)."""
    if not actor.is_system:
        policy.check(actor, "payment.own", payment)
    return _poll(payment)


def _poll(payment):
    if not payment.provider_ref:
        return "no provider payment yet"
    snapshot = registry.get(payment.provider).retrieve(payment.provider_ref)
    return _apply_snapshot(payment, snapshot, "poll")


def handle_webhook(provider_id, body, headers, *, actor):
    """Verify, de-duplicate and apply one provider webhook. Raises WebhookRefused (logged) when unverifiable.

    Anyone may post here: what makes the report the provider's is its verified signature, so the webhook is
    applied as the system."""
    try:
        provider = registry.get(provider_id)
    except LookupError:
        raise WebhookRefused("unknown_provider") from None
    try:
        event = provider.verify_webhook(body, headers)
        if not all(isinstance(value, str) and len(value) <= 200 for value in (event.event_id, event.event_type, event.provider_ref)) or not event.event_id:
            raise WebhookRefused("malformed")
    except WebhookRefused as refusal:
        log.warning("webhook refused", extra={"provider": provider_id, "reason": refusal.reason})
        audit.record("payments.webhook_refused", actor=actor, actor_kind="provider", detail={"provider": provider_id, "reason": refusal.reason})
        raise
    if WebhookReceipt.objects.filter(provider=provider_id, event_id=event.event_id).exists():
        return "duplicate"
    payment = Payment.objects.filter(provider=provider_id, provider_ref=event.provider_ref).first() if event.provider_ref else None
    snapshot = event.snapshot
    if payment is not None and snapshot is None:
        snapshot = provider.retrieve(event.provider_ref)  # network call: before, not inside, our transaction
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = WebhookReceipt.objects.create(provider=provider_id, event_id=event.event_id, event_type=event.event_type)
        except IntegrityError:
            return "duplicate"
        outcome = "unknown payment" if payment is None else _apply_snapshot(payment, snapshot, "webhook", event.event_id)
        receipt.outcome = outcome[:200]
        receipt.save(update_fields=["outcome"])
        return outcome


def expire(payment, *, actor):
    """Close an unfinished payment past its time: ask the provider first, then have it cancel the session."""
    policy.check(actor, "payment.expire", payment)
    _poll(payment)
    payment.refresh_from_db()
    if payment.status not in Status.OPEN or payment.expires_at > timezone.now():
        return payment.status
    if not payment.provider_ref:
        with transaction.atomic():
            p = Payment.objects.select_for_update().get(pk=payment.pk)
            if p.status in Status.OPEN and not p.provider_ref:
                _event(p, Status.EXPIRED, "service", note="expired before reaching the provider")
                PAYMENT.apply(p, Status.EXPIRED, by=SYSTEM)
                p.save()
        return Status.EXPIRED
    snapshot = registry.get(payment.provider).cancel(payment.provider_ref, idempotency_key=f"smartkoto-expire-{payment.public_id}")
    if snapshot.status == Status.CANCELLED:
        snapshot.status = Status.EXPIRED  # we cancelled it because its time ran out
    _apply_snapshot(payment, snapshot, "poll")
    payment.refresh_from_db()
    return payment.status


# --- refunds (four eyes) ----------------------------------------------------------------------
def request_refund(payment, *, actor, amount_yen, reason):
    """Staff ask for a refund; the amount is reserved at once so parallel requests never exceed what was captured."""
    policy.check(actor, "refund.request", payment)
    if not isinstance(amount_yen, int) or isinstance(amount_yen, bool) or amount_yen <= 0:
        raise RefundRefused("amount")
    if not reason.strip():
        raise RefundRefused("reason")
    with transaction.atomic():
        reserved = Payment.objects.filter(
            pk=payment.pk, status__in=[Status.SUCCEEDED, Status.PARTIALLY_REFUNDED],
            captured_yen__gte=F("refund_reserved_yen") + amount_yen,
        ).update(refund_reserved_yen=F("refund_reserved_yen") + amount_yen)
        if not reserved:
            raise RefundRefused("exceeds")
        refund = Refund.objects.create(payment=payment, amount_yen=amount_yen, reason=reason.strip(), requested_by=actor.user)
        PaymentEvent.objects.create(payment=payment, from_status=payment.status, to_status="", source="staff",
                                    note="refund requested", detail={"refund": refund.pk, "amount_yen": amount_yen})
        audit.record("payments.refund_requested", actor=actor, target=refund,
                     department_code=payment.department_code, detail={"payment": payment.pk, "amount_yen": amount_yen})
    return refund


def decide_refund(refund, *, actor, approve, note=""):
    """A second staff member (a department manager who did not ask) approves or rejects. Approval sends the
    refund to the provider."""
    policy.check(actor, "refund.decide", refund, department_code=refund.payment.department_code)
    with transaction.atomic():
        r = Refund.objects.select_for_update().get(pk=refund.pk)
        target = RefundState.SUBMITTED if approve else RefundState.REJECTED
        if not REFUND.allowed(r.state, target, STAFF):
            raise RefundRefused("decided")
        REFUND.apply(r, target, by=STAFF)
        r.decided_by, r.decided_at, r.decision_note = actor.user, timezone.now(), note
        r.save()
        if not approve:
            Payment.objects.filter(pk=r.payment_id).update(refund_reserved_yen=F("refund_reserved_yen") - r.amount_yen)
        PaymentEvent.objects.create(payment_id=r.payment_id, from_status=r.payment.status, to_status="", source="staff",
                                    note="refund approved" if approve else "refund rejected", detail={"refund": r.pk})
        audit.record("payments.refund_approved" if approve else "payments.refund_rejected", actor=actor,
                     target=r, department_code=r.payment.department_code, detail={"payment": r.payment_id, "amount_yen": r.amount_yen})
    if approve:
        submit_refund(r, actor=actor)
    r.refresh_from_db()
    return r


def submit_refund(refund, *, actor):
    """Send an approved refund to the provider (safe to repeat: the idempotency key is the refund's id)."""
    policy.check(actor, "refund.submit", refund, department_code=refund.payment.department_code)
    payment = refund.payment
    try:
        result = registry.get(payment.provider).refund(
            payment.provider_ref, amount=refund.amount_yen, idempotency_key=f"smartkoto-refund-{refund.pk}",
            metadata={"refund_id": str(refund.pk), "payment": payment.public_id})
    except ProviderError as exc:
        if exc.retryable:
            log.warning("refund call failed; will retry", extra={"refund": refund.pk})
            return "pending"
        with transaction.atomic():
            r = Refund.objects.select_for_update().get(pk=refund.pk)
            if REFUND.allowed(r.state, RefundState.FAILED, PROVIDER):
                REFUND.apply(r, RefundState.FAILED, by=PROVIDER)
                r.decision_note = (r.decision_note + f" [{exc.code}]").strip()
                r.save()
                Payment.objects.filter(pk=r.payment_id).update(refund_reserved_yen=F("refund_reserved_yen") - r.amount_yen)
                PaymentEvent.objects.create(payment_id=r.payment_id, from_status="", to_status="", source="poll",
                                            note="refund refused by provider", detail={"refund": r.pk, "code": exc.code})
        return "failed"
    Refund.objects.filter(pk=refund.pk, provider_ref="").update(provider_ref=result.provider_ref)
    result.our_refund_id = str(refund.pk)
    if result.status == "succeeded":
        with transaction.atomic():
            p = Payment.objects.select_for_update().get(pk=payment.pk)
            _complete_refund_locked(p, result, "poll")
            p.save()
    return result.status


# --- the fee table (手数料): data staff edit, with history ------------------------------------------
def change_fee_amount(fee, *, actor, amount_yen):
    """Set a fee's amount (integer yen ≥ 0); the old → new amount is appended to its history and audited."""
    policy.check(actor, "fee.change", fee)
    if not isinstance(amount_yen, int) or isinstance(amount_yen, bool) or amount_yen < 0:
        raise FeeRefused("amount")
    with transaction.atomic():
        locked = Fee.objects.select_for_update().get(pk=fee.pk)
        old = locked.amount_yen
        if old == amount_yen:
            return locked
        locked.amount_yen = amount_yen
        locked.save(update_fields=["amount_yen", "updated_at"])
        FeeChange.objects.create(fee=locked, changed_by=actor.user, changed_by_label=str(actor)[:150],
                                 old_amount_yen=old, new_amount_yen=amount_yen)
        audit.record("payments.fee_changed", actor=actor, target=locked, department_code=locked.department_code,
                     detail={"code": locked.code, "old_amount_yen": old, "new_amount_yen": amount_yen})
    fee.refresh_from_db()
    return locked


def load_fees(rows, *, actor):
    """Create or update fees from data rows (demo loader, municipality setup): code, department, name, amount, unit."""
    policy.check(actor, "fee.load")
    for code, department_code, name, amount_yen, unit in rows:
        Fee.objects.update_or_create(code=code, defaults={"department_code": department_code, "name": name,
                                                          "amount_yen": amount_yen, "unit": unit, "active": True})


# --- staff ---------------------------------------------------------------------------------------
def record_staff_view(payment, *, actor):
    """A staff member opened a payment's page (personal data): checked and audited."""
    policy.check(actor, "payment.view", payment)
    audit.record("payments.viewed", actor=actor, target=payment, department_code=payment.department_code)

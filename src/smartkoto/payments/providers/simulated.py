"""The built-in simulated provider (模擬決済): a hosted payment page on our own server, test cards,
HMAC-signed timestamped webhooks, and a settlement report — so the whole flow runs without a contract.

It keeps its own records (models.SimIntent, SimRefund, SimWebhook), as a real provider would on its
side; our payment code reaches them only through this class. The hosted page posts to the provider's
views only and never stores the card number: just the brand and last four digits, as providers show.

Test cards (any future expiry date, any 3-digit security code):
    4242 4242 4242 4242  paid
    4000 0000 0000 0002  declined
    4000 0000 0000 3220  3-D Secure challenge, then paid if the resident completes it
    4000 0000 0000 0119  the card network times out: processing, settled later as paid
    4000 0000 0000 0259  declined at first, captured later by the card company (failed → paid)
"""

import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ..workflow import Status
from .base import Checkout, PaymentProvider, ProviderError, RefundSnapshot, SettlementRow, Snapshot, WebhookEvent, WebhookRefused, signature_timestamp
from .registry import providers

log = logging.getLogger("smartkoto.payments.simulated")

SIGNATURE_HEADER = "X-Sim-Signature"
TOLERANCE_SECONDS = 300
FEE_RATE_BP = 325  # 3.25 %, in basis points

CARD_SUCCESS = "4242424242424242"
CARD_DECLINE = "4000000000000002"
CARD_CHALLENGE = "4000000000003220"
CARD_TIMEOUT = "4000000000000119"
CARD_LATE_CAPTURE = "4000000000000259"
TEST_CARDS = {CARD_SUCCESS: "success", CARD_DECLINE: "decline", CARD_CHALLENGE: "challenge",
              CARD_TIMEOUT: "timeout", CARD_LATE_CAPTURE: "late_capture"}

STATUS_MAP = {
    "requires_payment_method": Status.STARTED,
    "requires_action": Status.STARTED,
    "processing": Status.STARTED,
    "payment_failed": Status.FAILED,
    "succeeded": Status.SUCCEEDED,
    "canceled": Status.CANCELLED,
    "expired": Status.EXPIRED,
}


def webhook_secret():
    configured = getattr(settings, "PAYMENTS_SIM_WEBHOOK_SECRET", None) or os.environ.get("SMARTKOTO_PAYMENTS_SIM_WEBHOOK_SECRET")
    if configured:
        return configured
    return hmac.new(settings.SECRET_KEY.encode(), b"smartkoto-sim-webhook", hashlib.sha256).hexdigest()


def settle_delay():
    return timedelta(seconds=int(getattr(settings, "PAYMENTS_SIM_SETTLE_SECONDS", 30)))


def sign(body: bytes, timestamp=None, secret=None):
    timestamp = int(timestamp if timestamp is not None else time.time())
    mac = hmac.new((secret or webhook_secret()).encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _hash(values):
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def fee_for(amount):
    return amount * FEE_RATE_BP // 10000


def _snapshot_dict(intent):
    return {
        "id": intent.id, "object": "payment", "status": intent.status, "amount": intent.amount,
        "amount_captured": intent.amount_captured, "amount_refunded": intent.amount_refunded,
        "fee": fee_for(intent.amount_captured), "reference": intent.reference, "last_error": intent.last_error,
        "version": intent.version, "updated": intent.updated_at.timestamp() if intent.updated_at else time.time(),
        "refunds": [{"id": r.id, "amount": r.amount, "status": r.status, "metadata_key": r.idempotency_key}
                    for r in intent.refunds.order_by("created_at")],
    }


def _bounded(value, limit=10**12, kinds=(int,)):
    if not isinstance(value, kinds) or isinstance(value, bool) or not 0 <= value <= limit:
        raise ValueError("number out of range")
    return value


def _to_snapshot(data):
    for name in ("amount", "amount_captured", "amount_refunded"):
        _bounded(data[name])
    _bounded(data["updated"], limit=2**40, kinds=(int, float))  # a unix time
    if not isinstance(data["id"], str) or len(data["id"]) > 200:
        raise ValueError("id")
    return Snapshot(
        provider_ref=data["id"], payment_ref=data["id"], status=STATUS_MAP[data["status"]], raw_status=data["status"], amount=data["amount"],
        amount_captured=data["amount_captured"], amount_refunded=data["amount_refunded"], fee=data.get("fee", 0),
        updated=datetime.fromtimestamp(data["updated"], tz=dt_timezone.utc),
        refunds=[RefundSnapshot(provider_ref=r["id"], amount=r["amount"], status=r["status"],
                                our_refund_id=r.get("metadata_key", "").removeprefix("smartkoto-refund-"))
                 for r in data.get("refunds", [])],
    )


# --- the provider's side ----------------------------------------------------------------------
def _emit(intent, event_type):
    """Record a webhook for the intent's current state and deliver it after commit."""
    from ..models import SimWebhook

    intent.version += 1
    intent.save()
    body = {"id": None, "type": event_type, "created": time.time(), "data": {"object": _snapshot_dict(intent)}}
    hook = SimWebhook(intent=intent, event_type=event_type, body="")
    body["id"] = hook.id
    hook.body = json.dumps(body, ensure_ascii=False)
    hook.save()
    if deliver_webhooks():
        from ..tasks import deliver_sim_webhook

        transaction.on_commit(lambda: deliver_sim_webhook.enqueue(hook.id))
    return hook


def deliver_webhooks():
    value = getattr(settings, "PAYMENTS_SIM_DELIVER_WEBHOOKS", None)
    if value is None:
        value = os.environ.get("SMARTKOTO_PAYMENTS_SIM_DELIVER_WEBHOOKS", "1").lower() in {"1", "true", "yes", "on"}
    return bool(value)


def webhook_url():
    return getattr(settings, "PAYMENTS_SIM_WEBHOOK_URL", None) or settings.BASE_URL + reverse("payments_api:webhook", args=["simulated"])


def deliver(hook_id):
    """POST one webhook to our receiver, signed with a fresh timestamp (a provider's delivery attempt)."""
    import requests

    from ..models import SimWebhook

    hook = SimWebhook.objects.get(id=hook_id)
    body = hook.body.encode()
    try:
        response = requests.post(webhook_url(), data=body, timeout=10, headers={
            "Content-Type": "application/json", SIGNATURE_HEADER: sign(body)})
        ok = 200 <= response.status_code < 300
        error = "" if ok else f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        ok, error = False, exc.__class__.__name__
    SimWebhook.objects.filter(id=hook_id).update(
        attempts=hook.attempts + 1, delivered_at=timezone.now() if ok else None, last_error=error[:300])
    return ok


def _settle_if_due(intent):
    """Processing or late-capture charges settle once their time has come (read-time, as a poll would see)."""
    if intent.settles_at and intent.settles_at <= timezone.now() and intent.status in {"processing", "payment_failed"}:
        intent.status = "succeeded"
        intent.amount_captured = intent.amount
        intent.captured_at = timezone.now()
        intent.last_error = ""
        intent.settles_at = None
        _emit(intent, "payment.succeeded")
    elif intent.status in {"requires_payment_method", "requires_action"} and intent.expires_at <= timezone.now():
        intent.status = "expired"
        _emit(intent, "payment.expired")
    return intent


def _locked(intent_id):
    from ..models import SimIntent

    return SimIntent.objects.select_for_update().get(id=intent_id)


def submit_card(intent_id, card_number):
    """What the hosted page does with the card the resident typed. Returns the outcome name."""
    digits = "".join(ch for ch in card_number if ch.isdigit())
    with transaction.atomic():
        intent = _settle_if_due(_locked(intent_id))
        if intent.status not in {"requires_payment_method", "payment_failed"}:
            return "not_payable"
        outcome = TEST_CARDS.get(digits, "decline" if len(digits) >= 12 else "invalid")
        if outcome == "invalid":
            return outcome
        intent.card_brand_last4 = f"{'visa' if digits.startswith('4') else 'card'} {digits[-4:]}"
        if outcome == "success":
            intent.status, intent.amount_captured, intent.captured_at, intent.last_error = "succeeded", intent.amount, timezone.now(), ""
            _emit(intent, "payment.succeeded")
        elif outcome == "decline":
            intent.status, intent.last_error = "payment_failed", "card_declined"
            _emit(intent, "payment.failed")
        elif outcome == "challenge":
            intent.status = "requires_action"
            _emit(intent, "payment.requires_action")
        elif outcome == "timeout":
            intent.status, intent.settles_at = "processing", timezone.now() + settle_delay()
            _emit(intent, "payment.processing")
        elif outcome == "late_capture":
            intent.status, intent.last_error, intent.settles_at = "payment_failed", "issuer_timeout", timezone.now() + settle_delay()
            _emit(intent, "payment.failed")
        return outcome


def complete_challenge(intent_id, passed):
    with transaction.atomic():
        intent = _locked(intent_id)
        if intent.status != "requires_action":
            return "not_payable"
        if passed:
            intent.status, intent.amount_captured, intent.captured_at, intent.last_error = "succeeded", intent.amount, timezone.now(), ""
            _emit(intent, "payment.succeeded")
            return "success"
        intent.status, intent.last_error = "payment_failed", "authentication_failed"
        _emit(intent, "payment.failed")
        return "decline"


def resident_cancel(intent_id):
    with transaction.atomic():
        intent = _locked(intent_id)
        if intent.status in {"requires_payment_method", "payment_failed", "requires_action"}:
            intent.status = "canceled"
            _emit(intent, "payment.canceled")


def get_intent(intent_id):
    from ..models import SimIntent

    with transaction.atomic():
        return _settle_if_due(_locked(intent_id))


@providers("simulated")
class SimulatedProvider(PaymentProvider):
    label = "模擬決済 (simulated)"

    def create(self, *, amount, reference, description, return_url, idempotency_key, metadata):
        from ..models import SimIntent

        request_hash = _hash({"amount": amount, "reference": reference, "return_url": return_url})
        existing = SimIntent.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    existing = SimIntent.objects.create(
                        id="simpay_" + secrets.token_hex(12), idempotency_key=idempotency_key, request_hash=request_hash,
                        amount=amount, description=description[:300], reference=reference, return_url=return_url,
                        expires_at=timezone.now() + timedelta(minutes=90))
            except IntegrityError:
                existing = SimIntent.objects.get(idempotency_key=idempotency_key)
        if existing.request_hash != request_hash:
            raise ProviderError("idempotency key reused with different parameters", retryable=False, code="idempotency_conflict")
        return Checkout(provider_ref=existing.id, url=reverse("payments:sim_pay", args=[existing.id]))

    def retrieve(self, provider_ref):
        from ..models import SimIntent

        if not SimIntent.objects.filter(id=provider_ref).exists():
            raise ProviderError("no such payment", retryable=False, code="not_found")
        return _to_snapshot(_snapshot_dict(get_intent(provider_ref)))

    def cancel(self, provider_ref, *, idempotency_key):
        with transaction.atomic():
            intent = _settle_if_due(_locked(provider_ref))
            if intent.status in {"requires_payment_method", "payment_failed", "requires_action"}:
                intent.status = "canceled"
                _emit(intent, "payment.canceled")
        return self.retrieve(provider_ref)

    def refund(self, provider_ref, *, amount, idempotency_key, metadata):
        from ..models import SimRefund

        request_hash = _hash({"intent": provider_ref, "amount": amount})
        with transaction.atomic():
            intent = _locked(provider_ref)
            existing = SimRefund.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.request_hash != request_hash:
                    raise ProviderError("idempotency key reused with different parameters", retryable=False, code="idempotency_conflict")
                return RefundSnapshot(existing.id, existing.amount, existing.status)
            if intent.status != "succeeded" or intent.amount_refunded + amount > intent.amount_captured:
                raise ProviderError("amount exceeds what can be refunded", retryable=False, code="amount_too_large")
            refund = SimRefund.objects.create(id="simre_" + secrets.token_hex(10), intent=intent, idempotency_key=idempotency_key,
                                              request_hash=request_hash, amount=amount)
            intent.amount_refunded += amount
            _emit(intent, "payment.refunded")
            return RefundSnapshot(refund.id, refund.amount, refund.status)

    def verify_webhook(self, body, headers):
        header = headers.get(SIGNATURE_HEADER, "")
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        if "t" not in parts or "v1" not in parts:
            raise WebhookRefused("missing_signature")
        timestamp = signature_timestamp(parts["t"])
        if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
            raise WebhookRefused("stale_timestamp")
        expected = sign(body, timestamp).split("v1=", 1)[1]
        if not hmac.compare_digest(expected, parts["v1"]):
            raise WebhookRefused("bad_signature")
        try:
            event = json.loads(body)
            data = event["data"]["object"]
            return WebhookEvent(event_id=event["id"], event_type=event["type"], provider_ref=data["id"], snapshot=_to_snapshot(data))
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, OSError):
            raise WebhookRefused("malformed") from None  # also a signed body with absurd numbers or dates

    def settlement_report(self, start, end):
        from ..models import SimIntent, SimRefund

        rows = []
        local = timezone.get_current_timezone()
        for intent in SimIntent.objects.filter(captured_at__isnull=False).order_by("captured_at"):
            day = intent.captured_at.astimezone(local).date()
            if start <= day <= end:
                fee = fee_for(intent.amount_captured)
                rows.append(SettlementRow(intent.id, "payment", intent.amount_captured, fee, intent.amount_captured - fee, day, intent.id))
        for refund in SimRefund.objects.select_related("intent").order_by("created_at"):
            day = refund.created_at.astimezone(local).date()
            if start <= day <= end and refund.status == "succeeded":
                rows.append(SettlementRow(refund.intent_id, "refund", -refund.amount, 0, -refund.amount, day, refund.id))
        return rows

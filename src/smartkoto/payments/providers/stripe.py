"""Stripe adapter, written against Stripe's documented HTTP API (no SDK): a Checkout Session in payment
mode hosts the card page at Stripe and creates the PaymentIntent; we read the PaymentIntent for the
outcome, refund with /v1/refunds, and read /v1/balance_transactions as the settlement report.

- Every POST carries an `Idempotency-Key` header (Stripe keeps keys for at least 24 hours).
- Webhooks: `Stripe-Signature: t=<unix>,v1=<HMAC-SHA256(endpoint secret, "<t>.<raw body>")>`, 300 s tolerance.
  The receiver then retrieves the session (events are triggers; the object read is the truth).
- JPY is a zero-decimal currency: amounts are whole yen.

Settings: PAYMENTS_STRIPE_SECRET_KEY (env SMARTKOTO_STRIPE_SECRET_KEY), PAYMENTS_STRIPE_WEBHOOK_SECRET
(env SMARTKOTO_STRIPE_WEBHOOK_SECRET), PAYMENTS_STRIPE_API_BASE (default https://api.stripe.com).
"""

import hashlib
import hmac
import json
import os
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.utils import timezone

from ..workflow import Status
from .base import Checkout, PaymentProvider, ProviderError, RefundSnapshot, SettlementRow, Snapshot, WebhookEvent, WebhookRefused, signature_timestamp
from .registry import providers

API_VERSION = "2024-06-20"
TOLERANCE_SECONDS = 300
SESSION_EVENTS = {"checkout.session.completed", "checkout.session.expired", "checkout.session.async_payment_succeeded",
                  "checkout.session.async_payment_failed"}
INTENT_EVENTS = {"payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
                 "payment_intent.processing", "payment_intent.amount_capturable_updated"}


def _setting(name, env_name, default=""):
    return getattr(settings, name, None) or os.environ.get(env_name, default)


def _flatten(data, prefix=""):
    """Stripe's form encoding: nested dicts and lists as a[b][0][c]=value."""
    items = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            items += _flatten(value, name)
        elif isinstance(value, list):
            for index, element in enumerate(value):
                if isinstance(element, dict):
                    items += _flatten(element, f"{name}[{index}]")
                else:
                    items.append((f"{name}[{index}]", element))
        elif value is not None:
            items.append((name, value))
    return items


def verify_signature(body: bytes, header: str, secret: str, now=None):
    parts = [item.split("=", 1) for item in header.split(",") if "=" in item]
    timestamps = [value for key, value in parts if key == "t"]
    signatures = [value for key, value in parts if key == "v1"]
    if not timestamps or not signatures:
        raise WebhookRefused("missing_signature")
    timestamp = signature_timestamp(timestamps[0])
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise WebhookRefused("stale_timestamp")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookRefused("bad_signature")


INTENT_STATUS = {
    "requires_payment_method": Status.STARTED,
    "requires_confirmation": Status.STARTED,
    "requires_action": Status.STARTED,
    "processing": Status.STARTED,
    "requires_capture": Status.AUTHORISED,
    "canceled": Status.CANCELLED,
    "succeeded": Status.SUCCEEDED,
}


@providers("stripe")
class StripeProvider(PaymentProvider):
    label = "Stripe"

    def __init__(self, session=None, secret_key=None, webhook_secret=None, api_base=None):
        if session is None:
            import requests

            session = requests.Session()
        self.http = session
        self.secret_key = secret_key or _setting("PAYMENTS_STRIPE_SECRET_KEY", "SMARTKOTO_STRIPE_SECRET_KEY")
        self.webhook_secret = webhook_secret or _setting("PAYMENTS_STRIPE_WEBHOOK_SECRET", "SMARTKOTO_STRIPE_WEBHOOK_SECRET")
        self.api_base = (api_base or _setting("PAYMENTS_STRIPE_API_BASE", "SMARTKOTO_STRIPE_API_BASE", "https://api.stripe.com")).rstrip("/")

    # -- HTTP --
    def _call(self, method, path, *, data=None, params=None, idempotency_key=None):
        import requests

        headers = {"Authorization": f"Bearer {self.secret_key}", "Stripe-Version": API_VERSION}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            response = self.http.request(method, self.api_base + path, data=_flatten(data) if data else None,
                                         params=_flatten(params) if params else None, headers=headers, timeout=20)
        except requests.RequestException as exc:
            raise ProviderError(f"Stripe unreachable: {exc.__class__.__name__}", retryable=True) from exc
        try:
            body = response.json()
        except ValueError:
            raise ProviderError(f"Stripe answered HTTP {response.status_code} without JSON", retryable=response.status_code >= 500) from None
        if response.status_code >= 400:
            error = body.get("error", {})
            # 409: the same key is in use by another request (retry later) or was used with other parameters
            retryable = response.status_code in {409, 429} or response.status_code >= 500
            if error.get("type") == "idempotency_error":
                retryable = False
            raise ProviderError(error.get("message", f"HTTP {response.status_code}"), retryable=retryable,
                                code=error.get("code") or error.get("type", ""))
        return body

    # -- contract --
    def create(self, *, amount, reference, description, return_url, idempotency_key, metadata):
        base = settings.BASE_URL
        session = self._call("POST", "/v1/checkout/sessions", idempotency_key=idempotency_key, data={
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {"currency": "jpy", "unit_amount": amount, "product_data": {"name": description or reference}}}],
            "success_url": base + return_url,
            "cancel_url": base + return_url,
            "client_reference_id": reference,
            "metadata": {**metadata, "reference": reference},
            "payment_intent_data": {"metadata": {**metadata, "reference": reference}},
            "expires_at": int((timezone.now() + timedelta(minutes=60)).timestamp()),
        })
        return Checkout(provider_ref=session["id"], url=session["url"])

    def retrieve(self, provider_ref):
        session = self._call("GET", f"/v1/checkout/sessions/{provider_ref}", params={"expand": ["payment_intent", "payment_intent.latest_charge"]})
        return self._snapshot(session)

    def _snapshot(self, session):
        intent = session.get("payment_intent") or None
        if isinstance(intent, str):
            intent = self._call("GET", f"/v1/payment_intents/{intent}", params={"expand": ["latest_charge"]})
        amount = session.get("amount_total") or 0
        if intent is None:
            status = Status.EXPIRED if session.get("status") == "expired" else Status.STARTED
            return Snapshot(provider_ref=session["id"], status=status, amount=amount, raw_status=f"session:{session.get('status')}",
                            updated=datetime.fromtimestamp(session.get("created", time.time()), tz=dt_timezone.utc))
        raw = intent["status"]
        status = INTENT_STATUS.get(raw, Status.STARTED)
        if raw == "requires_payment_method" and intent.get("last_payment_error"):
            status = Status.FAILED
        if status != Status.SUCCEEDED and session.get("status") == "expired":
            status = Status.EXPIRED
        charge = intent.get("latest_charge") if isinstance(intent.get("latest_charge"), dict) else {}
        refunds = []
        if charge and charge.get("amount_refunded"):
            listing = self._call("GET", "/v1/refunds", params={"payment_intent": intent["id"], "limit": 100})
            refunds = [RefundSnapshot(provider_ref=r["id"], amount=r["amount"], status="succeeded" if r["status"] == "succeeded" else r["status"],
                                      our_refund_id=(r.get("metadata") or {}).get("refund_id", "")) for r in listing.get("data", [])]
        fee = 0
        if isinstance(charge.get("balance_transaction"), dict):
            fee = charge["balance_transaction"].get("fee", 0)
        return Snapshot(provider_ref=session["id"], payment_ref=intent["id"], status=status, raw_status=raw,
                        amount=intent.get("amount", amount), amount_captured=intent.get("amount_received", 0),
                        amount_refunded=charge.get("amount_refunded", 0) if charge else 0, fee=fee,
                        updated=datetime.fromtimestamp(charge.get("created") or intent.get("created") or time.time(), tz=dt_timezone.utc),
                        refunds=refunds)

    def cancel(self, provider_ref, *, idempotency_key):
        session = self._call("POST", f"/v1/checkout/sessions/{provider_ref}/expire", idempotency_key=idempotency_key, data={})
        return self._snapshot(session)

    def refund(self, provider_ref, *, amount, idempotency_key, metadata):
        snapshot = self.retrieve(provider_ref)
        if not snapshot.payment_ref:
            raise ProviderError("no PaymentIntent to refund", retryable=False, code="no_payment_intent")
        refund = self._call("POST", "/v1/refunds", idempotency_key=idempotency_key, data={
            "payment_intent": snapshot.payment_ref, "amount": amount, "reason": "requested_by_customer", "metadata": metadata})
        status = {"succeeded": "succeeded", "pending": "pending", "requires_action": "pending"}.get(refund["status"], "failed")
        return RefundSnapshot(provider_ref=refund["id"], amount=refund["amount"], status=status,
                              our_refund_id=(refund.get("metadata") or {}).get("refund_id", ""))

    def verify_webhook(self, body, headers):
        if not self.webhook_secret:
            raise WebhookRefused("no_webhook_secret_configured")
        verify_signature(body, headers.get("Stripe-Signature", ""), self.webhook_secret)
        try:
            event = json.loads(body)
            obj = event["data"]["object"]
            event_type = event["type"]
            event_id = event["id"]
        except (ValueError, KeyError, TypeError):
            raise WebhookRefused("malformed") from None
        if event_type in SESSION_EVENTS:
            ref = obj["id"]
        elif event_type in INTENT_EVENTS or event_type.startswith("charge.") or event_type.startswith("refund."):
            intent_id = obj["id"] if obj.get("object") == "payment_intent" else obj.get("payment_intent")
            ref = self._session_for_intent(intent_id) if intent_id else ""
        else:
            ref = ""
        return WebhookEvent(event_id=event_id, event_type=event_type, provider_ref=ref, snapshot=None)

    def _session_for_intent(self, intent_id):
        listing = self._call("GET", "/v1/checkout/sessions", params={"payment_intent": intent_id, "limit": 1})
        data = listing.get("data") or []
        return data[0]["id"] if data else ""

    def settlement_report(self, start, end):
        local = timezone.get_current_timezone()
        since = int(datetime.combine(start, datetime.min.time(), tzinfo=local).timestamp())
        until = int(datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=local).timestamp())
        rows, after = [], None
        while True:
            params = {"created": {"gte": since, "lt": until}, "limit": 100, "expand": ["data.source"]}
            if after:
                params["starting_after"] = after
            page = self._call("GET", "/v1/balance_transactions", params=params)
            for txn in page.get("data", []):
                source = txn.get("source") if isinstance(txn.get("source"), dict) else {}
                day = datetime.fromtimestamp(txn["created"], tz=dt_timezone.utc).astimezone(local).date()
                if txn["type"] in {"charge", "payment"}:
                    rows.append(SettlementRow(source.get("payment_intent", ""), "payment", txn["amount"], txn["fee"], txn["net"], day, source.get("id", "")))
                elif txn["type"] in {"refund", "payment_refund"}:
                    rows.append(SettlementRow(source.get("payment_intent", ""), "refund", txn["amount"], txn["fee"], txn["net"], day, source.get("id", "")))
            if not page.get("has_more") or not page.get("data"):
                break
            after = page["data"][-1]["id"]
        return rows

"""The Stripe adapter against recorded responses (shapes from Stripe's API reference; no network).

A fake HTTP session answers each (method, path) with a recorded body and keeps what was sent, so the
tests check both sides: what we send Stripe (form encoding, Idempotency-Key, auth) and how we read it.
"""

import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from smartkoto.payments import ledger, services
from smartkoto.payments.models import LedgerEntry, Payment
from smartkoto.payments.providers.base import ProviderError, WebhookRefused
from smartkoto.payments.providers.stripe import StripeProvider, _flatten, verify_signature
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

RECORDED = Path(__file__).parent / "stripe_recorded"
SECRET = "whsec_test_secret"


def recorded(name, **replace):
    text = (RECORDED / f"{name}.json").read_text()
    for key, value in replace.items():
        text = text.replace(key, value)
    return json.loads(text)


class FakeResponse:
    def __init__(self, status, body):
        self.status_code, self._body = status, body

    def json(self):
        return self._body


class FakeStripe:
    def __init__(self):
        self.routes, self.sent = {}, []

    def on(self, method, path, body, status=200):
        self.routes.setdefault((method, path), []).append((status, body))

    def request(self, method, url, data=None, params=None, headers=None, timeout=None):
        path = url.replace("https://api.stripe.com", "")
        self.sent.append({"method": method, "path": path, "data": dict(data or []), "params": dict(params or []), "headers": headers})
        answers = self.routes[(method, path)]
        status, body = answers[0] if len(answers) == 1 else answers.pop(0)
        return FakeResponse(status, body)


@pytest.fixture
def stripe(settings):
    fake = FakeStripe()
    settings.PAYMENTS_PROVIDER = "stripe"
    settings.PAYMENTS_STRIPE_SECRET_KEY = "sk_test_123"
    settings.PAYMENTS_STRIPE_WEBHOOK_SECRET = SECRET
    from smartkoto.payments.providers import registry

    original = registry.providers._items["stripe"]
    registry.providers._items["stripe"] = lambda: StripeProvider(session=fake)
    yield fake
    registry.providers._items["stripe"] = original


def stripe_signature(body, timestamp=None, secret=SECRET):
    timestamp = int(timestamp or time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac},v0=ignored"


def test_form_encoding_follows_stripes_nested_brackets():
    assert _flatten({"line_items": [{"price_data": {"unit_amount": 600}}], "expand": ["a", "b"], "skip": None}) == [
        ("line_items[0][price_data][unit_amount]", 600), ("expand[0]", "a"), ("expand[1]", "b")]


@pytest.mark.django_db
def test_create_sends_a_checkout_session_with_an_idempotency_key_and_the_server_amount(stripe, make_payment):
    stripe.on("POST", "/v1/checkout/sessions", recorded("checkout_session_created"))
    payment = make_payment(amount=600)
    assert payment.provider == "stripe" and payment.provider_ref == "cs_test_a1B2c3D4e5"
    assert payment.provider_url.startswith("https://checkout.stripe.com/")
    sent = stripe.sent[0]
    assert sent["headers"]["Idempotency-Key"] == f"smartkoto-pay-{payment.public_id}"
    assert sent["headers"]["Authorization"] == "Bearer sk_test_123"
    assert sent["data"]["mode"] == "payment"
    assert sent["data"]["line_items[0][price_data][currency]"] == "jpy"
    assert sent["data"]["line_items[0][price_data][unit_amount]"] == 600
    assert sent["data"]["metadata[payment]"] == payment.public_id


@pytest.mark.django_db
def test_poll_reads_a_decline_then_a_capture_and_books_it(stripe, make_payment):
    stripe.on("POST", "/v1/checkout/sessions", recorded("checkout_session_created"))
    payment = make_payment(amount=600)
    path = f"/v1/checkout/sessions/{payment.provider_ref}"
    stripe.on("GET", path, recorded("checkout_session_declined"))
    stripe.on("GET", path, recorded("checkout_session_paid"))
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    assert payment.status == "failed"
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert LedgerEntry.objects.get(payment=payment).provider_ref == "pi_3QxYz1AbCdEf"
    assert stripe.sent[-1]["params"] == {"expand[0]": "payment_intent", "expand[1]": "payment_intent.latest_charge"}


@pytest.mark.django_db
def test_refund_goes_to_the_payment_intent_with_the_refunds_idempotency_key(stripe, make_payment, make_staff):
    stripe.on("POST", "/v1/checkout/sessions", recorded("checkout_session_created"))
    payment = make_payment(amount=600)
    stripe.on("GET", f"/v1/checkout/sessions/{payment.provider_ref}", recorded("checkout_session_paid"))
    services.poll(payment, actor=SYSTEM)
    clerk, boss = make_staff("c", "kaikei", "case_worker"), make_staff("b", "kaikei", "department_manager")
    refund = services.request_refund(Payment.objects.get(pk=payment.pk), amount_yen=300, reason="一部", actor=Actor.for_user(clerk))
    stripe.on("POST", "/v1/refunds", recorded("refund_created", REFUND_ID=str(refund.pk)))
    services.decide_refund(refund, actor=Actor.for_user(boss), approve=True)
    sent = [s for s in stripe.sent if s["path"] == "/v1/refunds"][0]
    assert sent["headers"]["Idempotency-Key"] == f"smartkoto-refund-{refund.pk}"
    assert sent["data"]["payment_intent"] == "pi_3QxYz1AbCdEf" and sent["data"]["amount"] == 300
    payment.refresh_from_db()
    assert payment.status == "partially_refunded" and payment.refunded_yen == 300


@pytest.mark.django_db
def test_an_idempotency_error_is_not_retried(stripe, make_payment):
    stripe.on("POST", "/v1/checkout/sessions", recorded("idempotency_error"), status=400)
    payment = make_payment()
    assert payment.provider_ref == ""
    with pytest.raises(ProviderError) as caught:
        services._ensure_provider_session(payment)
    assert not caught.value.retryable


@pytest.mark.django_db
def test_a_signed_stripe_event_triggers_a_poll_and_duplicates_are_skipped(stripe, make_payment, client):
    stripe.on("POST", "/v1/checkout/sessions", recorded("checkout_session_created"))
    payment = make_payment(amount=600)
    stripe.on("GET", "/v1/checkout/sessions", recorded("checkout_sessions_by_intent"))
    stripe.on("GET", f"/v1/checkout/sessions/{payment.provider_ref}", recorded("checkout_session_paid"))
    body = json.dumps(recorded("event_payment_intent_succeeded")).encode()
    for _ in range(3):
        response = client.post("/api/payments/webhooks/stripe", data=body, content_type="application/json",
                               headers={"Stripe-Signature": stripe_signature(body)})
        assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert response.json()["outcome"] == "duplicate"
    assert LedgerEntry.objects.filter(payment=payment).count() == 1


def test_stripe_signature_rules():
    body = b'{"id":"evt_1"}'
    verify_signature(body, stripe_signature(body), SECRET)
    with pytest.raises(WebhookRefused, match="bad_signature"):
        verify_signature(body, stripe_signature(body, secret="whsec_other"), SECRET)
    with pytest.raises(WebhookRefused, match="stale_timestamp"):
        verify_signature(body, stripe_signature(body, timestamp=time.time() - 301), SECRET)
    with pytest.raises(WebhookRefused, match="missing_signature"):
        verify_signature(body, "", SECRET)
    with pytest.raises(WebhookRefused, match="bad_signature"):
        verify_signature(body + b" ", stripe_signature(body), SECRET)


@pytest.mark.django_db
def test_settlement_report_reads_balance_transactions_and_reconciles(stripe, make_payment, make_staff):
    from datetime import date

    stripe.on("POST", "/v1/checkout/sessions", recorded("checkout_session_created"))
    payment = make_payment(amount=600)
    stripe.on("GET", f"/v1/checkout/sessions/{payment.provider_ref}", recorded("checkout_session_paid"))
    stripe.on("GET", "/v1/balance_transactions", recorded("balance_transactions"))
    services.poll(payment, actor=SYSTEM)
    rows = StripeProvider(session=stripe).settlement_report(date(2025, 11, 25), date(2025, 11, 26))
    assert [(r.kind, r.provider_ref, r.amount, r.fee, r.line_ref) for r in rows] == [
        ("payment", "pi_3QxYz1AbCdEf", 600, 22, "ch_3QxYz1AbCdEf"), ("refund", "pi_3QxYz1AbCdEf", -300, 0, "re_3QxYz1AbCdEf0")]
    sent = stripe.sent[-1]
    assert sent["params"]["expand[0]"] == "data.source" and "created[gte]" in sent["params"]
    from django.utils import timezone

    today = timezone.localdate()
    run = ledger.reconcile(today, today, provider_id="stripe", report=rows[:1], actor=SYSTEM)
    assert run.counts["matched"] == 1

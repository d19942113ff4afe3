"""Webhook receiver: signed, timestamped, idempotent, order-independent; the faults the issue names."""

import json
import time

import pytest

from smartkoto.core.models import AuditRecord
from smartkoto.payments import services
from smartkoto.payments.models import LedgerEntry, Payment, WebhookReceipt
from smartkoto.payments.providers import simulated

from .conftest import event_types
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


def test_a_signed_webhook_marks_the_payment_paid_and_books_it_once(make_payment, sim, client):
    payment = make_payment()
    sim.pay(payment)
    hook = sim.hooks(payment)[-1]
    for _ in range(3):
        response = sim.post(client, hook)
        assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.captured_yen == 600
    assert LedgerEntry.objects.filter(payment=payment).count() == 1
    assert WebhookReceipt.objects.filter(event_id=hook.id).count() == 1
    assert response.json()["outcome"] == "duplicate"


def test_webhooks_out_of_order_end_in_the_right_final_state(make_payment, sim, client):
    payment = make_payment()
    sim.pay(payment, simulated.CARD_DECLINE)
    sim.pay(payment, simulated.CARD_CHALLENGE)
    simulated.complete_challenge(payment.provider_ref, passed=True)
    hooks = sim.hooks(payment)
    assert event_types(hooks) == ["payment.failed", "payment.requires_action", "payment.succeeded"]
    for hook in reversed(hooks * 3):  # succeeded arrives first, then the older ones, each three times
        assert sim.post(client, hook).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert LedgerEntry.objects.filter(payment=payment).count() == 1


def test_a_stale_failure_report_does_not_undo_a_newer_retry(make_payment, sim, client):
    payment = make_payment()
    sim.pay(payment, simulated.CARD_DECLINE)
    sim.pay(payment, simulated.CARD_CHALLENGE)  # the resident retried; the provider now waits for 3-D Secure
    failed, requires_action = sim.hooks(payment)
    assert sim.post(client, requires_action).status_code == 200
    assert sim.post(client, failed).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "started"


def test_bad_signature_is_refused_and_logged(make_payment, sim, client):
    payment = make_payment()
    sim.pay(payment)
    response = sim.post(client, sim.hooks(payment)[-1], secret="not-the-secret")
    assert response.status_code == 400 and response.json()["detail"] == "bad_signature"
    payment.refresh_from_db()
    assert payment.status == "started"
    assert AuditRecord.objects.filter(action="payments.webhook_refused", detail__reason="bad_signature").exists()


def test_stale_timestamp_is_refused_even_with_a_valid_signature(make_payment, sim, client):
    payment = make_payment()
    sim.pay(payment)
    response = sim.post(client, sim.hooks(payment)[-1], timestamp=time.time() - 301)
    assert response.status_code == 400 and response.json()["detail"] == "stale_timestamp"
    assert not WebhookReceipt.objects.exists()


def test_missing_signature_and_unknown_provider_are_refused(client):
    body = b'{"id": "evt_1"}'
    assert client.post("/api/payments/webhooks/simulated", data=body, content_type="application/json").status_code == 400
    assert client.post("/api/payments/webhooks/nope", data=body, content_type="application/json").status_code == 400


def test_a_body_changed_after_signing_is_refused(make_payment, sim, client):
    payment = make_payment()
    sim.pay(payment)
    hook = sim.hooks(payment)[-1]
    raw = hook.body.encode()
    tampered = hook.body.replace('"amount": 600', '"amount": 6')
    response = client.post("/api/payments/webhooks/simulated", data=tampered.encode(), content_type="application/json",
                           headers={"X-Sim-Signature": simulated.sign(raw)})
    assert response.status_code == 400


def test_a_signed_report_with_another_amount_is_not_applied(make_payment, sim, client):
    payment = make_payment()
    sim.pay(payment)
    data = json.loads(sim.hooks(payment)[-1].body)
    data["id"] = "evt_other"
    data["data"]["object"]["amount"] = 1
    response = sim.post(client, None, body=json.dumps(data))
    assert response.json()["outcome"] == "refused: amount mismatch"
    payment.refresh_from_db()
    assert payment.status == "started"


def test_failed_payment_later_captured_ends_succeeded(make_payment, sim, client):
    payment = make_payment()
    assert sim.pay(payment, simulated.CARD_LATE_CAPTURE) == "late_capture"
    sim.post(client, sim.hooks(payment)[-1])
    payment.refresh_from_db()
    assert payment.status == "failed"
    sim.settle_now(payment)
    services.poll(payment, actor=SYSTEM)  # the sweep's poll finds the capture; the provider also sends a webhook
    sim.post(client, sim.hooks(payment)[-1])
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert [e.to_status for e in payment.events.exclude(to_status="")] == ["created", "started", "failed", "succeeded"]
    assert LedgerEntry.objects.filter(payment=payment).count() == 1


def test_provider_timeout_leaves_the_payment_pending_and_never_charges_twice(make_payment, sim, client):
    from smartkoto.payments.models import SimIntent
    from smartkoto.payments.tasks import sweep

    payment = make_payment()
    assert sim.pay(payment, simulated.CARD_TIMEOUT) == "timeout"
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    assert payment.status == "started"
    # the resident presses pay again: the provider refuses a second charge while the first is processing
    assert simulated.submit_card(payment.provider_ref, simulated.CARD_SUCCESS) == "not_payable"
    sim.settle_now(payment)
    Payment.objects.filter(pk=payment.pk).update(updated_at=payment.updated_at.replace(year=2020))
    result = sweep.call()
    assert result["polled"] == 1
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    intent = SimIntent.objects.get(id=payment.provider_ref)
    assert intent.amount_captured == 600


def test_old_unfinished_payments_expire_at_the_provider_too(make_payment, sim):
    from datetime import timedelta

    from django.utils import timezone

    from smartkoto.payments.models import SimIntent
    from smartkoto.payments.tasks import sweep

    payment = make_payment()
    services.start(payment, actor=SYSTEM)
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1), updated_at=timezone.now() - timedelta(hours=2))
    assert sweep.call()["expired"] == 1
    payment.refresh_from_db()
    assert payment.status == "expired"
    assert SimIntent.objects.get(id=payment.provider_ref).status == "canceled"
    with pytest.raises(services.PaymentError):
        services.start(payment, actor=SYSTEM)

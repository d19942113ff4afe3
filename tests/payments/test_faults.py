"""Provider faults: unreachable at create, webhooks the provider could not deliver, refunds it refuses."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from smartkoto.payments import queries, services
from smartkoto.payments.models import Payment, Refund, SimIntent, SimWebhook
from smartkoto.payments.providers import simulated
from smartkoto.payments.providers.base import ProviderError
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


def test_provider_down_at_create_then_back_makes_exactly_one_provider_payment(make_payment, client, monkeypatch):
    original = simulated.SimulatedProvider.create

    def down(self, **kwargs):
        raise ProviderError("connection refused", retryable=True)

    monkeypatch.setattr(simulated.SimulatedProvider, "create", down)
    payment = make_payment()
    assert payment.provider_ref == "" and payment.status == "created"
    session = client.session
    session["guest:payments"] = [payment.public_id]
    session.save()
    response = client.get(queries.checkout_url(payment, actor=SYSTEM))
    assert response.status_code == 503
    monkeypatch.setattr(simulated.SimulatedProvider, "create", original)
    for _ in range(2):
        response = client.get(queries.checkout_url(payment, actor=SYSTEM))
        assert response.status_code == 302 and "/payments/sim/pay/" in response["Location"]
    assert SimIntent.objects.count() == 1
    assert Payment.objects.get().provider_ref == SimIntent.objects.get().id


def test_undelivered_webhooks_are_resent_signed_by_the_sweep(make_payment, sim, settings, monkeypatch):
    import requests

    from smartkoto.payments.tasks import sweep

    payment = make_payment()
    sim.pay(payment)
    settings.PAYMENTS_SIM_DELIVER_WEBHOOKS = True
    SimWebhook.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    sent = []

    class Answer:
        status_code = 200

    def fake_post(url, data, timeout, headers):
        sent.append((url, data, headers))
        return Answer()

    monkeypatch.setattr(requests, "post", fake_post)
    assert sweep.call()["webhooks_resent"] == 1
    url, data, headers = sent[0]
    assert url.endswith("/api/payments/webhooks/simulated")
    event = simulated.SimulatedProvider().verify_webhook(data, headers)  # a valid, fresh signature
    assert event.snapshot.status == "succeeded"
    assert SimWebhook.objects.get().delivered_at is not None
    assert sweep.call()["webhooks_resent"] == 0


def test_a_refund_the_provider_refuses_frees_the_amount(make_payment, sim, make_staff):
    payment = make_payment(amount=1000)
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    clerk, boss = make_staff("c", "kaikei", "case_worker"), make_staff("b", "kaikei", "department_manager")
    refund = services.request_refund(Payment.objects.get(pk=payment.pk), amount_yen=1000, reason="全額", actor=Actor.for_user(clerk))
    SimIntent.objects.filter(id=payment.provider_ref).update(amount_refunded=500)  # e.g. refunded at the provider's console
    refund = services.decide_refund(refund, actor=Actor.for_user(boss), approve=True)
    assert refund.state == "failed"
    payment.refresh_from_db()
    assert payment.refund_reserved_yen == 0 and payment.status == "succeeded"


def test_a_timeout_page_return_shows_pending_and_asks_not_to_pay_again(resident_client, resident, sim):
    payment = services.request_payment(actor=Actor.for_user(resident), payer=resident, reference="R-1", amount_yen=300, description={"ja": "テスト"},
                                       fee_code="juminhyo-copy", department_code="kumin", return_url="/payments/", idempotency_key="t1")
    sim.pay(payment, simulated.CARD_TIMEOUT)
    resident_client.get(f"/payments/p/{payment.public_id}/return/")
    page = resident_client.get(f"/en/payments/p/{payment.public_id}/").content.decode()
    assert "do not pay again" in page
    assert json.loads(sim.hooks(payment)[-1].body)["type"] == "payment.processing"
    assert Refund.objects.count() == 0


def test_the_sweep_command_runs_in_place_and_expires_what_is_due(make_payment):
    from io import StringIO

    from django.core.management import call_command

    payment = make_payment()
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1), updated_at=timezone.now() - timedelta(hours=2))
    out = StringIO()
    call_command("payments_sweep", "--now", stdout=out)
    assert "'expired': 1" in out.getvalue()
    assert Payment.objects.get(pk=payment.pk).status == "expired"

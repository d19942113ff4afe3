"""Payments fixtures. Webhooks of the simulated provider are not sent over HTTP in unit tests (there is
no server): tests take the signed bodies the provider recorded and post them to the receiver themselves."""

import json

import pytest


@pytest.fixture(autouse=True)
def _no_http_webhooks(request, settings):
    if "live_server" not in request.fixturenames:
        settings.PAYMENTS_SIM_DELIVER_WEBHOOKS = False
    settings.PAYMENTS_PROVIDER = "simulated"


@pytest.fixture(autouse=True)
def _fee_table(request):
    """The fee table is data now: load Koto's fees for every test that uses the database."""
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames else "db")
        from smartkoto.payments import demo

        demo.load_fees()


@pytest.fixture
def system():
    from smartkoto.core.actor import Actor

    return Actor.system("tests")


@pytest.fixture
def make_payment(db, system):
    from smartkoto.payments import services

    counter = {"n": 0}

    def make(payer=None, amount=600, reference=None, key=None, fee_code="juminhyo-copy", department_code="kumin"):
        counter["n"] += 1
        return services.request_payment(
            actor=system, payer=payer, reference=reference or f"REF-{counter['n']}", amount_yen=amount,
            description={"ja": "住民票の写し 2通", "en": "Certificate of residence × 2"}, fee_code=fee_code,
            department_code=department_code, return_url="/payments/", idempotency_key=key or f"key-{counter['n']}")

    return make


@pytest.fixture
def sim():
    """Drive the simulated provider as a resident on its hosted page would, and fetch its webhooks."""
    from smartkoto.payments.models import SimWebhook
    from smartkoto.payments.providers import simulated

    class Sim:
        def pay(self, payment, card=simulated.CARD_SUCCESS):
            from smartkoto.core.actor import Actor
            from smartkoto.payments import services

            services.start(payment, actor=Actor.system("tests"))
            payment.refresh_from_db()
            return simulated.submit_card(payment.provider_ref, card)

        def hooks(self, payment):
            return list(SimWebhook.objects.filter(intent_id=payment.provider_ref).order_by("created_at", "id"))

        def post(self, client, hook, timestamp=None, secret=None, body=None):
            raw = (body if body is not None else hook.body).encode()
            return client.post("/api/payments/webhooks/simulated", data=raw, content_type="application/json",
                               headers={"X-Sim-Signature": simulated.sign(raw, timestamp, secret)})

        def settle_now(self, payment):
            from django.utils import timezone

            from smartkoto.payments.models import SimIntent

            SimIntent.objects.filter(id=payment.provider_ref).update(settles_at=timezone.now())

    return Sim()


def event_types(hooks):
    return [json.loads(h.body)["type"] for h in hooks]

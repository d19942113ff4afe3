"""The contract online applications will use: services.request_payment/checkout_url, queries, signals."""

import pytest

from smartkoto.payments import queries, services, signals
from smartkoto.payments.models import Payment, PaymentEvent
from smartkoto.payments.providers import simulated
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


def test_same_idempotency_key_and_arguments_return_the_first_payment(make_payment):
    first = make_payment(reference="A-1", key="k1")
    again = make_payment(reference="A-1", key="k1")
    assert first.pk == again.pk
    assert Payment.objects.count() == 1


def test_same_idempotency_key_with_a_different_amount_is_refused(make_payment):
    make_payment(reference="A-1", key="k1", amount=600)
    with pytest.raises(services.IdempotencyConflict):
        make_payment(reference="A-1", key="k1", amount=60)


@pytest.mark.parametrize("amount", [0, -300, 300.5, "300", True])
def test_amount_must_be_a_positive_integer(make_payment, amount):
    with pytest.raises(services.PaymentError):
        make_payment(amount=amount)


def test_request_creates_the_provider_session_and_checkout_url_hands_over(make_payment, client):
    payment = make_payment()
    assert payment.status == "created" and payment.provider_ref.startswith("simpay_")
    assert queries.checkout_url(payment, actor=SYSTEM) == f"/payments/p/{payment.public_id}/pay/"
    session = client.session
    session["guest:payments"] = [payment.public_id]
    session.save()
    response = client.get(queries.checkout_url(payment, actor=SYSTEM))
    assert response.status_code == 302 and response["Location"] == f"/payments/sim/pay/{payment.provider_ref}/"
    payment.refresh_from_db()
    assert payment.status == "started"


def test_queries_and_signals_follow_a_payment_through_capture_and_refund(make_payment, sim, make_staff, django_capture_on_commit_callbacks):
    received = []

    def listener(signal_name):
        def handler(sender, payment, reference, **kwargs):
            received.append((signal_name, sender, reference))
        return handler

    handlers = {name: listener(name) for name in ("succeeded", "refunded", "failed")}
    signals.payment_succeeded.connect(handlers["succeeded"])
    signals.payment_refunded.connect(handlers["refunded"])
    signals.payment_failed.connect(handlers["failed"])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            payment = make_payment(reference="APP-7", amount=900)
            assert not queries.is_paid("APP-7", actor=SYSTEM) and queries.paid_amount("APP-7", actor=SYSTEM) == 0
            assert sim.pay(payment, simulated.CARD_DECLINE) == "decline"
            services.poll(payment, actor=SYSTEM)
            assert sim.pay(payment, simulated.CARD_SUCCESS) == "success"
            services.poll(payment, actor=SYSTEM)
            assert queries.is_paid("APP-7", actor=SYSTEM) and queries.paid_amount("APP-7", actor=SYSTEM) == 900
            clerk, manager = make_staff("kaikei-a", "kaikei", "case_worker"), make_staff("kaikei-b", "kaikei", "department_manager")
            refund = services.request_refund(payment, amount_yen=300, reason="一部取り下げ", actor=Actor.for_user(clerk))
            services.decide_refund(refund, actor=Actor.for_user(manager), approve=True)
            assert queries.paid_amount("APP-7", actor=SYSTEM) == 600 and queries.is_paid("APP-7", actor=SYSTEM)
            assert [p.pk for p in queries.payments_for_reference("APP-7", actor=SYSTEM)] == [payment.pk]
    finally:
        for signal, handler in ((signals.payment_succeeded, handlers["succeeded"]), (signals.payment_refunded, handlers["refunded"]),
                                (signals.payment_failed, handlers["failed"])):
            signal.disconnect(handler)
    assert [name for name, _s, _r in received] == ["failed", "succeeded", "refunded"]
    assert all(sender is Payment and ref == "APP-7" for _n, sender, ref in received)


def test_history_is_append_only(make_payment):
    payment = make_payment()
    event = PaymentEvent.objects.filter(payment=payment).first()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()

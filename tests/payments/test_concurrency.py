"""Real parallel clients: each thread has its own database connection (SQLite WAL + IMMEDIATE, or PostgreSQL)."""

import random
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from smartkoto.payments import services
from smartkoto.payments.models import LedgerEntry, Payment, Refund, SimIntent, WebhookReceipt
from smartkoto.payments.providers import simulated
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def run_parallel(functions):
    barrier = threading.Barrier(len(functions))
    errors, results = [], [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_webhooks_duplicated_three_times_and_shuffled_in_parallel_give_one_final_state(make_payment, sim):
    payment = make_payment()
    sim.pay(payment, simulated.CARD_DECLINE)
    sim.pay(payment, simulated.CARD_CHALLENGE)
    simulated.complete_challenge(payment.provider_ref, passed=True)
    hooks = sim.hooks(payment) * 3
    random.Random(7).shuffle(hooks)
    succeeded = []

    def deliver(hook):
        def send():
            response = sim.post(Client(), hook)
            assert response.status_code == 200, response.content
            return response.json()["outcome"]
        return send

    results, errors = run_parallel([deliver(h) for h in hooks])
    assert not errors, errors
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert LedgerEntry.objects.filter(payment=payment).count() == 1
    assert WebhookReceipt.objects.count() == 3
    assert results.count("duplicate") == 6
    assert payment.events.filter(to_status="succeeded").count() == 1


def test_parallel_refund_requests_never_exceed_the_captured_amount(make_payment, sim, make_staff):
    payment = make_payment(amount=1000)
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    clerks = [make_staff(f"clerk-{i}", "kaikei", "case_worker") for i in range(6)]
    boss = make_staff("boss", "kaikei", "department_manager")

    def ask(clerk):
        def request():
            p = Payment.objects.get(pk=payment.pk)
            try:
                refund = services.request_refund(p, amount_yen=400, reason="並行", actor=Actor.for_user(clerk))
            except services.RefundRefused:
                return "refused"
            services.decide_refund(refund, actor=Actor.for_user(boss), approve=True)
            return "refunded"
        return request

    results, errors = run_parallel([ask(c) for c in clerks])
    assert not errors, errors
    assert results.count("refunded") == 2 and results.count("refused") == 4
    payment.refresh_from_db()
    assert payment.refunded_yen == 800 and payment.refund_reserved_yen == 800 and payment.status == "partially_refunded"
    assert SimIntent.objects.get(id=payment.provider_ref).amount_refunded == 800
    assert Refund.objects.filter(state="succeeded").count() == 2


def test_parallel_approvals_of_one_refund_refund_once(make_payment, sim, make_staff):
    payment = make_payment(amount=1000)
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    clerk = make_staff("clerk", "kaikei", "case_worker")
    bosses = [make_staff(f"boss-{i}", "kaikei", "department_manager") for i in range(4)]
    refund = services.request_refund(payment, amount_yen=1000, reason="全額", actor=Actor.for_user(clerk))

    def approve(boss):
        def go():
            try:
                return services.decide_refund(Refund.objects.get(pk=refund.pk), actor=Actor.for_user(boss), approve=True).state
            except services.RefundRefused:
                return "refused"
        return go

    results, errors = run_parallel([approve(b) for b in bosses])
    assert not errors, errors
    assert results.count("refused") == 3
    assert SimIntent.objects.get(id=payment.provider_ref).amount_refunded == 1000
    assert LedgerEntry.objects.filter(kind="refund").count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}

""""Pay" pressed many times at once (double clicks, two tabs, a replayed POST), each request in its own thread with
its own database connection: one payment, because the idempotency key is derived from the case."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from smartkoto.core.actor import Actor

from smartkoto.applications import services
from smartkoto.applications.models import Application
from smartkoto.identity.models import User
from smartkoto.payments.models import Payment

from .conftest import JUMINHYO

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

N = 8


def test_parallel_pay_requests_for_one_application_create_one_payment(catalog, make_resident, settings):
    from smartkoto.procedures import queries

    settings.PAYMENTS_PROVIDER = "simulated"
    settings.PAYMENTS_SIM_DELIVER_WEBHOOKS = False
    procedure = queries.get("juminhyo")
    resident = make_resident(subject="payer")
    draft = Application.objects.create(procedure=procedure, form_version=procedure.live_version(), department_code="kumin",
                                       applicant=resident, answers=JUMINHYO)
    application = services.submit(draft, actor=Actor.for_user(resident))
    assert application.status == "awaiting_payment" and application.fee_amount == 600
    barrier = threading.Barrier(N)

    def pay(_):
        try:
            try:
                barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
            return services.pay(Application.objects.get(pk=application.pk), actor=Actor.for_user(User.objects.get(pk=resident.pk))).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=N) as pool:
        ids = list(pool.map(pay, range(N)))

    assert len(set(ids)) == 1
    assert Payment.objects.filter(reference=application.reference).count() == 1
    assert Payment.objects.get().amount_yen == 600

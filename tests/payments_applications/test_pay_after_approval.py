"""A fee decided later (粗大ごみ by item): received without payment; staff set the final amount, approve and ask
for payment; the resident pays; the verified capture completes the case."""

import pytest

from smartkoto.payments.models import Payment

from .conftest import SODAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def seiso_worker(make_staff, staff_login):
    """A case worker of 清掃事務所 (seiso), the department of 粗大ごみ."""
    from django.test import Client

    return staff_login(Client(), make_staff("seiso-case-test", "seiso", "case_worker"))


@pytest.fixture
def sodai(resident_client, catalog, apply):
    return apply(resident_client, "sodai-gomi", SODAI)


def test_received_at_once_with_an_estimate_and_nothing_to_pay_yet(sodai, resident_client):
    assert sodai.status == "received" and sodai.fee_timing == "after_approval" and sodai.fee_amount == 1200
    page = resident_client.get(f"/applications/{sodai.public_id}/").content.decode()
    assert 'data-testid="payment-later"' in page and 'data-testid="pay"' not in page
    resident_client.post(f"/applications/{sodai.public_id}/pay/")
    assert not Payment.objects.exists()


def test_staff_set_the_final_fee_approve_ask_for_payment_and_the_payment_completes_the_case(sodai, resident_client, seiso_worker, pay_by_card,
                                                                                           django_capture_on_commit_callbacks):
    url = f"/staff/cases/{sodai.reference}/"
    assert 'data-testid="set-fee"' in seiso_worker.get(url).content.decode()
    assert seiso_worker.post(url + "fee/", {"amount_yen": "abc"}).status_code == 200  # refused with an error, kept
    seiso_worker.post(url + "fee/", {"amount_yen": "2400"})  # two medium items after all
    sodai.refresh_from_db()
    assert sodai.fee_amount == 2400
    seiso_worker.post(url + "status/", {"target": "in_review"})
    seiso_worker.post(url + "status/", {"target": "approved"})
    assert 'data-testid="to-awaiting_payment"' in seiso_worker.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        seiso_worker.post(url + "status/", {"target": "awaiting_payment"})
    sodai.refresh_from_db()
    assert sodai.status == "awaiting_payment"
    # the fee is fixed once payment was asked for
    seiso_worker.post(url + "fee/", {"amount_yen": "1"})
    sodai.refresh_from_db()
    assert sodai.fee_amount == 2400
    page = resident_client.get(f"/applications/{sodai.public_id}/").content.decode()
    assert 'data-testid="payment-needed"' in page and "2,400円" in page
    payment = pay_by_card(resident_client, sodai)
    assert payment.amount_yen == 2400 and payment.status == "succeeded"
    assert sodai.status == "completed" and sodai.completed_at is not None
    assert [s for s in sodai.events.values_list("to_status", flat=True) if s] == ["received", "in_review", "approved", "awaiting_payment", "completed"]


def test_only_the_payment_signal_moves_a_case_out_of_awaiting_payment():
    from smartkoto.applications import workflow

    assert workflow.WF.allowed("approved", "awaiting_payment", workflow.STAFF)
    assert not workflow.WF.allowed("awaiting_payment", "received", workflow.STAFF)  # only the payment signal does that
    assert not workflow.WF.allowed("awaiting_payment", "completed", workflow.RESIDENT)

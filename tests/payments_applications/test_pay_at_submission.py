"""A certificate with a fee paid when sending (住民票の写し, 300円 per copy): the application waits for payment and
the ward receives it only when payments reports a verified capture."""

import pytest
from django.test import Client

from smartkoto.payments import services as payment_services
from smartkoto.payments.models import LedgerEntry, Payment
from smartkoto.payments.providers import simulated
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


def test_fee_is_computed_on_the_server_and_the_application_waits_for_payment(sent, resident_client):
    assert sent.status == "awaiting_payment" and sent.fee_amount == 600 and sent.fee_timing == "at_submission"
    assert sent.reference.startswith("KT-")
    done = resident_client.get(f"/applications/{sent.public_id}/sent/").content.decode()
    assert 'data-testid="payment-needed"' in done and f"/applications/{sent.public_id}/pay/" in done and "600円" in done
    mine = resident_client.get("/applications/").content.decode()
    assert 'data-testid="payment-needed-list"' in mine and f'data-testid="pay-{sent.reference}"' in mine
    assert not Payment.objects.exists()  # nothing is created until the resident presses Pay


def test_moves_to_received_only_after_the_verified_payment_signal(sent, resident_client, pay_by_card, django_capture_on_commit_callbacks):
    payment = pay_by_card(resident_client, sent, deliver=False)
    sent.refresh_from_db()
    # the provider captured, but until its signed webhook (or a poll) arrives nothing changes here
    assert sent.status == "awaiting_payment" and payment.status == "started"
    resident_client.get(f"/applications/{sent.public_id}/")
    sent.refresh_from_db()
    assert sent.status == "awaiting_payment"
    from tests.applications.conftest import deliver_webhooks

    deliver_webhooks(resident_client, payment, django_capture_on_commit_callbacks)
    sent.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == "succeeded" and sent.status == "received" and sent.paid_at is not None
    assert list(sent.events.filter(kind="payment").values_list("payment_outcome", "amount_yen")) == [("succeeded", 600)]
    # a replayed webhook / repeated signal changes nothing
    deliver_webhooks(resident_client, payment, django_capture_on_commit_callbacks)
    payment_services.signals.payment_succeeded.send(sender=Payment, payment=payment, reference=payment.reference)
    assert sent.events.filter(kind="payment", payment_outcome="succeeded").count() == 1
    assert [s for s in sent.events.values_list("to_status", flat=True) if s] == ["awaiting_payment", "received"]


def test_a_signal_without_a_captured_payment_changes_nothing(sent, resident_client):
    """Listeners ask payments whether the reference is really paid; a stray signal is not enough."""
    resident_client.post(f"/applications/{sent.public_id}/pay/")
    payment = Payment.objects.get(reference=sent.reference)
    payment_services.signals.payment_succeeded.send(sender=Payment, payment=payment, reference=sent.reference)
    sent.refresh_from_db()
    assert sent.status == "awaiting_payment"


def test_declined_then_paid_on_retry_ends_received_with_one_ledger_entry(sent, resident_client, pay_by_card):
    first = pay_by_card(resident_client, sent, card=simulated.CARD_DECLINE)
    assert first.status == "failed" and sent.status == "awaiting_payment"
    page = resident_client.get(f"/applications/{sent.public_id}/").content.decode()
    assert 'data-testid="payment-declined"' in page and 'data-testid="pay"' in page
    second = pay_by_card(resident_client, sent)
    assert second.pk == first.pk  # the unfinished payment is resumed, not a new one
    assert second.status == "succeeded" and sent.status == "received"
    assert LedgerEntry.objects.filter(payment=second).count() == 1
    assert list(sent.events.filter(kind="payment").values_list("payment_outcome", flat=True)) == ["failed", "succeeded"]


def test_a_failed_payment_later_captured_ends_paid_and_received(sent, resident_client, pay_by_card, django_capture_on_commit_callbacks):
    from smartkoto.payments.models import SimIntent

    payment = pay_by_card(resident_client, sent, card=simulated.CARD_LATE_CAPTURE)
    assert payment.status == "failed" and sent.status == "awaiting_payment"
    SimIntent.objects.filter(id=payment.provider_ref).update(settles_at=payment.created_at)  # the provider captures after all
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.poll(payment, actor=SYSTEM)  # as the sweep or the resident's "check again" does
    payment.refresh_from_db()
    sent.refresh_from_db()
    assert payment.status == "succeeded" and sent.status == "received"
    page = resident_client.get(f"/applications/{sent.public_id}/").content.decode()
    assert 'data-testid="payment-paid"' in page and "payment-needed" not in page


def test_the_amount_cannot_be_changed_by_the_browser(sent, resident_client):
    response = resident_client.post(f"/applications/{sent.public_id}/pay/", {"amount_yen": "1", "amount": "1", "fee_amount": "1"})
    assert response.status_code == 302
    payment = Payment.objects.get(reference=sent.reference)
    assert payment.amount_yen == 600
    sent.refresh_from_db()
    assert sent.fee_amount == 600
    # the hosted card page shows the server's amount; a tampered webhook amount is refused by payments
    assert "600" in resident_client.get(f"/payments/sim/pay/{payment.provider_ref}/").content.decode()


def test_a_replayed_pay_post_creates_one_payment(sent, resident_client):
    first = resident_client.post(f"/applications/{sent.public_id}/pay/")
    second = resident_client.post(f"/applications/{sent.public_id}/pay/")
    third = resident_client.post(f"/applications/{sent.public_id}/pay/")
    assert first["Location"] == second["Location"] == third["Location"]
    assert Payment.objects.filter(reference=sent.reference).count() == 1
    payment = Payment.objects.get()
    assert payment.idempotency_key == f"application-{sent.pk}-fee-600-0" and payment.payer_id == sent.applicant_id


def test_a_new_attempt_after_an_expired_payment_gets_a_new_payment(sent, resident_client):
    resident_client.post(f"/applications/{sent.public_id}/pay/")
    Payment.objects.update(status="expired")
    resident_client.post(f"/applications/{sent.public_id}/pay/")
    assert sorted(Payment.objects.values_list("idempotency_key", flat=True)) == [f"application-{sent.pk}-fee-600-0", f"application-{sent.pk}-fee-600-1"]


def test_get_and_other_people_cannot_pay(sent, resident_client, make_resident):
    assert resident_client.get(f"/applications/{sent.public_id}/pay/").status_code == 405
    other = Client()
    other.force_login(make_resident(name="別の 人"))
    assert other.post(f"/applications/{sent.public_id}/pay/").status_code == 403
    assert Client().post(f"/applications/{sent.public_id}/pay/").status_code == 403
    assert not Payment.objects.exists()
    from smartkoto.core.models import AuditRecord

    assert AuditRecord.objects.filter(action="access.refused", detail__action="applications.application.pay").count() == 2


def test_paid_application_page_links_the_receipt_and_shows_the_payment_in_the_timeline(sent, resident_client, pay_by_card):
    payment = pay_by_card(resident_client, sent)
    page = resident_client.get(f"/applications/{sent.public_id}/").content.decode()
    assert 'data-testid="payment-paid"' in page and 'data-testid="event-paid"' in page
    assert f"/payments/p/{payment.public_id}/receipt.pdf" in page
    receipt = resident_client.get(f"/payments/p/{payment.public_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert resident_client.post(f"/applications/{sent.public_id}/pay/").status_code == 302
    assert Payment.objects.count() == 1  # nothing more to pay


def test_staff_see_waiting_for_payment_then_paid_with_links_both_ways(sent, resident_client, pay_by_card, case_worker):
    inbox = case_worker.get("/staff/cases/").content.decode()
    assert sent.reference in inbox and 'data-testid="awaiting-payment"' in inbox
    case = case_worker.get(f"/staff/cases/{sent.reference}/").content.decode()
    assert 'data-testid="case-awaiting-payment"' in case
    payment = pay_by_card(resident_client, sent)
    case = case_worker.get(f"/staff/cases/{sent.reference}/").content.decode()
    assert 'data-testid="case-paid"' in case and f"/staff/payments/{payment.pk}/" in case
    detail = case_worker.get(f"/staff/payments/{payment.pk}/").content.decode()
    assert f"/staff/cases/{sent.reference}/" in detail


def test_a_refund_is_reflected_on_the_case(sent, resident_client, pay_by_card, accounting, case_worker, django_capture_on_commit_callbacks):
    clerk, boss = accounting
    payment = pay_by_card(resident_client, sent)
    detail = clerk.get(f"/staff/payments/{payment.pk}/").content.decode()
    # the payment names its application; 会計管理室 may not open a 区民課 case, so no link for them
    assert f"申請 {sent.reference}" in detail and f"/staff/cases/{sent.reference}/" not in detail
    clerk.post(f"/staff/payments/{payment.pk}/refund/", {"amount_yen": "300", "reason": "1通分の取り下げ"})
    refund = payment.refunds.get()
    assert f"申請 {sent.reference}" in boss.get("/staff/payments/refunds/").content.decode()
    assert f"/staff/cases/{sent.reference}/" in case_worker.get(f"/staff/payments/{payment.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        boss.post(f"/staff/payments/refunds/{refund.pk}/decide/", {"decision": "approve", "note": ""})
    payment.refresh_from_db()
    assert payment.status == "partially_refunded" and payment.refunded_yen == 300
    sent.refresh_from_db()
    assert sent.status == "received"  # a partial refund does not undo the application
    assert sent.events.filter(kind="payment", payment_outcome="refunded", amount_yen=300).count() == 1
    case = case_worker.get(f"/staff/cases/{sent.reference}/").content.decode()
    assert 'data-testid="case-paid"' in case and "300円" in case and 'data-testid="event-refunded"' in case
    page = resident_client.get(f"/applications/{sent.public_id}/").content.decode()
    assert 'data-testid="payment-refunded"' in page


def test_payments_never_imports_applications():
    import pathlib

    import smartkoto.payments

    root = pathlib.Path(smartkoto.payments.__file__).parent
    offenders = [str(p) for p in root.rglob("*.py") if "smartkoto.applications" in p.read_text() or "from smartkoto import applications" in p.read_text()]
    assert offenders == []

"""Pages without JavaScript through the Django test client: slip payment, access control, staff pages."""

import re

import pytest

from smartkoto.core.models import AuditRecord
from smartkoto.payments import services, slips
from smartkoto.payments.models import Payment, PaymentSlip, Refund
from smartkoto.payments.providers import simulated
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


@pytest.fixture
def slip(koto):
    return slips.issue("juminhyo-copy", 2, actor=SYSTEM)


def open_slip(client, slip):
    response = client.post("/payments/slip/", {"number": slip.number, "check_code": slip.check_code})
    assert response.status_code == 302 and response["Location"] == f"/payments/slip/{slip.number}/"
    return client.get(response["Location"])


def pay_key(page):
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_resident_pays_a_slip_without_javascript(resident_client, slip, resident, django_capture_on_commit_callbacks):
    page = open_slip(resident_client, slip)
    assert "600円" in page.content.decode()
    response = resident_client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": pay_key(page), "amount_yen": "1"})
    payment = Payment.objects.get()
    assert payment.amount_yen == 600 and payment.payer == resident  # the posted amount was ignored
    assert response["Location"] == f"/payments/p/{payment.public_id}/pay/"
    hosted = resident_client.get(resident_client.get(response["Location"])["Location"])
    assert "4242" in hosted.content.decode()
    back = resident_client.post(f"/payments/sim/pay/{payment.provider_ref}/", {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123", "amount": "1"})
    assert back["Location"] == f"/payments/p/{payment.public_id}/return/"
    with django_capture_on_commit_callbacks(execute=True):  # the slip listens to payment_succeeded after commit
        assert resident_client.get(back["Location"])["Location"] == f"/payments/p/{payment.public_id}/"
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.captured_yen == 600
    slip.refresh_from_db()
    assert slip.state == "paid"
    mine = resident_client.get("/payments/").content.decode()
    assert "receipt.pdf" in mine
    receipt = resident_client.get(f"/payments/p/{payment.public_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_double_submit_of_the_pay_button_creates_one_payment(resident_client, slip):
    page = open_slip(resident_client, slip)
    key = pay_key(page)
    first = resident_client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": key})
    second = resident_client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": key})
    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1


def test_wrong_confirmation_number_does_not_open_the_slip_and_locks_after_ten(client, slip):
    response = client.post("/payments/slip/", {"number": slip.number, "check_code": "000000" if slip.check_code != "000000" else "111111"})
    assert response.status_code == 200 and "エラー" in response.content.decode()
    assert client.get(f"/payments/slip/{slip.number}/")["Location"] == "/payments/slip/"
    PaymentSlip.objects.filter(pk=slip.pk).update(failed_attempts=10)
    assert slips.find(slip.number, slip.check_code) is None


def test_guest_can_pay_and_only_that_browser_sees_the_payment(client, slip, make_resident):
    from django.test import Client

    page = open_slip(client, slip)
    client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": pay_key(page)})
    payment = Payment.objects.get()
    assert payment.payer is None
    assert client.get(f"/payments/p/{payment.public_id}/").status_code == 200
    assert Client().get(f"/payments/p/{payment.public_id}/").status_code == 403
    other = Client()
    other.force_login(make_resident(subject="other"))
    assert other.get(f"/payments/p/{payment.public_id}/").status_code == 403
    assert other.get(f"/payments/p/{payment.public_id}/receipt.pdf").status_code == 403
    assert AuditRecord.objects.filter(action="access.refused", detail__action="payments.payment.own").count() == 3


def test_a_declined_card_can_be_retried_and_the_failed_page_says_so(resident_client, slip):
    page = open_slip(resident_client, slip)
    resident_client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": pay_key(page)})
    payment = Payment.objects.get()
    resident_client.get(f"/payments/p/{payment.public_id}/pay/")
    resident_client.post(f"/payments/sim/pay/{payment.provider_ref}/", {"card_number": simulated.CARD_DECLINE, "expiry": "12/30", "cvc": "123"})
    resident_client.get(f"/payments/p/{payment.public_id}/return/")
    detail = resident_client.get(f"/payments/p/{payment.public_id}/").content.decode()
    assert 'data-testid="payment-failed"' in detail and 'data-testid="retry"' in detail
    assert resident_client.post(f"/payments/p/{payment.public_id}/pay/")["Location"] == f"/payments/sim/pay/{payment.provider_ref}/"
    payment.refresh_from_db()
    assert payment.status == "started"


def test_english_pages_render(resident_client, slip):
    assert "Pay a payment slip" in resident_client.get("/en/payments/slip/").content.decode()
    assert "My payments" in resident_client.get("/en/payments/").content.decode()


# -- staff -------------------------------------------------------------------------------------
@pytest.fixture
def paid_payment(make_payment, sim):
    payment = make_payment(amount=600)
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    return payment


def test_staff_request_and_a_second_manager_approves_a_partial_refund(client, make_staff, staff_login, paid_payment):
    from django.test import Client

    clerk = make_staff("kaikei-clerk", "kaikei", "case_worker")
    manager = make_staff("kumin-boss", "kumin", ["department_manager", "case_worker"])
    staff_login(client, clerk)
    assert client.get(f"/staff/payments/{paid_payment.pk}/").status_code == 200
    assert AuditRecord.objects.filter(action="payments.viewed", target_id=str(paid_payment.pk)).exists()
    bad = client.post(f"/staff/payments/{paid_payment.pk}/refund/", {"amount_yen": "601", "reason": "x"})
    assert bad.status_code == 400
    client.post(f"/staff/payments/{paid_payment.pk}/refund/", {"amount_yen": "300", "reason": "1通分の取下げ"})
    refund = Refund.objects.get()
    # the requester sees no approve button and is refused when posting anyway
    assert "Approve" not in client.get("/en/staff/payments/refunds/").content.decode()
    assert client.post(f"/staff/payments/refunds/{refund.pk}/decide/", {"decision": "approve"}).status_code == 403
    boss = staff_login(Client(), manager)
    boss.post(f"/staff/payments/refunds/{refund.pk}/decide/", {"decision": "approve", "note": "確認済"})
    refund.refresh_from_db()
    paid_payment.refresh_from_db()
    assert refund.state == "succeeded" and refund.decided_by == manager
    assert paid_payment.status == "partially_refunded" and paid_payment.refunded_yen == 300
    assert AuditRecord.objects.filter(action="payments.refund_approved").exists()


def test_staff_of_other_departments_cannot_see_the_payment(client, make_staff, staff_login, paid_payment):
    staff_login(client, make_staff("kosodate", "kosodate", "case_worker"))
    assert client.get(f"/staff/payments/{paid_payment.pk}/").status_code == 403
    assert client.get("/staff/payments/ledger/").status_code == 403
    assert AuditRecord.objects.filter(action="access.refused", detail__action="payments.payment.view").exists()


def test_staff_issue_a_slip_and_keep_the_ledger(client, make_staff, staff_login, paid_payment):
    staff_login(client, make_staff("kaikei-staff", "kaikei", ["case_worker", "department_manager"]))
    response = client.post("/staff/payments/slips/", {"fee_code": "sodai-large", "quantity": "2"})
    assert response.status_code == 302
    slip = PaymentSlip.objects.get(fee_code="sodai-large")
    assert slip.amount_yen == 3200 and slips.valid_number(slip.number) and len(slip.check_code) == 6
    ledger_page = client.get("/staff/payments/ledger/")
    assert "600円" in ledger_page.content.decode()
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert "エラー" in client.get("/staff/payments/ledger/?start=2000-01-01&end=2099-12-31").content.decode()  # at most a year
    csv = client.get(f"/staff/payments/ledger/?start={today}&end={today}&format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "juminhyo-copy" in csv.content.decode("utf-8-sig")
    assert client.get("/staff/payments/ledger/?start=2000-01-01&end=2001-12-31&format=xlsx").status_code == 200
    run = client.post("/staff/payments/reconciliation/", {"scope": "day"})
    assert client.get(run["Location"]).status_code == 200
    assert client.post("/staff/payments/reconciliation/", {"scope": "month"}).status_code == 302
    for url in ("/staff/payments/", "/en/staff/payments/", "/staff/payments/refunds/", "/staff/payments/reconciliation/"):
        assert client.get(url).status_code == 200, url

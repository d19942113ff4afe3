import pytest

from smartkoto.payments import receipts, services
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


def test_receipt_pdf_uses_the_japanese_cid_font_and_shows_the_amount(make_payment, sim):
    payment = make_payment(amount=600)
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    pdf = receipts.build_pdf(payment, "江東 花子")
    assert pdf.startswith(b"%PDF")
    assert b"HeiseiKakuGo-W5" in pdf
    assert f"Receipt {receipts.receipt_number(payment)} 600 JPY".encode() in pdf  # the document's subject


def test_receipt_of_an_unpaid_payment_is_not_served(make_payment, client):
    payment = make_payment()
    session = client.session
    session["guest:payments"] = [payment.public_id]
    session.save()
    assert client.get(f"/payments/p/{payment.public_id}/receipt.pdf").status_code == 404

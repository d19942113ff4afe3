"""A resident pays a ward fee by payment slip on the simulated provider, in a real browser, with axe-core
on every page (Japanese and English): a declined card, a successful retry, the receipt; 3-D Secure in English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLIP = ("1308300000000017", "482913")  # demo slip: 住民票の写し 2通, 600円
SLIP_2 = ("1308300000000025", "730155")  # demo slip: 粗大ごみ（中） 3点, 2,400円


def fill_card(page, number):
    page.fill("#id_card_number", number)
    page.fill("#id_expiry", "12/30")
    page.fill("#id_cvc", "123")
    page.click("button[name=pay]")


def test_resident_pays_a_slip_after_a_declined_card_and_downloads_the_receipt(page, site, axe, browser_sign_in_resident):
    from smartkoto import demo
    from smartkoto.payments.models import LedgerEntry, Payment, PaymentSlip, SimWebhook

    demo.load()
    browser_sign_in_resident(page, site, 0)
    page.goto(site + "/payments/slip/")
    axe(page, "slip lookup")
    page.click("main button[type=submit]")
    expect(page).to_have_title(re.compile("^エラー:"))
    axe(page, "slip lookup with errors")
    page.fill("#id_number", SLIP[0])
    page.fill("#id_check_code", SLIP[1])
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/payments/slip/{SLIP[0]}/")
    expect(page.get_by_test_id("slip-amount")).to_have_text("600円", use_inner_text=True)
    axe(page, "slip")
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/payments/sim/pay/**")
    axe(page, "simulated provider")
    fill_card(page, "4000 0000 0000 0002")
    page.wait_for_url("**/payments/p/*/")
    expect(page.get_by_test_id("payment-status")).to_have_text("未払い（承認されなかったか失敗）", use_inner_text=True)
    axe(page, "declined")
    page.get_by_test_id("retry").click()
    page.wait_for_url("**/payments/sim/pay/**")
    axe(page, "provider after a decline")
    fill_card(page, "4242 4242 4242 4242")
    page.wait_for_url("**/payments/p/*/")
    expect(page.get_by_test_id("payment-status")).to_have_text("支払い済み", use_inner_text=True)
    expect(page.get_by_test_id("paid-amount")).to_have_text("600円", use_inner_text=True)
    axe(page, "paid")
    with page.expect_download() as download:
        page.get_by_test_id("receipt-link").click()
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF") and b"HeiseiKakuGo-W5" in pdf
    payment = Payment.objects.get(reference=SLIP[0])
    assert payment.status == "succeeded" and payment.captured_yen == 600
    assert [e.to_status for e in payment.events.exclude(to_status="")] == ["created", "started", "failed", "started", "succeeded"]
    assert LedgerEntry.objects.filter(payment=payment).count() == 1
    assert PaymentSlip.objects.get(number=SLIP[0]).state == "paid"
    # the provider's signed webhooks reached the receiver over HTTP
    assert SimWebhook.objects.filter(intent_id=payment.provider_ref, delivered_at__isnull=False).count() == 2
    page.goto(site + "/payments/")
    axe(page, "my payments")
    expect(page.locator("main")).to_contain_text("領収書（PDF）", use_inner_text=True)
    page.goto(site + f"/payments/slip/{SLIP[0]}/")
    expect(page.locator("main")).to_contain_text("支払い済み", use_inner_text=True)


def test_english_resident_resumes_an_unfinished_payment_and_passes_3d_secure(page, site, axe, browser_sign_in_resident):
    from smartkoto import demo
    from smartkoto.payments.models import Payment

    demo.load()
    browser_sign_in_resident(page, site, 1, language_prefix="/en")
    page.goto(site + "/en/payments/slip/")
    axe(page, "slip lookup (en)")
    page.fill("#id_number", SLIP_2[0])
    page.fill("#id_check_code", SLIP_2[1])
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/en/payments/slip/{SLIP_2[0]}/")
    expect(page.get_by_test_id("slip-amount")).to_have_text("¥2,400", use_inner_text=True)
    axe(page, "slip (en)")
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/payments/sim/pay/**")
    axe(page, "simulated provider (en)")
    page.goto(site + "/en/payments/")  # the resident wanders off before paying
    axe(page, "my payments with an unfinished payment (en)")
    page.get_by_role("button", name="Resume the payment").click()
    page.wait_for_url("**/payments/sim/pay/**")
    fill_card(page, "4000000000003220")
    page.wait_for_url("**/3ds/")
    axe(page, "3-D Secure (en)")
    page.click("button[value=pass]")
    page.wait_for_url("**/en/payments/p/*/")
    expect(page.get_by_test_id("payment-status")).to_have_text("Paid", use_inner_text=True)
    axe(page, "paid (en)")
    assert Payment.objects.get(reference=SLIP_2[0]).status == "succeeded"

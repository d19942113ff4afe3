"""Staff refund part of a payment and a second staff member approves it (four eyes), in a real browser,
with axe-core on every page; then the accounting office's ledger and reconciliation."""

import re

import pytest
from playwright.sync_api import expect
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def paid_slip_payment():
    from smartkoto.payments import services, slips
    from smartkoto.payments.models import PaymentSlip
    from smartkoto.payments.providers import simulated

    slip = PaymentSlip.objects.get(number="1308300000000017")
    payment = slips.pay(slip, actor=SYSTEM)
    services.start(payment, actor=SYSTEM)
    payment.refresh_from_db()
    assert simulated.submit_card(payment.provider_ref, simulated.CARD_SUCCESS) == "success"
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    return payment


def test_staff_refund_part_of_a_payment_with_a_second_approver(open_page, page, site, axe, browser_sign_in_staff):
    from smartkoto import demo
    from smartkoto.identity.models import User
    from smartkoto.payments.models import LedgerEntry, Refund

    demo.load()
    payment = paid_slip_payment()
    requester = User.objects.get(username="kaikei-staff")
    browser_sign_in_staff(page, site, requester, password="koto-demo-2026")
    page.goto(site + "/staff/payments/")
    axe(page, "staff payments")
    page.click(f"a[href='/staff/payments/{payment.pk}/']")
    page.wait_for_url(f"**/staff/payments/{payment.pk}/")
    axe(page, "staff payment detail")
    page.click("form[action$='/refund/'] button[type=submit]")
    expect(page).to_have_title(re.compile("^エラー:"))
    axe(page, "refund form with errors")
    page.fill("#id_amount_yen", "300")
    page.fill("#id_reason", "2通のうち1通を取り下げたため")
    page.click("form[action$='/refund/'] button[type=submit]")
    page.wait_for_url(f"**/staff/payments/{payment.pk}/")
    refund = Refund.objects.get(payment=payment)
    assert refund.state == "requested"
    page.goto(site + "/staff/payments/refunds/")
    axe(page, "refunds as the requester")
    expect(page.locator(f"[data-testid=refund-{refund.pk}] button[value=approve]")).to_have_count(0)

    second = open_page(**PHONE)
    try:
        approver = User.objects.get(username="kumin-manager")
        browser_sign_in_staff(second, site, approver, password="koto-demo-2026")
        second.goto(site + "/staff/payments/refunds/")
        axe(second, "refunds as the approver")
        second.fill(f"#note-{refund.pk}", "申請内容を確認")
        second.click(f"[data-testid=refund-{refund.pk}] button[value=approve]")
        expect(second.locator(f"[data-testid=refund-{refund.pk}] button[value=approve]")).to_have_count(0)  # same URL: wait for the reload
        axe(second, "refund approved")
        second.goto(site + f"/en/staff/payments/{payment.pk}/")
        expect(second.get_by_test_id("staff-payment-status")).to_have_text("Paid, partly refunded", use_inner_text=True)
        expect(second.get_by_test_id("refunded")).to_have_text("¥300", use_inner_text=True)
        axe(second, "payment detail (en)")
    finally:
        second.context.close()
    refund.refresh_from_db()
    assert refund.state == "succeeded" and refund.requested_by == requester and refund.decided_by.username == "kumin-manager"
    assert sorted(LedgerEntry.objects.filter(payment=payment).values_list("amount_yen", flat=True)) == [-300, 600]

    page.goto(site + "/staff/payments/ledger/")
    expect(page.get_by_test_id("ledger-net")).to_have_text("300円", use_inner_text=True)
    axe(page, "ledger")
    page.goto(site + "/staff/payments/reconciliation/")
    axe(page, "reconciliation")
    page.get_by_role("button", name="今日の分を消込").click()
    page.wait_for_url("**/staff/payments/reconciliation/*/")
    expect(page.get_by_test_id("count-matched")).to_have_text("2", use_inner_text=True)
    expect(page.get_by_test_id("count-amount_mismatch")).to_have_text("0", use_inner_text=True)
    axe(page, "reconciliation result")
    page.goto(site + "/staff/payments/slips/")
    axe(page, "payment slips")
    page.select_option("#id_fee_code", "sodai-large")
    page.fill("#id_quantity", "2")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/payments/slips/")
    expect(page.locator("main")).to_contain_text("3,200円", use_inner_text=True)
    page.goto(site + "/en/staff/payments/ledger/")
    axe(page, "ledger (en)")

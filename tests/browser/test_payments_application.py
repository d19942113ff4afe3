"""Show (issue 6): a card-verified resident applies for 住民票の写し (300円 per copy, 2 copies), is declined with the
decline test card, retries with the success card on the simulated provider, sees the application received and
downloads the receipt (領収書); a case worker sees the case paid and follows it to the payment. The provider's
signed webhooks reach our receiver over HTTP. axe-core runs on every page visited, in Japanese and English."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(koto, settings):
    from smartkoto.identity import demo as identity_demo
    from smartkoto.procedures import demo as procedures_demo

    settings.EMAIL_BACKEND = "smartkoto.notifications.backends.OutboxBackend"
    settings.PAYMENTS_PROVIDER = "simulated"
    identity_demo.load()
    procedures_demo.load()


def fill_card(page, number):
    page.fill("#id_card_number", number)
    page.fill("#id_expiry", "12/30")
    page.fill("#id_cvc", "123")
    page.click("button[name=pay]")


def fill_certificate_request(page):
    page.wait_for_url("**/step/applicant/")
    page.fill("#id_full_name_kana", "コウトウ ハナコ")
    page.fill("#id_phone", "03-3647-9111")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/step/certificate/")
    page.fill("#id_copies", "2")
    page.select_option("#id_purpose", "work")
    page.check("#id_scope_0")
    page.check("#id_delivery_0")


def test_resident_pays_a_certificate_fee_after_a_decline_and_the_case_worker_sees_it_paid(
        page, site, open_page, axe, demo_data, browser_sign_in_resident, browser_sign_in_staff):
    from smartkoto.applications.models import Application
    from smartkoto.identity.demo import DEMO_PASSWORD
    from smartkoto.identity.models import User
    from smartkoto.payments.models import LedgerEntry, Payment, SimWebhook

    browser_sign_in_resident(page, site, 0)
    page.goto(site + "/procedures/juminhyo/")
    expect(page.get_by_test_id("fee")).to_contain_text("300円", use_inner_text=True)
    expect(page.get_by_test_id("fee-timing")).to_contain_text("カードでオンライン納付", use_inner_text=True)
    axe(page, "procedure page")
    page.get_by_test_id("start-link").click()
    page.wait_for_url("**/applications/start/juminhyo/")  # the procedure page shows fee-timing too
    expect(page.get_by_test_id("fee-timing")).to_be_visible()
    axe(page, "start page")
    page.get_by_test_id("start").click()
    fill_certificate_request(page)
    axe(page, "certificate step")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/check/")
    expect(page.get_by_test_id("fee")).to_have_text("600円", use_inner_text=True)
    expect(page.get_by_test_id("fee-timing")).to_contain_text("申請を送った直後にカードでオンライン納付", use_inner_text=True)
    axe(page, "check your answers")
    page.get_by_test_id("to-declaration").click()
    page.check("#id_agree")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/sent/")
    reference = page.get_by_test_id("reference").inner_text()
    application = Application.objects.get(reference=reference)
    assert application.status == "awaiting_payment" and application.fee_amount == 600
    expect(page.get_by_test_id("payment-needed")).to_be_visible()
    expect(page.get_by_test_id("payment-amount")).to_have_text("600円", use_inner_text=True)
    axe(page, "confirmation: payment needed")

    # declined
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/payments/sim/pay/**")
    expect(page.locator("main")).to_contain_text("600", use_inner_text=True)
    axe(page, "simulated provider")
    fill_card(page, "4000 0000 0000 0002")
    page.wait_for_url("**/payments/p/*/")
    expect(page.get_by_test_id("payment-status")).to_have_text("未払い（承認されなかったか失敗）", use_inner_text=True)
    axe(page, "payment declined")
    page.goto(site + f"/applications/{application.public_id}/")
    expect(page.get_by_test_id("status")).to_have_text("納付待ち", use_inner_text=True)
    expect(page.get_by_test_id("payment-declined")).to_be_visible()
    axe(page, "application after a decline")
    page.goto(site + "/applications/")
    expect(page.get_by_test_id("payment-needed-list")).to_be_visible()
    axe(page, "my applications: payment needed")

    # resumed from "my applications", paid with the success card
    page.get_by_test_id(f"pay-{reference}").click()
    page.wait_for_url("**/payments/sim/pay/**")
    fill_card(page, "4242 4242 4242 4242")
    page.wait_for_url("**/payments/p/*/")
    expect(page.get_by_test_id("payment-status")).to_have_text("支払い済み", use_inner_text=True)
    axe(page, "payment paid")
    page.get_by_test_id("return-link").click()
    page.wait_for_url(f"**/applications/{application.public_id}/")
    expect(page.get_by_test_id("status")).to_have_text("受付済み", use_inner_text=True)
    expect(page.get_by_test_id("payment-paid")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("納付を確認しました：600円", use_inner_text=True)
    axe(page, "application paid and received")
    with page.expect_download() as download:
        page.get_by_test_id("payment-receipt").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    payment = Payment.objects.get(reference=reference)
    assert Payment.objects.filter(reference=reference).count() == 1  # the retry resumed the same payment
    assert payment.status == "succeeded" and payment.amount_yen == 600 and payment.captured_yen == 600
    assert LedgerEntry.objects.filter(payment=payment).count() == 1
    assert SimWebhook.objects.filter(intent_id=payment.provider_ref, delivered_at__isnull=False).exists()
    application.refresh_from_db()
    assert application.status == "received" and application.paid_at is not None

    # the same pages in English
    for path in ("/en/procedures/juminhyo/", "/en/applications/start/juminhyo/", f"/en/applications/{application.public_id}/sent/",
                 f"/en/applications/{application.public_id}/", "/en/applications/", f"/en/payments/p/{payment.public_id}/"):
        page.goto(site + path)
        axe(page, path)
    page.goto(site + f"/en/applications/{application.public_id}/")
    expect(page.get_by_test_id("payment-paid")).to_have_text("Paid", use_inner_text=True)
    expect(page.get_by_test_id("status")).to_have_text("received", use_inner_text=True)
    # an English draft up to its check page (shows the fee and when it is paid), then left unsent
    page.goto(site + "/en/applications/start/juminhyo/")
    page.get_by_test_id("start").click()
    fill_certificate_request(page)
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/check/")
    assert page.get_by_test_id("fee").inner_text() == "¥600" and "right after you send" in page.get_by_test_id("fee-timing").inner_text()
    axe(page, "check your answers (English)")
    page.goto(site + f"/en/payments/sim/pay/{payment.provider_ref}/")
    axe(page, "simulated provider (English)")

    # the case worker
    staff = open_page(1280, 900)
    browser_sign_in_staff(staff, site, User.objects.get(username="kumin-case"), password=DEMO_PASSWORD)
    for prefix in ("", "/en"):
        staff.goto(site + prefix + "/staff/cases/")
        axe(staff, prefix + " inbox")
        staff.goto(site + prefix + f"/staff/cases/{reference}/")
        expect(staff.get_by_test_id("case-paid")).to_be_visible()
        axe(staff, prefix + " case page, paid")
        staff.get_by_test_id("case-payments").get_by_role("link").first.click()
        staff.wait_for_url(f"**/staff/payments/{payment.pk}/")
        assert staff.get_by_test_id("staff-payment-status").inner_text() in ("支払い済み", "Paid")
        expect(staff.get_by_test_id("reference-links").get_by_role("link")).to_have_count(1)
        axe(staff, prefix + " payment detail")
    staff.goto(site + f"/staff/cases/{reference}/")
    expect(staff.get_by_test_id("case-status")).to_contain_text("受付", use_inner_text=True)
    staff.context.close()


def test_inbox_marks_a_case_waiting_for_payment(page, site, axe, demo_data, browser_sign_in_resident, browser_sign_in_staff, open_page):
    from smartkoto.identity.demo import DEMO_PASSWORD
    from smartkoto.identity.models import User

    browser_sign_in_resident(page, site, 0)
    page.goto(site + "/applications/start/juminhyo/")
    page.get_by_test_id("start").click()
    fill_certificate_request(page)
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/check/")
    page.get_by_test_id("to-declaration").click()
    page.check("#id_agree")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/sent/")
    reference = page.get_by_test_id("reference").inner_text()
    page.goto(site + "/en/applications/")
    expect(page.get_by_test_id("payment-needed-list")).to_be_visible()
    axe(page, "my applications: payment needed (English)")
    staff = open_page(1280, 900)
    browser_sign_in_staff(staff, site, User.objects.get(username="kumin-case"), password=DEMO_PASSWORD)
    for prefix in ("", "/en"):
        staff.goto(site + prefix + "/staff/cases/")
        row = staff.locator("tr", has=staff.get_by_role("link", name=reference))
        expect(row.get_by_test_id("awaiting-payment")).to_be_visible()
        axe(staff, prefix + " inbox with a case waiting for payment")
        staff.goto(site + prefix + f"/staff/cases/{reference}/")
        expect(staff.get_by_test_id("case-awaiting-payment")).to_be_visible()
        axe(staff, prefix + " case waiting for payment")
    staff.context.close()

"""Show: a card-verified resident applies online for 住民票の写し with name and address prefilled, sees the
reference number, gets the email (outbox) and the PDF; a case worker approves; the resident sees the new status.
axe-core runs on every page visited, in Japanese and in English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(koto, settings):
    from smartkoto.identity import demo as identity_demo
    from smartkoto.procedures import demo as procedures_demo

    settings.EMAIL_BACKEND = "smartkoto.notifications.backends.OutboxBackend"
    identity_demo.load()
    procedures_demo.load()


def test_card_resident_applies_for_juminhyo_and_case_worker_approves(page, site, open_page, axe, demo_data, browser_sign_in_resident, browser_sign_in_staff):
    from smartkoto.applications.models import Application
    from smartkoto.identity.demo import DEMO_PASSWORD
    from smartkoto.identity.models import User
    from smartkoto.notifications.queries import outbox_for

    browser_sign_in_resident(page, site, 0)
    page.goto(site + "/procedures/?q=住民票")
    axe(page, "catalog search")
    page.get_by_role("link", name="住民票の写しの交付請求").click()
    expect(page).to_have_url(re.compile(r"/procedures/juminhyo/$"))
    axe(page, "procedure page")
    page.get_by_test_id("start-link").click()
    expect(page).to_have_url(re.compile(r"/applications/start/juminhyo/$"))
    axe(page, "start page")
    page.get_by_test_id("start").click()
    page.wait_for_url("**/step/applicant/")
    expect(page.locator("#id_full_name")).to_have_value("江東 花子")
    expect(page.locator("#id_address")).to_have_value("東京都江東区東陽四丁目2番1号")
    expect(page.locator("#id_postal_code")).to_have_value("135-0016")
    axe(page, "applicant step")
    page.fill("#id_full_name_kana", "コウトウ ハナコ")
    page.fill("#id_phone", "")
    page.get_by_test_id("continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^エラー:"))
    expect(page.locator("#id_full_name_kana")).to_have_value("コウトウ ハナコ")
    axe(page, "applicant step with errors")
    page.fill("#id_phone", "03-3647-9111")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/step/certificate/")
    page.fill("#id_copies", "2")
    page.select_option("#id_purpose", "work")
    page.check("#id_scope_0")
    page.check("#id_delivery_0")
    axe(page, "certificate step")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/check/")
    expect(page.get_by_test_id("fee")).to_contain_text("600円", use_inner_text=True)
    axe(page, "check your answers")
    page.get_by_test_id("to-declaration").click()
    expect(page.locator("#id_agree")).to_be_visible()
    axe(page, "declaration")
    page.check("#id_agree")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/sent/")
    reference = page.get_by_test_id("reference").inner_text()
    assert reference.startswith("KT-")
    axe(page, "confirmation")
    with page.expect_download() as download:
        page.get_by_test_id("receipt").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    application = Application.objects.get(reference=reference)
    emails = outbox_for(application.applicant_email)
    assert any(reference in email.subject for email in emails)
    assert any(a.filename.endswith(".pdf") for email in emails for a in email.attachments.all())
    # 住民票の写し is paid when sent (issue 6): the ward receives it once the simulated provider captured the fee
    assert application.status == "awaiting_payment"
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/payments/sim/pay/**")
    page.fill("#id_card_number", "4242 4242 4242 4242")
    page.fill("#id_expiry", "12/30")
    page.fill("#id_cvc", "123")
    page.click("button[name=pay]")
    page.wait_for_url("**/payments/p/*/")
    application.refresh_from_db()
    assert application.status == "received"

    staff = open_page(1280, 900)
    browser_sign_in_staff(staff, site, User.objects.get(username="kumin-case"), password=DEMO_PASSWORD)
    staff.goto(site + "/staff/cases/")
    axe(staff, "inbox")
    staff.get_by_role("link", name=reference).click()
    staff.wait_for_url(f"**/staff/cases/{reference}/")
    axe(staff, "case page")
    staff.get_by_test_id("to-in_review").click()
    staff.get_by_test_id("to-approved").click()
    expect(staff.get_by_test_id("case-status")).to_have_text("承認", use_inner_text=True)
    staff.goto(site + "/en/staff/cases/")
    axe(staff, "inbox (English)")
    staff.goto(site + f"/en/staff/cases/{reference}/")
    expect(staff.get_by_test_id("case-status")).to_have_text("approved", use_inner_text=True)
    axe(staff, "case page (English)")
    staff.context.close()

    page.goto(site + "/applications/")
    expect(page.get_by_test_id("status").first).to_have_text("承認", use_inner_text=True)
    axe(page, "my applications")
    page.get_by_role("link", name="住民票の写しの交付請求").click()
    expect(page.get_by_test_id("decision")).to_be_visible()
    axe(page, "application detail")
    page.goto(site + "/en/applications/")
    expect(page.get_by_test_id("status").first).to_have_text("approved", use_inner_text=True)
    axe(page, "my applications (English)")


def test_public_catalog_pages_pass_axe_in_japanese_and_english(page, site, axe, demo_data):
    for prefix in ("", "/en"):
        for path in ("/procedures/", "/procedures/?q=転入&online=counter", "/procedures/tennyu/", "/procedures/online-share/",
                     "/applications/start/juminhyo/", "/applications/start/sodai-gomi/"):
            page.goto(site + prefix + path)
            axe(page, prefix + path)
    page.goto(site + "/en/procedures/juminhyo/")
    body = page.locator("main").inner_text()
    assert "Certificate of residence" in body and "¥300 per copy" in body
    page.goto(site + "/procedures/online-share/")
    expect(page.get_by_test_id("denominator")).to_have_text(re.compile(r"^\d+$"), use_inner_text=True)

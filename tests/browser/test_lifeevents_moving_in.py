"""Show: a resident moving into Koto with a small child answers the 転入 flow, gets the checklist, sends the online
parts as one bundle (name and address typed once, one check page), pre-enters the 転入届 and gets the QR code;
a counter clerk types the code, checks identity and prints the prefilled form. axe-core on every page, ja and en."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(koto, settings):
    from smartkoto.identity import demo as identity_demo
    from smartkoto.lifeevents import demo as lifeevents_demo
    from smartkoto.procedures import demo as procedures_demo

    settings.EMAIL_BACKEND = "smartkoto.notifications.backends.OutboxBackend"
    identity_demo.load()
    procedures_demo.load()
    lifeevents_demo.load()


def test_resident_moving_in_with_a_child_bundles_pre_enters_and_clerk_prints(page, site, open_page, axe, demo_data,
                                                                            browser_sign_in_resident, browser_sign_in_staff):
    from smartkoto.identity.demo import DEMO_PASSWORD
    from smartkoto.identity.models import User
    from smartkoto.lifeevents.models import Bundle, PreEntry

    browser_sign_in_resident(page, site, 0)
    page.goto(site + "/life-events/")
    axe(page, "life events")
    page.get_by_test_id("event-tennyu").click()
    page.wait_for_url("**/life-events/tennyu/")
    axe(page, "questions")
    page.get_by_test_id("make-checklist").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page, "questions with errors")
    page.fill("#id_event_date", "2026-04-01")
    page.fill("#id_household", "3")
    page.check("#id_has_child_0")
    page.check("#id_nursery_0")
    page.check("#id_insurance_0")
    page.check("#id_has_dog_1")
    page.check("#id_bicycle_1")
    page.get_by_test_id("make-checklist").click()
    page.wait_for_url("**/checklists/**")
    for slug in ("tennyu", "kokuho-kanyu", "nenkin-shutoku", "jido-teate", "kodomo-iryo", "hoiku-nyuen", "inkan-toroku"):
        expect(page.get_by_test_id(f"item-{slug}")).to_be_visible()
    expect(page.get_by_test_id("due-tennyu")).to_contain_text("2026-04-15", use_inner_text=True)
    axe(page, "checklist")
    checklist_url = page.url
    with page.expect_download() as download:
        page.get_by_test_id("checklist-pdf").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.get_by_test_id("start-bundle").click()
    page.wait_for_url("**/shared/")
    expect(page.locator("input[name=full_name]")).to_have_count(1)
    expect(page.locator("input[name=address]")).to_have_count(1)
    expect(page.locator("#id_full_name")).to_have_value("江東 花子")
    expect(page.locator("#id_event_date")).to_have_value("2026-04-01")
    axe(page, "bundle shared step")
    page.fill("#id_full_name_kana", "コウトウ ハナコ")
    page.fill("#id_phone", "03-3647-9111")
    page.fill("#id_previous_address", "東京都江東区東陽四丁目2番1号")
    page.fill("#id_bank_name", "江東銀行")
    page.fill("#id_branch_name", "東陽支店")
    page.fill("#id_account_number", "1234567")
    page.get_by_test_id("continue").click()
    expect(page.locator("#id_previous_address-error")).to_be_visible()  # same as the new address: caught once, here
    axe(page, "bundle shared step with a contradiction")
    page.fill("#id_previous_address", "神奈川県川崎市中原区1-2-3")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/group-children/")
    page.fill("#id_r0-child_name", "江東 太郎")
    page.fill("#id_r0-child_kana", "コウトウ タロウ")
    page.fill("#id_r0-child_birth", "2023-05-05")
    axe(page, "bundle children")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/kokuho-kanyu--members/")
    axe(page, "bundle part page")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/check/")
    assert page.locator("main").inner_text().count("東京都江東区東陽四丁目2番1号") == 1  # one check page, address shown once
    axe(page, "bundle check page")
    page.check("#id_agree")
    page.get_by_test_id("send-bundle").click()
    page.wait_for_url("**/bundles/**")
    expect(page.get_by_test_id("reference")).to_have_count(5)
    expect(page.get_by_test_id("fields-saved")).to_be_visible()
    axe(page, "bundle status")
    bundle = Bundle.objects.get()
    assert {p.department_code for p in bundle.parts.all()} == {"iryohoken", "nenkin", "kosodate", "hoiku"}

    page.goto(checklist_url)
    page.get_by_test_id("pre-entry-tennyu").click()
    page.wait_for_url("**/step/applicant/")
    expect(page.locator("#id_full_name_kana")).to_have_value("コウトウ ハナコ")  # typed once, in the bundle
    axe(page, "pre-entry step")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/step/event/")
    expect(page.locator("#id_previous_address")).to_have_value("神奈川県川崎市中原区1-2-3")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/step/members/")
    page.fill("#id_r0-member_name", "江東 太郎")
    page.fill("#id_r0-member_kana", "コウトウ タロウ")
    page.fill("#id_r0-member_birth", "2023-05-05")
    page.select_option("#id_r0-member_relation", "child")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/check/")
    axe(page, "pre-entry check")
    page.get_by_test_id("get-code").click()
    page.wait_for_url("**/code/")
    expect(page.get_by_test_id("qr").locator("svg")).to_have_count(1)
    code = page.get_by_test_id("code").inner_text()
    assert len(code.replace("-", "")) == 10
    axe(page, "QR code")

    staff = open_page(1280, 900)
    browser_sign_in_staff(staff, site, User.objects.get(username="kumin-clerk"), password=DEMO_PASSWORD)
    staff.goto(site + "/staff/life-events/")
    axe(staff, "counter")
    staff.fill("#id_code", code.lower())
    staff.get_by_test_id("open-code").click()
    staff.wait_for_url("**/entries/**")
    expect(staff.locator("main")).to_contain_text("江東 太郎", use_inner_text=True)
    axe(staff, "pre-entry at the counter")
    staff.check("#id_document_0")
    staff.get_by_test_id("confirm-identity").click()
    expect(staff.get_by_test_id("identity-checked")).to_be_visible()
    with staff.expect_download() as download:
        staff.get_by_test_id("print").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert PreEntry.objects.get().status == "printed"
    staff.goto(site + "/staff/life-events/")
    staff.fill("#id_code", code)
    staff.get_by_test_id("open-code").click()
    expect(staff.locator(".error-summary")).to_contain_text("使用済み", use_inner_text=True)
    axe(staff, "counter with a used code")
    staff.goto(site + "/en/staff/life-events/")
    axe(staff, "counter (English)")
    staff.goto(site + "/en/staff/life-events/interview/")
    axe(staff, "interview (English)")
    staff.context.close()

    for path in ("/en/life-events/", "/en/life-events/tennyu/", checklist_url.replace(site, site + "/en"), "/en/life-events/mine/",
                 f"/en/life-events/bundles/{bundle.public_id}/", "/life-events/mine/"):
        page.goto(path if path.startswith("http") else site + path)
        axe(page, path)


def test_lobby_guidance_is_large_type_and_passes_axe(page, site, axe, demo_data):
    for prefix in ("", "/en"):
        page.goto(site + prefix + "/life-events/lobby/")
        axe(page, prefix + " lobby")
        page.get_by_test_id("lobby-go").click()
        expect(page.locator(".error-summary")).to_be_visible()
        axe(page, prefix + " lobby with errors")
        page.check("#id_route_0")
        page.check("#id_pre_entered_1")
        page.get_by_test_id("lobby-go").click()
        expect(page.get_by_test_id("lobby-result")).to_be_visible()
        axe(page, prefix + " lobby result")
    expect(page.get_by_test_id("lobby-counter")).to_contain_text("Main office 2F", use_inner_text=True)
    assert float(page.get_by_test_id("lobby-counter").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 32

"""Show: a staff member builds a new procedure with a conditional field and a repeatable group, publishes it,
and a resident completes it. axe-core on every page, in Japanese and English."""

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


def add_field(staff, site, axe, step, name, kind, ja, en, show_if=None, value=None, check=False):
    staff.goto(f"{site}/staff/procedures/bench-permit/form/field/?step={step}")
    if check:
        axe(staff, "add question")
    staff.fill("#id_name", name)
    staff.select_option("#id_type", kind)
    staff.fill("#id_label_ja", ja)
    staff.fill("#id_label_en", en)
    if show_if:
        staff.select_option("#id_show_if_field", show_if)
        staff.fill("#id_show_if_value", value)
    staff.locator("main button[type=submit]").click()
    staff.wait_for_url("**/staff/procedures/bench-permit/form/")


def test_staff_builds_publishes_and_resident_completes_a_new_procedure(page, site, open_page, axe, demo_data, browser_sign_in_resident, browser_sign_in_staff):
    from smartkoto.applications.models import Application
    from smartkoto.identity.demo import DEMO_PASSWORD
    from smartkoto.identity.models import User

    staff = open_page(1280, 900)
    browser_sign_in_staff(staff, site, User.objects.get(username="kumin-case"), password=DEMO_PASSWORD)
    staff.goto(site + "/staff/procedures/")
    axe(staff, "procedure list")
    staff.goto(site + "/staff/procedures/new/")
    axe(staff, "new procedure")
    staff.fill("#id_slug", "bench-permit")
    staff.select_option("#id_department", "kumin")
    staff.fill("#id_name_ja", "区民ベンチ設置の申請")
    staff.fill("#id_name_en", "Community bench installation")
    staff.fill("#id_summary_ja", "自宅前にベンチを置く申請です。")
    staff.fill("#id_summary_en", "Apply to place a bench in front of your home.")
    staff.check("#id_channel_0")
    staff.check("#id_assurance_level_1")
    staff.check("#id_fee_kind_0")
    staff.fill("#id_keywords", "べんち ベンチ")
    staff.check("#id_published")
    staff.locator("main button[type=submit]").click()
    staff.wait_for_url("**/staff/procedures/bench-permit/form/")
    axe(staff, "builder")
    staff.fill("#id_step-step_id", "place")
    staff.fill("#id_step-title_ja", "設置場所")
    staff.fill("#id_step-title_en", "Place")
    staff.locator("button[value=add_step]").click()
    expect(staff.locator("#step-place")).to_have_count(1)  # the builder reloaded with the step: its form is empty again
    staff.fill("#id_step-step_id", "helpers")
    staff.fill("#id_step-title_ja", "管理を手伝う人")
    staff.fill("#id_step-title_en", "People who help")
    staff.check("#id_step-repeatable")
    staff.fill("#id_step-repeat_max", "3")
    staff.locator("button[value=add_step]").click()
    expect(staff.locator("#step-helpers")).to_have_count(1)
    add_field(staff, site, axe, "place", "near_road", "yesno", "道路に面していますか", "Is it next to a road?", check=True)
    add_field(staff, site, axe, "place", "road_name", "text", "道路の名前", "Name of the road", show_if="near_road", value="yes")
    add_field(staff, site, axe, "helpers", "helper_name", "text", "氏名", "Name")
    staff.fill("#id_decl-declaration_ja", "ベンチを適切に管理します。")
    staff.fill("#id_decl-declaration_en", "I will look after the bench.")
    with staff.expect_response(lambda response: response.request.method == "POST"):  # saved before we move on
        staff.locator("button[value=declaration]").click()
    staff.goto(site + "/staff/procedures/bench-permit/preview/")
    axe(staff, "preview")
    staff.goto(site + "/en/staff/procedures/bench-permit/form/")
    axe(staff, "builder (English)")
    staff.goto(site + "/staff/procedures/bench-permit/form/")
    staff.get_by_test_id("publish").click()
    expect(staff.get_by_test_id("live-version")).to_have_text("1", use_inner_text=True)
    staff.context.close()

    page.goto(site + "/procedures/?q=ベンチ")
    page.get_by_role("link", name="区民ベンチ設置の申請").click()
    page.get_by_test_id("start-link").click()
    page.get_by_test_id("sign-in-to-start").click()  # the procedure needs a sign-in: sign in, then come back here
    page.locator("form[action$='/sign-in/start/'] button").click()
    page.locator("#resident-1").check()
    page.locator("button[name=sign_in]").click()
    page.wait_for_url("**/applications/start/bench-permit/")
    page.get_by_test_id("start").click()
    page.wait_for_url("**/step/place/")
    expect(page.locator("#id_road_name")).to_be_hidden()  # hidden until "yes"
    page.check("#id_near_road_0")
    expect(page.locator("#id_road_name")).to_be_visible()
    axe(page, "conditional question shown")
    page.get_by_test_id("continue").click()
    expect(page.locator("#id_road_name[aria-invalid=true]")).to_be_visible()  # required once shown
    page.fill("#id_road_name", "四ツ目通り")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/step/helpers/")
    page.fill("#id_r0-helper_name", "深川 太郎")
    page.get_by_test_id("add-row").click()
    expect(page.locator("#id_r1-helper_name")).to_be_visible()
    expect(page.locator("#id_r0-helper_name")).to_have_value("深川 太郎")
    page.fill("#id_r1-helper_name", "深川 花子")
    axe(page, "repeatable group with two rows")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/check/")
    expect(page.locator("main")).to_contain_text("四ツ目通り", use_inner_text=True)
    expect(page.locator("main")).to_contain_text("深川 花子", use_inner_text=True)
    axe(page, "check answers")
    page.get_by_test_id("to-declaration").click()
    page.check("#id_agree")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/sent/")
    reference = page.get_by_test_id("reference").inner_text()
    application = Application.objects.get(reference=reference)
    assert application.answers["helpers"] == [{"helper_name": "深川 太郎"}, {"helper_name": "深川 花子"}]
    assert application.answers["place"] == {"near_road": "yes", "road_name": "四ツ目通り"}
    assert application.form_version.number == 1
    page.goto(site + f"/en/applications/{application.public_id}/")
    axe(page, "application detail (English)")

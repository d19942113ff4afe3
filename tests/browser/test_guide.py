"""Show: on a phone-sized page a resident asks the guide in the panel (answers inline), rates an answer 👎; a counter
clerk sees the question in the queue, answers it with a new FAQ entry, and the guide then answers it. axe-core on
every page."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(koto):
    from smartkoto.guide import demo as guide_demo
    from smartkoto.identity import demo as identity_demo
    from smartkoto.lifeevents import demo as lifeevents_demo
    from smartkoto.procedures import demo as procedures_demo

    identity_demo.load()
    procedures_demo.load()
    lifeevents_demo.load()
    guide_demo.load(Path(__file__).resolve().parents[1] / "guide" / "fixtures" / "faq")


def test_resident_asks_rates_down_and_clerk_answers_from_the_queue(page, site, browser, axe, demo_data, browser_sign_in_staff):
    from playwright.sync_api import expect

    from smartkoto.identity.demo import DEMO_PASSWORD
    from smartkoto.identity.models import User

    page.goto(site + "/")
    axe(page, "home with the guide panel")
    page.fill("#guide-panel-q", "住民票ほしい")
    page.locator("[data-guide-form] button[type=submit]").click()
    answers = page.locator("[data-guide-answers] [data-testid=guide-answers]")
    expect(answers).to_be_visible()
    expect(answers.locator("[data-ref='faq:kumin-juminhyo-torikata']")).to_be_visible()
    assert page.url.rstrip("/") == site  # answered in place
    axe(page, "home with inline answers")

    answers.locator("[data-ref='faq:kumin-juminhyo-torikata'] button[value=down]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    assert "/guide/" in page.url
    axe(page, "answers page after a rating")

    page.goto(site + "/guide/?q=" + "マンホールのふたがずれている")
    expect(page.get_by_test_id("guide-dont-know")).to_be_visible()
    axe(page, "guide does not know")

    staff = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    browser_sign_in_staff(staff, site, User.objects.get(username="kumin-clerk"), password=DEMO_PASSWORD)
    staff.goto(site + "/staff/guide/queue/")
    queue = staff.get_by_test_id("guide-queue")
    expect(queue).to_contain_text("住民票ほしい")
    expect(queue).to_contain_text("マンホールのふたがずれている")
    axe(staff, "queue")
    staff.locator("tr", has_text="マンホールのふたがずれている").get_by_role("link", name="対応する").click()
    expect(staff.get_by_test_id("answering-question")).to_contain_text("マンホールのふたがずれている")
    staff.locator("button[type=submit]", has_text="保存").click()
    expect(staff.locator(".error-summary")).to_be_visible()
    axe(staff, "entry form with errors")
    staff.fill("#id_key", "kumin-manhole")
    staff.select_option("#id_department", "kumin")
    staff.fill("#id_question_1", "A manhole cover is loose")
    staff.fill("#id_answer_0", "道路のふたのずれは区役所（03-3647-9111）にお知らせください。")
    staff.fill("#id_answer_1", "Tell the ward office (03-3647-9111) about a loose manhole cover.")
    staff.fill("#id_keywords", "マンホール、ふた")
    staff.locator("button[type=submit]", has_text="保存").click()
    expect(staff.locator(".notice--success")).to_be_visible()
    staff.goto(site + "/staff/guide/queue/")
    expect(staff.get_by_test_id("guide-queue")).not_to_contain_text("マンホールのふたがずれている")

    page.goto(site + "/guide/?q=" + "マンホールのふたがずれている")
    expect(page.locator("[data-ref='faq:kumin-manhole']")).to_be_visible()

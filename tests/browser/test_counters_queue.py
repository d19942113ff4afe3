"""A clerk calls the next ticket; the display board and the resident's ticket page update without reload.
Kiosk, ticket, display, congestion and desk pages pass axe-core in Japanese and English."""

import pytest

from smartkoto.core.actor import Actor

AT_KIOSK = {"actor": Actor.anonymous(), "kiosk": "honchosha"}  # the enrolled lobby kiosk of the main office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def counter_demo(koto, monkeypatch):
    from smartkoto.counters import demo
    from smartkoto.identity import demo as identity_demo

    monkeypatch.setattr(demo, "HISTORY_OFFICES", {})  # no eight-week history: keep the test quick
    demo.load()
    identity_demo.load()


def test_clerk_calls_next_and_display_and_ticket_page_update(browser, page, site, counter_demo, axe, browser_sign_in_staff):
    from smartkoto.counters import services
    from smartkoto.counters.models import CounterType
    from smartkoto.identity.models import User

    services.issue_ticket(CounterType.objects.get(office__code="honchosha", code="ido"), **AT_KIOSK)  # A001, someone before us

    from smartkoto.counters import kiosk_devices

    resident = page  # the resident at the lobby kiosk, then on their phone
    resident.goto(site + "/counters/honchosha/kiosk/")
    assert resident.get_by_test_id("kiosk-ido").count() == 0  # not an enrolled kiosk: no numbers from outside
    axe(resident, "kiosk (not enrolled)")
    resident.context.add_cookies([{"name": kiosk_devices.COOKIE, "value": kiosk_devices.cookie_value("honchosha"), "url": site}])
    resident.goto(site + "/counters/honchosha/kiosk/")
    axe(resident, "kiosk")
    resident.get_by_test_id("kiosk-ido").click()
    assert resident.get_by_test_id("issued-number").inner_text() == "A002"
    axe(resident, "issued ticket")
    resident.get_by_test_id("ticket-link").click()
    resident.wait_for_selector("[data-testid=ticket-ahead]")
    assert "1" in resident.get_by_test_id("ticket-ahead").inner_text()
    axe(resident, "ticket page")

    hall = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800}).new_page()
    hall.set_default_timeout(20000)
    hall.goto(site + "/counters/honchosha/display/")
    axe(hall, "display board")

    clerk = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    clerk.set_default_timeout(20000)
    browser_sign_in_staff(clerk, site, User.objects.get(username="kumin-clerk"), password="koto-demo-2026")
    clerk.goto(site + "/staff/counters/")
    axe(clerk, "desk chooser")
    clerk.select_option("#id_office", "honchosha")
    clerk.locator("input[name=types][value=ido]").check()
    clerk.fill("#id_window", "3")
    clerk.locator("main form button[type=submit]").click()
    clerk.wait_for_url("**/desk/**")
    axe(clerk, "desk")

    clerk.get_by_test_id("call-next").click()
    assert clerk.get_by_test_id("current-number").inner_text() == "A001"
    hall.wait_for_selector("[data-testid=call-A001]")  # the display board updates by itself
    resident.locator("[data-testid=ticket-ahead]", has_text="0").wait_for()  # the ticket page updates by itself
    clerk.locator("button[value=finish]").click()
    clerk.get_by_test_id("call-next").click()
    assert clerk.get_by_test_id("current-number").inner_text() == "A002"
    hall.wait_for_selector("[data-testid=call-A002]")
    resident.wait_for_selector("[data-testid=ticket-called]")
    assert "3" in resident.get_by_test_id("ticket-called").inner_text()
    axe(resident, "ticket page called")
    axe(hall, "display board with calls")
    axe(clerk, "desk with a ticket")

    resident.goto(site + "/counters/honchosha/")
    axe(resident, "congestion ja")
    resident.goto(site + "/counters/")
    axe(resident, "congestion index ja")
    for path in ("/en/counters/honchosha/", "/en/counters/honchosha/display/", "/en/counters/honchosha/kiosk/", "/en/counters/"):
        resident.goto(site + path)
        axe(resident, path)
    resident.goto(site + "/en/counters/honchosha/kiosk/")
    resident.fill("#id_reference", "12")
    resident.locator("main form").nth(1).locator("button").click()
    assert resident.title().startswith("Error:")
    axe(resident, "kiosk check-in with error en")
    clerk.goto(site + "/en/staff/counters/")
    axe(clerk, "desk chooser en")

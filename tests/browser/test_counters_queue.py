"""A clerk calls the next ticket; the display board and the resident's ticket page update without reload.
Kiosk, ticket, display, congestion and desk pages pass axe-core in Japanese and English."""

import re

import pytest
from playwright.sync_api import expect

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


def test_clerk_calls_next_and_display_and_ticket_page_update(open_page, page, site, counter_demo, axe, browser_sign_in_staff):
    from smartkoto.counters import services
    from smartkoto.counters.models import CounterType
    from smartkoto.identity.models import User

    services.issue_ticket(CounterType.objects.get(office__code="honchosha", code="ido"), **AT_KIOSK)  # A001, someone before us

    from smartkoto.counters import kiosk_devices

    resident = page  # the resident at the lobby kiosk, then on their phone
    resident.goto(site + "/counters/honchosha/kiosk/")
    expect(resident.get_by_test_id("kiosk-ido")).to_have_count(0)  # not an enrolled kiosk: no numbers from outside
    axe(resident, "kiosk (not enrolled)")
    resident.context.add_cookies([{"name": kiosk_devices.COOKIE, "value": kiosk_devices.cookie_value("honchosha"), "url": site}])
    resident.goto(site + "/counters/honchosha/kiosk/")
    axe(resident, "kiosk")
    resident.get_by_test_id("kiosk-ido").click()
    expect(resident.get_by_test_id("issued-number")).to_have_text("A002", use_inner_text=True)
    axe(resident, "issued ticket")
    resident.get_by_test_id("ticket-link").click()
    resident.wait_for_selector("[data-testid=ticket-ahead]")
    expect(resident.get_by_test_id("ticket-ahead")).to_contain_text("1", use_inner_text=True)
    axe(resident, "ticket page")

    hall = open_page(1280, 800)  # closed after the test: a display board left open would poll all session long
    hall.goto(site + "/counters/honchosha/display/")
    axe(hall, "display board")

    clerk = open_page(1280, 900)
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
    expect(clerk.get_by_test_id("current-number")).to_have_text("A001", use_inner_text=True)
    hall.wait_for_selector("[data-testid=call-A001]")  # the display board updates by itself
    resident.locator("[data-testid=ticket-ahead]", has_text="0").wait_for()  # the ticket page updates by itself
    clerk.locator("button[value=finish]").click()
    expect(clerk.get_by_test_id("current-number")).to_have_count(0)  # the desk page reloaded before "call next" again
    clerk.get_by_test_id("call-next").click()
    expect(clerk.get_by_test_id("current-number")).to_have_text("A002", use_inner_text=True)
    hall.wait_for_selector("[data-testid=call-A002]")
    resident.wait_for_selector("[data-testid=ticket-called]")
    expect(resident.get_by_test_id("ticket-called")).to_contain_text("3", use_inner_text=True)
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
    expect(resident).to_have_title(re.compile("^Error:"))
    axe(resident, "kiosk check-in with error en")
    clerk.goto(site + "/en/staff/counters/")
    axe(clerk, "desk chooser en")

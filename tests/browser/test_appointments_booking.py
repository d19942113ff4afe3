"""A resident books in a real browser, receives the email with the .ics, cancels from the email link and
books again; the same pages pass axe-core in Japanese and English, also with errors shown."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _book_first_free_time(page, site, axe, label):
    page.goto(site + "/appointments/")
    axe(page, f"appointments index {label}")
    page.locator("a[href$='/appointments/s/jumin-ido/']").first.click()
    page.select_option("#id_office", "honchosha")
    page.locator("form.office-form button[type=submit]").click()
    page.wait_for_url("**office=honchosha**")
    axe(page, f"service days {label}")
    page.locator(".day-list__item a").first.click()
    page.wait_for_selector("input[name=slot]")
    axe(page, f"day times {label}")
    page.locator("input[name=slot]").first.check()
    page.get_by_test_id("hold").click()
    page.wait_for_url("**/confirm/")
    axe(page, f"check and confirm {label}")


def _confirm(page, axe, label):
    page.locator("input[name=procedures][value=tennyu]").check()
    if not page.input_value("#id_email"):
        page.fill("#id_email", "hanako@example.jp")
    page.get_by_test_id("confirm").click()
    page.wait_for_url("**?done=1")
    axe(page, f"booking confirmed {label}")
    return page.get_by_test_id("reference").inner_text().strip()


def test_resident_books_gets_ics_email_cancels_from_link_and_books_again(page, site, koto, axe, browser_sign_in_resident, mailoutbox):
    from smartkoto.appointments import demo
    from smartkoto.appointments.models import Booking, Slot

    demo.load()
    browser_sign_in_resident(page, site, 0)
    _book_first_free_time(page, site, axe, "ja")
    # errors are explained in the summary and at the field, with "エラー:" in the title
    page.fill("#id_email", "not-an-address")
    page.get_by_test_id("confirm").click()
    expect(page).to_have_title(re.compile("^エラー:"))
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_email-error")).to_be_visible()
    axe(page, "confirm with errors")
    page.fill("#id_email", "hanako@example.jp")
    reference = _confirm(page, axe, "ja")
    booking = Booking.objects.get(reference=reference)
    first_slot = booking.slot_id
    assert booking.status == "confirmed" and booking.procedures[0]["code"] == "tennyu"

    (mail,) = [m for m in mailoutbox if reference in m.subject]
    assert mail.to == ["hanako@example.jp"]
    filename, ics, mimetype = mail.attachments[0]
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    assert f"UID:{reference}@appointments.smartkoto" in ics and "DTSTART;TZID=Asia/Tokyo:" in ics
    link = re.search(r"https?://\S+\?key=\w+", mail.body).group(0)

    page.context.clear_cookies()  # the email link works without signing in
    page.goto(link)
    axe(page, "booking from email link")
    page.get_by_test_id("cancel-link").click()
    expect(page.get_by_test_id("confirm-cancel")).to_be_visible()
    axe(page, "cancel confirmation")
    page.get_by_test_id("confirm-cancel").click()
    page.wait_for_selector("[data-testid=status] .tag--warning")
    axe(page, "cancelled booking")
    assert Booking.objects.get(reference=reference).status == "cancelled"
    assert any("STATUS:CANCELLED" in m.attachments[0][1] for m in mailoutbox if reference in m.subject)
    assert Slot.objects.get(pk=first_slot).booked == 0

    browser_sign_in_resident(page, site, 0)
    _book_first_free_time(page, site, axe, "ja again")
    again = _confirm(page, axe, "ja again")
    rebooked = Booking.objects.get(reference=again)
    assert again != reference and rebooked.slot_id == first_slot  # the cancelled time was free again
    assert Booking.objects.filter(user=rebooked.user, status__in=["held", "confirmed"]).count() == 1


def test_booking_pages_in_english_pass_axe_also_with_errors(page, site, koto, axe, browser_sign_in_resident):
    from smartkoto.appointments import demo

    demo.load()
    browser_sign_in_resident(page, site, 1, language_prefix="/en")
    page.goto(site + "/en/appointments/")
    axe(page, "appointments index en")
    assert "Book an appointment" in page.content()
    page.goto(site + "/en/appointments/s/jumin-ido/?office=honchosha")
    axe(page, "service days en")
    page.locator(".day-list__item a").first.click()
    page.wait_for_selector("input[name=slot]")
    page.get_by_test_id("hold").click()  # no time chosen
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.locator(".error-summary")).to_contain_text("Choose a time.", use_inner_text=True)
    axe(page, "day times en with error")
    page.goto(site + "/en/appointments/my/")
    axe(page, "my bookings en")

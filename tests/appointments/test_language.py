"""English booking pages show no Japanese; Japanese pages are translated."""

import pytest

from tests.core.test_translations import japanese_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/en/appointments/", "/en/appointments/s/jumin-ido/?office=honchosha",
                                  "/en/appointments/s/smartphone-class/?office=toyosu"])
def test_english_booking_pages_show_no_japanese(client, booking_demo, path):
    assert japanese_in(client.get(path).content.decode()) == []


def test_english_day_page_with_an_error_shows_no_japanese(resident_client, first_slot):
    from django.utils import timezone

    from smartkoto.appointments import services

    day = timezone.localtime(first_slot.starts_at, services.TOKYO).date().isoformat()
    body = resident_client.post(f"/en/appointments/s/jumin-ido/honchosha/{day}/", {"key": "k"}).content.decode()
    assert "There is a problem" in body
    assert japanese_in(body, allowed={"江東 花子"}) == []


def test_japanese_booking_pages_are_translated(client, booking_demo):
    body = client.get("/appointments/s/jumin-ido/?office=honchosha").content.decode()
    assert "空いている日" in body and "Free days" not in body

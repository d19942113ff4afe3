"""Issue 11: dates are checked at the edge (no 5xx for any date), reads never write slot rows, personal pages
are not cached."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse as _reverse
from django.utils import translation

from smartkoto.appointments import services
from smartkoto.appointments.models import Booking, Slot
from smartkoto.core.roles import Role

from .conftest import next_open_day

pytestmark = pytest.mark.django_db

ODD_DATES = ["9999-12-31", "0001-01-01", "2999-01-07", "x", "2026-02-30", "99999-01-01", "2026-W49-3", "20261202",
             "-1", "２０２６-１２-０２", "2026-12-02T00:00", ""]
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def reverse(name, args=None):
    with translation.override("ja"):
        return _reverse(name, args=args)


def availability(client, query):
    return client.get("/api/appointments/services/jumin-ido/availability?" + query)


def test_availability_reads_of_any_date_create_no_slot_rows(client, service, honchosha):
    inside = next_open_day(services.today(), honchosha)
    before = Slot.objects.count()
    for day in ["2999-01-07", "9999-12-31", "0001-01-01", (services.today() + timedelta(days=400)).isoformat()]:
        response = availability(client, f"office=honchosha&date={day}")
        assert response.status_code == 400, day
    response = availability(client, f"office=honchosha&date={inside.isoformat()}")
    assert response.status_code == 200
    slots = response.json()["slots"]
    assert slots and all(s["id"] is None and s["key"].startswith("t") and s["remaining"] == service.capacity for s in slots)
    # the public pages and the staff calendar read the same days without writing either
    client.get(reverse("appointments:service", args=["jumin-ido"]) + "?office=honchosha")
    client.get(reverse("appointments:day", args=["jumin-ido", "honchosha", inside.isoformat()]))
    assert Slot.objects.count() == before == 0


def test_staff_reads_create_no_slot_rows(client, service, honchosha, make_staff, staff_login):
    staff_login(client, make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER))
    far = services.today() + timedelta(days=300)
    assert client.get(reverse("appointments_staff:calendar") + f"?service=jumin-ido&office=honchosha&date={far}").status_code == 200
    assert client.get(reverse("appointments_staff:day", args=["jumin-ido", "honchosha", far.isoformat()])).status_code == 200
    assert Slot.objects.count() == 0


def test_a_time_shown_before_its_row_existed_can_still_be_held(resident_client, resident, service, honchosha):
    day = next_open_day(services.today() + timedelta(days=1), honchosha)
    url = reverse("appointments:day", args=["jumin-ido", "honchosha", day.isoformat()])
    body = resident_client.get(url).content.decode()
    keys = re.findall(r'name="slot" value="(t\d{4})"', body)
    assert keys and Slot.objects.count() == 0
    response = resident_client.post(url, {"slot": keys[0], "key": "first-hold"})
    assert response.status_code == 302, response.content.decode()[:2000]
    booking = Booking.objects.get(user=resident)
    assert booking.slot.booked == 1 and services.time_key(booking.slot) == keys[0]
    # rows now exist for that day only (inside the horizon), and the API shows their ids
    assert {s.starts_at.date() for s in Slot.objects.all()} <= {day, day - timedelta(days=1)}
    ids = [s["id"] for s in availability(resident_client, f"office=honchosha&date={day}").json()["slots"]]
    assert all(isinstance(i, int) for i in ids)


def test_ensure_slots_makes_rows_only_inside_the_horizon(service, honchosha):
    from smartkoto.core.actor import Actor

    far = next_open_day(services.today() + timedelta(days=service.horizon_days + 5), honchosha)
    assert list(services.ensure_slots(service, honchosha, far, actor=Actor.system("test"))) == []
    assert Slot.objects.count() == 0


@pytest.mark.parametrize("day", ODD_DATES)
def test_availability_odd_dates_are_400_problem_details(client, booking_demo, day):
    response = availability(client, f"office=honchosha&date={day}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    data = response.json()
    assert set(data) == PROBLEM_KEYS and data["status"] == 400 and "date" in data["errors"]


@pytest.mark.parametrize("query", ["office=honchosha&office=honchosha&date={day}", "office=honchosha&date={day}&date={day}",
                                   "date={day}", "office=nowhere&date={day}", "office=honchosha", ""])
def test_availability_repeated_or_missing_parameters_are_400(client, booking_demo, query):
    day = services.today() + timedelta(days=2)
    response = availability(client, query.format(day=day.isoformat()))
    assert response.status_code == 400 and set(response.json()) == PROBLEM_KEYS


def test_availability_problem_is_translated(client, booking_demo):
    data = client.get("/api/appointments/services/jumin-ido/availability?office=honchosha&date=9999-12-31",
                      headers={"accept-language": "ja"}).json()
    assert "予約" in data["detail"] or "期間" in data["detail"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2999-01-07", "x", "99999-01-01", "2026-02-30"])
def test_public_day_page_with_odd_dates_is_404_never_500(client, resident_client, booking_demo, day):
    url = reverse("appointments:day", args=["jumin-ido", "honchosha", day])
    response = client.get("/en" + url)
    assert response.status_code == 404
    if day[:1] in "029" and len(day) == 10 and day != "2026-02-30":
        assert "cannot be booked online" in response.content.decode()
    assert resident_client.post(url, {"slot": "1", "key": "k"}).status_code == 404


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "x", "99999-01-01"])
def test_staff_pages_with_odd_dates_never_500(client, booking_demo, make_staff, staff_login, day):
    staff_login(client, make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER))
    assert client.get(reverse("appointments_staff:day", args=["jumin-ido", "honchosha", day])).status_code == 404
    response = client.get("/en" + reverse("appointments_staff:calendar") + f"?service=jumin-ido&office=honchosha&date={day}")
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()


def test_reschedule_with_odd_dates_shows_the_days(resident_client, resident, first_slot):
    resident_client.post(reverse("appointments:day", args=["jumin-ido", "honchosha", services.timezone.localtime(first_slot.starts_at, services.TOKYO).date().isoformat()]),
                         {"slot": first_slot.pk, "key": "k"})
    booking = Booking.objects.get(user=resident)
    services.confirm(booking, actor=services_actor(resident))
    for day in ["9999-12-31", "0001-01-01", "x"]:
        url = reverse("appointments:reschedule", args=[booking.reference]) + f"?date={day}"
        assert resident_client.get(url).status_code == 200
        assert resident_client.post(url, {"date": day, "slot": "1", "key": "reschedule"}).status_code == 200


def services_actor(user):
    from smartkoto.core.actor import Actor

    return Actor.for_user(user)


def test_pages_with_personal_data_are_private_no_store(client, resident_client, resident, first_slot, make_staff, staff_login):
    day = services.timezone.localtime(first_slot.starts_at, services.TOKYO).date().isoformat()
    resident_client.post(reverse("appointments:day", args=["jumin-ido", "honchosha", day]), {"slot": first_slot.pk, "key": "k"})
    booking = Booking.objects.get(user=resident)
    for url in [reverse("appointments:mine"), reverse("appointments:booking", args=[booking.reference]),
                reverse("appointments:ics", args=[booking.reference]), reverse("appointments:confirm", args=[booking.reference]),
                reverse("appointments:cancel", args=[booking.reference])]:
        response = resident_client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", url
    client.logout()
    staff_login(client, make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER))
    for url in [reverse("appointments_staff:calendar"), reverse("appointments_staff:day", args=["jumin-ido", "honchosha", day])]:
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", url

"""Resident and staff pages of booking, through Django's test client (no JavaScript involved)."""

from datetime import timedelta

import pytest
from django.urls import reverse as _reverse
from django.utils import translation
from django.utils import timezone

from smartkoto.appointments import services
from smartkoto.appointments.models import Booking, Slot
from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.roles import Role

pytestmark = pytest.mark.django_db


def reverse(name, args=None):
    with translation.override("ja"):
        return _reverse(name, args=args)


def day_url(slot):
    day = timezone.localtime(slot.starts_at, services.TOKYO).date()
    return reverse("appointments:day", args=[slot.service.code, slot.office.code, day.isoformat()])


def test_service_pages_list_days_and_times_in_japanese_and_english(client, first_slot):
    response = client.get(reverse("appointments:index"))
    assert "住所変更の届出" in response.content.decode()
    response = client.get(reverse("appointments:service", args=["jumin-ido"]) + "?office=honchosha")
    assert response.status_code == 200 and day_url(first_slot) in response.content.decode()
    response = client.get("/en" + day_url(first_slot))
    body = response.content.decode()
    assert "Choose a time" in body and "Sign in to book" in body


def test_unknown_office_choice_is_explained_at_the_field(client, booking_demo):
    body = client.get("/en" + reverse("appointments:service", args=["jumin-ido"]) + "?office=nowhere").content.decode()
    assert 'aria-invalid="true"' in body and "Choose one of the offices shown." in body


def test_posting_without_a_time_shows_the_error_in_summary_and_field(resident_client, first_slot):
    response = resident_client.post("/en" + day_url(first_slot), {"key": "k1"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and body.count("Choose a time.") == 2
    assert "<title>Error:" in body


def test_double_click_on_hold_makes_one_hold(resident_client, resident, first_slot):
    data = {"slot": first_slot.pk, "key": "double-click"}
    one = resident_client.post(day_url(first_slot), data)
    two = resident_client.post(day_url(first_slot), data)
    assert one.status_code == two.status_code == 302 and one["Location"] == two["Location"]
    assert Booking.objects.filter(user=resident).count() == 1
    first_slot.refresh_from_db()
    assert first_slot.booked == 1


def test_second_tab_gets_a_clear_refusal_and_keeps_the_choice(resident_client, resident, first_slot):
    resident_client.post(day_url(first_slot), {"slot": first_slot.pk, "key": "tab-1"})
    other = Slot.objects.filter(service=first_slot.service, office=first_slot.office).exclude(pk=first_slot.pk).first()
    response = resident_client.post("/en" + day_url(first_slot), {"slot": other.pk, "key": "tab-2"})
    body = response.content.decode()
    assert response.status_code == 409
    assert "You already have a booking for this service" in body
    assert f'value="{other.pk}"' in body and "checked" in body


def test_full_slot_answer_is_a_field_error_not_a_server_error(resident_client, first_slot):
    Slot.objects.filter(pk=first_slot.pk).update(capacity=1, booked=1)
    response = resident_client.post("/en" + day_url(first_slot), {"slot": first_slot.pk, "key": "late"})
    assert response.status_code == 409
    assert "fully booked" in response.content.decode()


def test_resident_confirms_then_cancels_from_the_email_link_without_signing_in(
        client, resident_client, resident, first_slot, mailoutbox, django_capture_on_commit_callbacks):
    response = resident_client.post(day_url(first_slot), {"slot": first_slot.pk, "key": "k"})
    confirm_url = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = resident_client.post(confirm_url, {"procedures": ["tennyu"], "email": "hanako@example.jp"})
    assert response.status_code == 302
    booking = Booking.objects.get(user=resident)
    assert booking.status == "confirmed" and booking.contact_email == "hanako@example.jp"
    resident_client.logout()
    link = next(line for line in mailoutbox[-1].body.splitlines() if "key=" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    assert client.get(reverse("appointments:booking", args=[booking.reference]) + "?key=wrong").status_code == 403
    cancel = reverse("appointments:cancel", args=[booking.reference])
    response = client.post(cancel, {"key": services.manage_token(booking)})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_invalid_email_on_confirm_is_refused_and_kept(resident_client, first_slot):
    confirm_url = resident_client.post(day_url(first_slot), {"slot": first_slot.pk, "key": "k"})["Location"]
    response = resident_client.post("/en" + confirm_url, {"email": "not-an-address"})
    body = response.content.decode()
    assert "Enter an email address like name@example.jp." in body and 'value="not-an-address"' in body


def test_other_residents_cannot_see_a_booking(client, make_resident, first_slot):
    owner = make_resident()
    booking = services.hold(first_slot.pk, actor=Actor.for_user(owner), idempotency_key="mine")
    client.force_login(make_resident())
    assert client.get(reverse("appointments:booking", args=[booking.reference])).status_code == 404


def test_reschedule_page_moves_the_booking(resident_client, resident, first_slot):
    confirm_url = resident_client.post(day_url(first_slot), {"slot": first_slot.pk, "key": "k"})["Location"]
    resident_client.post(confirm_url, {"email": "a@example.jp"})
    booking = Booking.objects.get(user=resident)
    later = Slot.objects.filter(service=first_slot.service, office=first_slot.office, starts_at__gt=first_slot.starts_at).first()
    day = timezone.localtime(later.starts_at, services.TOKYO).date().isoformat()
    url = reverse("appointments:reschedule", args=[booking.reference])
    assert resident_client.get(url + f"?date={day}").status_code == 200
    response = resident_client.post(url, {"date": day, "slot": later.pk, "key": "reschedule"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == later.pk


def test_ics_download(resident_client, resident, first_slot):
    booking = services.hold(first_slot.pk, actor=Actor.for_user(resident), idempotency_key="x")
    response = resident_client.get(reverse("appointments:ics", args=[booking.reference]))
    assert response["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in response.content


def test_staff_calendar_day_no_show_and_walk_in(client, make_staff, staff_login, resident, first_slot):
    booking = services.confirm(services.hold(first_slot.pk, actor=Actor.for_user(resident), idempotency_key="x"),
                               actor=Actor.for_user(resident))
    staff_login(client, make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))
    assert client.get(reverse("appointments_staff:calendar")).status_code == 200
    day = timezone.localtime(first_slot.starts_at, services.TOKYO).date().isoformat()
    day_url_ = reverse("appointments_staff:day", args=["jumin-ido", "honchosha", day])
    assert booking.reference in client.get(day_url_).content.decode()
    response = client.post(reverse("appointments_staff:set_status", args=[booking.reference]), {"to": "no_show"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "no_show"
    assert AuditRecord.objects.filter(action="appointments.no_show", target_id=str(booking.pk)).exists()
    staff_login(client, make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER))  # places per slot: managers
    response = client.post("/en" + day_url_, {"cap-capacity": "x"})
    assert response.status_code == 400 and "Enter a whole number." in response.content.decode()
    response = client.post(day_url_, {"cap-capacity": "5", "cap-reason": ""})
    assert response.status_code == 302
    assert set(Slot.objects.filter(service=first_slot.service, office=first_slot.office,
                                   starts_at__date=first_slot.starts_at.date()).values_list("capacity", flat=True)) <= {5}


def test_staff_of_another_department_cannot_open_the_day(client, make_staff, staff_login, first_slot):
    staff_login(client, make_staff("seiso-case", "seiso", Role.CASE_WORKER))
    day = timezone.localtime(first_slot.starts_at, services.TOKYO).date().isoformat()
    assert client.get(reverse("appointments_staff:day", args=["jumin-ido", "honchosha", day])).status_code == 403


def test_availability_api(client, first_slot):
    day = timezone.localtime(first_slot.starts_at, services.TOKYO).date().isoformat()
    data = client.get(f"/api/appointments/services/jumin-ido/availability?office=honchosha&date={day}").json()
    assert data["slots"][0]["id"] == first_slot.pk and data["slots"][0]["starts_at"].endswith("+09:00")
    assert client.get("/api/appointments/services/jumin-ido/availability?office=honchosha&date=bad").status_code == 400
    assert any(s["code"] == "jumin-ido" for s in client.get("/api/appointments/services").json()["services"])


def test_waiting_room_answers_503_with_retry_after_when_full(resident_client, first_slot, monkeypatch):
    from smartkoto.appointments import gate

    tiny = gate.Gate(concurrency=1, queue=0, wait_seconds=0.01)
    monkeypatch.setattr("smartkoto.appointments.views.public.booking_gate", tiny)
    response = resident_client.post("/en" + day_url(first_slot), {"slot": first_slot.pk, "key": "rush"})
    assert response.status_code == 503 and response["Retry-After"] == "3"
    assert f'value="{first_slot.pk}"' in response.content.decode()
    first_slot.refresh_from_db()
    assert first_slot.booked == 0


def test_form_key_that_happens_to_contain_twelve_digits_is_accepted(resident_client, resident, first_slot):
    from smartkoto.core.mynumber import is_individual_number

    digits = next(f"{n:011d}{c}" for n in range(12345678901, 12345679901) for c in range(10) if is_individual_number(f"{n:011d}{c}"))
    response = resident_client.post(day_url(first_slot), {"slot": first_slot.pk, "key": f"ab{digits}cd"})
    assert response.status_code == 302, response.context["form"].errors
    assert Booking.objects.filter(user=resident).count() == 1

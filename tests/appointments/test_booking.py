"""Booking, confirmation email with .ics, cancelling, rescheduling, holds that expire, per-person limits."""

from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from smartkoto.appointments import services, tasks
from smartkoto.appointments.models import Booking, Slot
from smartkoto.appointments.services import BookingRefused
from smartkoto.core.actor import Actor
from smartkoto.core.roles import Role

PUBLIC = Actor.anonymous()

pytestmark = pytest.mark.django_db(transaction=True)  # emails go out on commit


@pytest.fixture(autouse=True)
def _mail(mailoutbox):
    global OUTBOX
    OUTBOX = mailoutbox


def outbox_for(address):
    """Newest first, like notifications.queries.outbox_for (tests use Django's in-memory backend)."""
    return [m for m in reversed(OUTBOX) if address in m.to]


def ics_of(message):
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    return content if isinstance(content, str) else content.decode()


def book(user, slot, key=None, **kwargs):
    held = services.hold(slot.pk, actor=Actor.for_user(user), idempotency_key=key or f"k-{user.pk}-{slot.pk}")
    return services.confirm(held, actor=Actor.for_user(user), email=user.profile.email, **kwargs)


def test_confirmed_booking_sends_email_with_icalendar_file(resident, first_slot):
    booking = book(resident, first_slot, procedures=["tennyu", "kokuho"])
    assert booking.status == Booking.Status.CONFIRMED
    assert [p["code"] for p in booking.procedures] == ["tennyu", "kokuho"]
    email = outbox_for(resident.profile.email)[0]
    assert booking.reference in email.subject
    ics = ics_of(email)
    start = timezone.localtime(first_slot.starts_at, services.TOKYO)
    assert f"DTSTART;TZID=Asia/Tokyo:{start:%Y%m%dT%H%M%S}" in ics
    assert "BEGIN:VTIMEZONE" in ics and "STATUS:CONFIRMED" in ics and "\r\n" in ics
    assert f"key={services.manage_token(booking)}" in email.body


def test_second_booking_for_same_service_is_refused(make_resident, first_slot):
    resident = make_resident()
    book(resident, first_slot)
    other = Slot.objects.filter(service=first_slot.service, office=first_slot.office).exclude(pk=first_slot.pk).first()
    with pytest.raises(BookingRefused) as refused:
        services.hold(other.pk, actor=Actor.for_user(resident), idempotency_key="another-tab")
    assert refused.value.code == "already_booked"
    other.refresh_from_db()
    assert other.booked == 0


def test_database_refuses_two_active_bookings_of_one_person_for_one_service(resident, first_slot):
    book(resident, first_slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(reference="DUPLICAT", service=first_slot.service, office=first_slot.office,
                               slot=first_slot, user=resident, status=Booking.Status.CONFIRMED)


def test_database_refuses_an_overbooked_slot(first_slot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=first_slot.pk).update(booked=first_slot.capacity + 1)


def test_last_place_goes_to_one_resident_only(make_resident, first_slot):
    Slot.objects.filter(pk=first_slot.pk).update(capacity=1)
    book(make_resident(), first_slot)
    with pytest.raises(BookingRefused) as refused:
        services.hold(first_slot.pk, actor=Actor.for_user(make_resident()), idempotency_key="late")
    assert refused.value.code == "full"
    first_slot.refresh_from_db()
    assert first_slot.booked == 1


def test_cancelled_place_becomes_bookable_again(make_resident, first_slot):
    Slot.objects.filter(pk=first_slot.pk).update(capacity=1)
    first = make_resident()
    booking = book(first, first_slot)
    services.cancel(booking, actor=Actor.for_user(first))
    first_slot.refresh_from_db()
    assert first_slot.booked == 0
    assert book(make_resident(), first_slot).status == Booking.Status.CONFIRMED
    cancel_mail = outbox_for(first.profile.email)[0]
    assert "STATUS:CANCELLED" in ics_of(cancel_mail)
    # the first resident may book this service again after cancelling
    other = Slot.objects.filter(service=first_slot.service, office=first_slot.office).exclude(pk=first_slot.pk).first()
    assert book(first, other).status == Booking.Status.CONFIRMED


def test_expired_hold_gives_the_place_back_and_cannot_be_confirmed(make_resident, first_slot):
    Slot.objects.filter(pk=first_slot.pk).update(capacity=1)
    slow = make_resident()
    held = services.hold(first_slot.pk, actor=Actor.for_user(slow), idempotency_key="slow")
    Booking.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    quick = services.hold(first_slot.pk, actor=Actor.for_user(make_resident()), idempotency_key="quick")
    assert quick.status == Booking.Status.HELD
    held.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED
    with pytest.raises(BookingRefused):
        services.confirm(held, actor=Actor.for_user(slow))
    first_slot.refresh_from_db()
    assert first_slot.booked == 1


def test_replayed_idempotency_key_returns_the_same_hold(resident, first_slot):
    one = services.hold(first_slot.pk, actor=Actor.for_user(resident), idempotency_key="same-key")
    two = services.hold(first_slot.pk, actor=Actor.for_user(resident), idempotency_key="same-key")
    assert one.pk == two.pk
    first_slot.refresh_from_db()
    assert first_slot.booked == 1


def test_per_person_limit_across_services(resident, first_slot, booking_demo):
    from smartkoto.appointments.models import Service

    for service in Service.objects.all():
        service.max_active_per_person = 1
        service.save()
    book(resident, first_slot)
    card = Service.objects.get(code="mynumber-card")
    slot = services.ensure_slots(card, first_slot.office, timezone.localtime(first_slot.starts_at, services.TOKYO).date(), actor=PUBLIC).first()
    with pytest.raises(BookingRefused) as refused:
        services.hold(slot.pk, actor=Actor.for_user(resident), idempotency_key="third")
    assert refused.value.code == "too_many"


def test_reschedule_moves_the_place_and_sends_a_new_calendar_file(resident, first_slot):
    booking = book(resident, first_slot)
    later = Slot.objects.filter(service=first_slot.service, office=first_slot.office, starts_at__gt=first_slot.starts_at).first()
    moved = services.reschedule(booking, later.pk, actor=Actor.for_user(resident))
    first_slot.refresh_from_db()
    later.refresh_from_db()
    assert moved.slot_id == later.pk and first_slot.booked == 0 and later.booked == 1
    assert moved.sequence == booking.sequence + 1
    ics = ics_of(outbox_for(resident.profile.email)[0])
    assert f"SEQUENCE:{moved.sequence}" in ics


def test_reschedule_to_a_full_slot_keeps_the_old_booking(make_resident, first_slot):
    resident = make_resident()
    booking = book(resident, first_slot)
    full = Slot.objects.filter(service=first_slot.service, office=first_slot.office).exclude(pk=first_slot.pk).first()
    Slot.objects.filter(pk=full.pk).update(capacity=1, booked=1)
    with pytest.raises(BookingRefused):
        services.reschedule(booking, full.pk, actor=Actor.for_user(resident))
    booking.refresh_from_db()
    first_slot.refresh_from_db()
    assert booking.slot_id == first_slot.pk and first_slot.booked == 1


def test_reminder_is_sent_once_and_not_for_a_moved_booking(resident, first_slot):
    booking = book(resident, first_slot)
    before = len(outbox_for(resident.profile.email))
    iso = first_slot.starts_at.isoformat()
    assert tasks.send_reminder.call(booking.pk, iso) == "sent"
    assert tasks.send_reminder.call(booking.pk, iso) == "skipped"
    assert len(outbox_for(resident.profile.email)) == before + 1
    later = Slot.objects.filter(service=first_slot.service, office=first_slot.office, starts_at__gt=first_slot.starts_at).first()
    services.reschedule(booking, later.pk, actor=Actor.for_user(resident))
    assert tasks.send_reminder.call(booking.pk, iso) == "skipped"  # the old time's reminder
    assert tasks.send_reminder.call(booking.pk, later.starts_at.isoformat()) == "sent"


def test_reminder_is_planned_for_nine_the_day_before(settings, resident, service, honchosha):
    day = services.today() + timedelta(days=3)
    while not services.slot_times(service, honchosha, day):
        day += timedelta(days=1)
    first_slot = services.ensure_slots(service, honchosha, day, actor=PUBLIC).first()
    when = tasks.reminder_time(first_slot.starts_at)
    start = timezone.localtime(first_slot.starts_at, services.TOKYO)
    assert when.date() == start.date() - timedelta(days=1) and when.hour == 9
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # a backend that can defer
    booking = book(resident, first_slot)
    result = tasks.schedule_reminder(booking.pk)
    assert result is not None and result.task.run_after == when and result.args == [booking.pk, first_slot.starts_at.isoformat()]


def test_staggered_opening_lets_the_older_group_book_first(make_resident, booking_demo, honchosha):
    from smartkoto.appointments.models import Service

    classes = Service.objects.get(code="smartphone-class")
    day = services.today() + timedelta(days=3)
    while not services.slot_times(classes, honchosha, day):
        day += timedelta(days=1)
    slot = services.ensure_slots(classes, honchosha, day, actor=PUBLIC).first()
    young = make_resident()
    young.profile.birth_date = date(1990, 1, 1)
    young.profile.save()
    with pytest.raises(BookingRefused) as refused:
        services.hold(slot.pk, actor=Actor.for_user(young), idempotency_key="young")
    assert refused.value.code == "not_yet_open"
    old = make_resident()
    old.profile.birth_date = date(1950, 6, 1)
    old.profile.save()
    assert services.hold(slot.pk, actor=Actor.for_user(old), idempotency_key="old").status == Booking.Status.HELD


def test_walk_in_takes_the_current_slot(make_staff, service, honchosha, frozen_now):
    frozen_now(date(2026, 12, 2), time(10, 5))
    clerk = Actor.for_user(make_staff("clerk", "kumin", Role.COUNTER_CLERK))
    booking = services.walk_in(service, honchosha, actor=clerk, name="来庁 太郎", procedures=["tenkyo"])
    start = timezone.localtime(booking.slot.starts_at, services.TOKYO)
    assert start.time() == time(10, 0) and booking.source == Booking.Source.WALK_IN
    assert booking.status == Booking.Status.CONFIRMED and booking.user is None


def test_capacity_override_keeps_existing_bookings(make_resident, make_staff, service, honchosha, first_slot):
    day = timezone.localtime(first_slot.starts_at, services.TOKYO).date()
    book(make_resident(), first_slot)
    book(make_resident(), first_slot)
    manager = Actor.for_user(make_staff("manager", "kumin", Role.DEPARTMENT_MANAGER))
    kept = services.set_capacity(service, honchosha, day, 1, actor=manager, reason="研修")
    assert kept == 1
    first_slot.refresh_from_db()
    assert first_slot.capacity == 2 and first_slot.booked == 2
    others = services.ensure_slots(service, honchosha, day, actor=PUBLIC).exclude(pk=first_slot.pk)
    assert set(others.values_list("capacity", flat=True)) == {1}
    with pytest.raises(BookingRefused):
        services.hold(first_slot.pk, actor=Actor.for_user(make_resident()), idempotency_key="x")

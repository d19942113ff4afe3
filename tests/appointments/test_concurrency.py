"""Parallel clients with their own database connections: the database keeps capacity and one-per-person."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from smartkoto.appointments import services
from smartkoto.appointments.models import Booking, Slot
from smartkoto.core.actor import Actor

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _race(count, work):
    barrier = Barrier(count)

    def run(index):
        try:
            barrier.wait()
            return work(index)
        except services.BookingRefused as refused:
            return refused.code
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_thirty_residents_racing_for_five_places_get_exactly_five(make_resident, first_slot):
    Slot.objects.filter(pk=first_slot.pk).update(capacity=5)
    residents = [make_resident() for _ in range(30)]
    results = _race(30, lambda i: services.hold(first_slot.pk, actor=Actor.for_user(residents[i]), idempotency_key=f"r{i}"))
    bookings = [r for r in results if isinstance(r, Booking)]
    assert len(bookings) == 5
    assert set(r for r in results if not isinstance(r, Booking)) == {"full"}
    first_slot.refresh_from_db()
    assert first_slot.booked == 5 == Booking.objects.filter(slot=first_slot, status="held").count()


def test_one_resident_in_ten_tabs_gets_one_booking(resident, first_slot):
    slots = list(Slot.objects.filter(service=first_slot.service, office=first_slot.office)[:10])
    results = _race(10, lambda i: services.hold(slots[i].pk, actor=Actor.for_user(resident), idempotency_key=f"tab{i}"))
    assert len([r for r in results if isinstance(r, Booking)]) == 1
    assert Booking.objects.filter(user=resident, status__in=Booking.ACTIVE).count() == 1
    assert sum(Slot.objects.filter(pk__in=[s.pk for s in slots]).values_list("booked", flat=True)) == 1

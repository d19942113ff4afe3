"""Slots come from the business calendar and the office's hours, in Asia/Tokyo."""

from datetime import date, time

import pytest

from smartkoto.appointments import services
from smartkoto.core.actor import Actor

PUBLIC = Actor.anonymous()

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [
    date(2026, 12, 5),   # Saturday
    date(2026, 12, 29),  # year-end closure (a Tuesday)
    date(2027, 1, 4 - 1),  # 1/3
    date(2027, 1, 11),   # Coming of Age Day (national holiday, Monday)
])
def test_closed_day_or_holiday_has_no_slots(service, honchosha, day):
    assert services.slot_times(service, honchosha, day) == []
    assert list(services.ensure_slots(service, honchosha, day, actor=PUBLIC)) == []


def test_slots_follow_office_hours_length_and_buffer(service, honchosha):
    service.slot_minutes, service.buffer_minutes = 30, 15
    times = services.slot_times(service, honchosha, date(2026, 12, 2))
    starts = [start.astimezone(services.TOKYO).time() for start, _end in times]
    assert starts[0] == time(8, 30) and starts[1] == time(9, 15)
    assert all(end.astimezone(services.TOKYO).time() <= time(17, 0) for _s, end in times)
    assert str(times[0][0].tzinfo) == "Asia/Tokyo"


def test_slots_are_created_once_with_the_day_override(service, honchosha):
    day = date(2026, 12, 2)
    first = list(services.ensure_slots(service, honchosha, day, actor=PUBLIC))
    again = list(services.ensure_slots(service, honchosha, day, actor=PUBLIC))
    assert [s.pk for s in first] == [s.pk for s in again]
    assert all(s.capacity == service.capacity for s in first)


def test_days_outside_the_horizon_or_too_soon_are_not_offered(service, honchosha, frozen_now):
    frozen_now(date(2026, 12, 2), time(9, 0))
    days = services.available_days(service, honchosha, actor=PUBLIC)
    assert days[0][0] == date(2026, 12, 2)
    assert days[-1][0] == date(2027, 1, 1)  # 30 days ahead
    closed = {d: reason for d, _left, reason in days if reason}
    assert date(2026, 12, 29) in closed and date(2026, 12, 5) in closed
    slots = services.open_slots(service, honchosha, date(2026, 12, 2), actor=PUBLIC)
    assert all(s.starts_at >= services.now() for s in slots)  # 1 h notice: 9:00 and earlier are gone
    assert slots[0].starts_at.astimezone(services.TOKYO).time() == time(10, 0)

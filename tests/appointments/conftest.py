"""Fixtures for bookings: Koto demo services, a frozen "now" on a business morning, helpers."""

from datetime import date, datetime, time, timedelta

import pytest

from smartkoto.municipality import calendar

TOKYO_TZ = "Asia/Tokyo"


def next_open_day(after, office=None):
    return calendar.business_days(after + timedelta(days=1), 1, office)[0]


@pytest.fixture
def booking_demo(koto):
    from smartkoto.appointments import demo

    demo.load()


@pytest.fixture
def frozen_now(monkeypatch):
    """Freeze the booking clock at 09:00 Asia/Tokyo on a chosen business day (default: a known Wednesday)."""
    from smartkoto.appointments import services

    def freeze(day=date(2026, 12, 2), at=time(9, 0)):
        moment = datetime.combine(day, at, services.TOKYO)
        monkeypatch.setattr(services, "now", lambda: moment)
        return moment

    return freeze


@pytest.fixture
def service(booking_demo):
    from smartkoto.appointments.models import Service

    return Service.objects.get(code="jumin-ido")


@pytest.fixture
def honchosha(koto):
    from smartkoto.municipality.models import Office

    return Office.objects.get(code="honchosha")


@pytest.fixture
def first_slot(service, honchosha):
    """A slot on the next business day (real clock), with the service's usual capacity."""
    from smartkoto.appointments import services
    from smartkoto.core.actor import Actor

    PUBLIC = Actor.anonymous()
    day = next_open_day(services.today(), honchosha)
    return services.ensure_slots(service, honchosha, day, actor=PUBLIC).first()

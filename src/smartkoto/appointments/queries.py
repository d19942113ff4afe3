"""Reads other apps may use (counters for check-in, insights for figures). Never import models elsewhere."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q

from .models import Booking, Service
from .services import TOKYO, token_matches


def booking_for_check_in(reference):
    """A confirmed or already-attended booking by its reference, as a dict, or None."""
    booking = (Booking.objects.select_related("service", "office", "slot")
               .filter(reference=reference.strip().upper().removeprefix("SKB:")).first())
    if booking is None:
        return None
    return {"reference": booking.reference, "status": booking.status, "service_code": booking.service.code,
            "service_name": booking.service.name, "office_code": booking.office.code,
            "counter_type_code": booking.service.counter_type_code, "starts_at": booking.slot.starts_at,
            "department_code": booking.service.department_code}


def mark_attended(reference, request=None):
    from . import services

    booking = Booking.objects.filter(reference=reference).first()
    if booking is not None and booking.status in (Booking.Status.CONFIRMED, Booking.Status.NO_SHOW):
        services.set_status_by_staff(booking, Booking.Status.ATTENDED, request=request)


def booking_figures(start, end, department_codes=None):
    """No-show rate and counts of bookings between two dates (inclusive), by source."""
    qs = Booking.objects.filter(slot__starts_at__gte=datetime.combine(start, time.min, TOKYO),
                                slot__starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, TOKYO))
    if department_codes is not None:
        qs = qs.filter(service__department_code__in=department_codes)
    agg = qs.aggregate(
        confirmed=Count("id", filter=Q(status__in=["confirmed", "attended", "no_show"])),
        attended=Count("id", filter=Q(status="attended")),
        no_show=Count("id", filter=Q(status="no_show")),
        cancelled=Count("id", filter=Q(status="cancelled")),
        walk_in=Count("id", filter=Q(source="walk_in")),
        online=Count("id", filter=Q(source="online") & ~Q(status__in=["expired", "held"])),
    )
    decided = agg["attended"] + agg["no_show"]
    agg["no_show_rate"] = round(agg["no_show"] / decided, 3) if decided else None
    return agg


def services_list():
    return list(Service.objects.filter(active=True).values("code", "name", "kind", "department_code"))


__all__ = ["booking_for_check_in", "mark_attended", "booking_figures", "services_list", "token_matches"]

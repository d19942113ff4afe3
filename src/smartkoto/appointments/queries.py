"""Reads of bookings for views and other apps (counters for check-in, figures). Each takes `actor=`
and answers only what that actor may read (permissions.py). Never import models elsewhere."""

from datetime import date as date_type, datetime, time, timedelta

from django.db.models import Count, Q

from smartkoto.core import audit, guest
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role

from .models import Booking, Service
from .permissions import GUEST_KIND, policy
from .services import TOKYO, _capacity_for, _day_slots, _days_slots, token_matches

S = Booking.Status


# -- residents and the public -----------------------------------------------------------------------
def active_services(*, actor):
    """Bookable services with their offices, for the public index and the API."""
    policy.check(actor, "service.read")
    return list(Service.objects.filter(active=True).prefetch_related("offices"))


def service(code, *, actor):
    """An active service by its code, or None."""
    found = Service.objects.filter(code=code, active=True).prefetch_related("offices").first()
    if found is not None:
        policy.check(actor, "service.read", found)
    return found


def booking(reference, *, actor, key=""):
    """The booking `actor` may see, or None (unknown, or another resident's: not revealed).

    A valid email-link `key` makes this browser session the booking's owner (`core.guest`); a wrong key
    from a browser that is not signed in is refused, as is staff of another department: `Forbidden`,
    audited (by the web layer).
    """
    found = Booking.objects.select_related("service", "office", "slot", "user").filter(reference=reference).first()
    if found is None:
        return None
    if key and token_matches(found, key):
        guest.claim(actor, GUEST_KIND, found.reference)
    elif key and not (actor.is_resident or actor.is_staff):
        raise Forbidden("appointments.booking.key", actor=actor, target=found, department_code=found.department_code)
    if policy.can(actor, "booking.read", found):
        return found
    if actor.is_resident:
        return None
    policy.check(actor, "booking.read", found)


def my_bookings(*, actor):
    """The signed-in resident's bookings, newest first (none for anyone else)."""
    if not actor.is_resident:
        return Booking.objects.none()
    return (Booking.objects.filter(user=actor.user).select_related("service", "office", "slot")
            .order_by("-slot__starts_at"))


# -- staff -----------------------------------------------------------------------------------------
def staff_services(*, actor):
    """Services whose calendar `actor` may read: own departments' (auditors: all)."""
    return [s for s in Service.objects.prefetch_related("offices") if policy.can(actor, "day.read", s)]


def staff_day(code, office_code, day, *, actor):
    """One day of one service at one office for staff: slots, bookings (personal data: the read is
    audited) and places per slot. None for an unknown service or office."""
    found = Service.objects.filter(code=code).first()
    if found is None:
        return None
    policy.check(actor, "day.read", found)
    office = found.offices.filter(code=office_code).first()
    if office is None or not isinstance(day, date_type):
        return None
    start = datetime.combine(day, time.min, TOKYO)
    bookings = (Booking.objects.filter(service=found, office=office, slot__starts_at__gte=start,
                                       slot__starts_at__lt=start + timedelta(days=1))
                .exclude(status=S.EXPIRED).select_related("slot", "service", "user__profile")
                .order_by("slot__starts_at", "id"))
    audit.record("appointments.staff_view_day", actor=actor, target=found, department_code=found.department_code,
                 detail={"office": office.code, "date": day.isoformat()})
    return {"service": found, "office": office, "day": day, "slots": _day_slots(found, office, day),
            "bookings": bookings, "capacity": _capacity_for(found, office, day)}


def week_slots(found, office, days, *, actor):
    """{day: slots} for the staff calendar grid (read only: times without a row yet are computed)."""
    policy.check(actor, "day.read", found)
    return _days_slots(found, office, days)


def staff_booking(reference, *, actor, for_action=None):
    """A booking for a staff action page, or None; `Forbidden` outside the reader's departments.
    `for_action` (e.g. "booking.change_status"): the write the caller is about to make, checked before any
    form is read so a refused actor gets 403 whatever it sent."""
    found = Booking.objects.select_related("service", "slot", "office").filter(reference=reference).first()
    if found is not None:
        policy.check(actor, "booking.read", found)
        if for_action:
            policy.check(actor, for_action, found)
    return found


def day_figures(found, office, day, *, actor):
    policy.check(actor, "day.read", found)
    slots = _day_slots(found, office, day)
    return {"capacity": sum(s.capacity for s in slots) if slots else None,
            "booked": sum(s.booked for s in slots) if slots else None, "slots": len(slots)}


# -- other apps ------------------------------------------------------------------------------------
def booking_for_check_in(reference, *, actor):
    """A booking by its reference (or its QR code "SKB:…"), as a dict, or None. `Forbidden` unless
    `actor` may check it in (staff of its department, or the lobby kiosk acting as the system)."""
    found = (Booking.objects.select_related("service", "office", "slot")
             .filter(reference=(reference or "").strip().upper().removeprefix("SKB:")).first())
    if found is None:
        return None
    policy.check(actor, "booking.check_in", found)
    return {"reference": found.reference, "status": found.status, "service_code": found.service.code,
            "service_name": found.service.name, "office_code": found.office.code,
            "counter_type_code": found.service.counter_type_code, "starts_at": found.slot.starts_at,
            "department_code": found.service.department_code}


def booking_figures(start, end, *, actor):
    """No-show rate and counts of bookings between two dates (inclusive), by source, over the departments
    `actor` may see figures of (auditors: all; department managers: their own)."""
    policy.check(actor, "figures.read")
    qs = Booking.objects.filter(slot__starts_at__gte=datetime.combine(start, time.min, TOKYO),
                                slot__starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, TOKYO))
    if not actor.has_role(Role.AUDITOR):
        qs = qs.filter(service__department_code__in=actor.department_codes(Role.DEPARTMENT_MANAGER))
    agg = qs.aggregate(
        confirmed=Count("id", filter=Q(status__in=[S.CONFIRMED, S.ATTENDED, S.NO_SHOW])),
        attended=Count("id", filter=Q(status=S.ATTENDED)),
        no_show=Count("id", filter=Q(status=S.NO_SHOW)),
        cancelled=Count("id", filter=Q(status=S.CANCELLED)),
        walk_in=Count("id", filter=Q(source=Booking.Source.WALK_IN)),
        online=Count("id", filter=Q(source=Booking.Source.ONLINE) & ~Q(status__in=[S.EXPIRED, S.HELD])),
    )
    decided = agg["attended"] + agg["no_show"]
    agg["no_show_rate"] = round(agg["no_show"] / decided, 3) if decided else None
    return agg


def services_list(*, actor):
    policy.check(actor, "service.read")
    return list(Service.objects.filter(active=True).values("code", "name", "kind", "department_code"))

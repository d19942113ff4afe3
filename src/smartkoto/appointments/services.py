"""Everything that changes bookings (予約). Each write runs in a transaction and is audited.

Seats are taken with one conditional UPDATE (`booked = booked + 1 WHERE booked < capacity`), which is
atomic on SQLite (IMMEDIATE transactions) and PostgreSQL (the row lock re-checks the condition), and the
CHECK constraint on Slot refuses an overbooking even if code forgets. The partial UNIQUE index on Booking
refuses a second active booking of the same person for the same service.
"""

import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from smartkoto.core import audit
from smartkoto.core import tasks as core_tasks
from smartkoto.municipality import calendar

from .models import Booking, BookingEvent, CapacityOverride, Service, Slot
from .permissions import policy
from .workflow import BOOKING, SYSTEM, TransitionNotAllowed, party

TOKYO = ZoneInfo("Asia/Tokyo")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
S = Booking.Status


class BookingRefused(Exception):
    """A booking step the rules do not allow; `message` is for the resident."""

    def __init__(self, code, message, booking=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.booking = booking


def now():
    return timezone.now()


def today():
    return timezone.localtime(now(), TOKYO).date()


def _new_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def manage_token(booking_or_reference):
    reference = getattr(booking_or_reference, "reference", booking_or_reference)
    return salted_hmac("smartkoto.appointments.manage", reference).hexdigest()[:32]


def token_matches(booking, token):
    return bool(token) and constant_time_compare(manage_token(booking), str(token))


def video_link(booking):
    """The video room of an online consultation (derived from the reference; shown to its owner)."""
    if not booking.service.video_link_base:
        return ""
    return booking.service.video_link_base.rstrip("/") + "/" + salted_hmac("smartkoto.appointments.video", booking.reference).hexdigest()[:20]


# -- slots from the calendar ------------------------------------------------------------------------
def slot_times(service, office, day):
    """(start, end) pairs for `day`, Asia/Tokyo; none on a closed day (weekend, holiday, 12/29–1/3)."""
    if not calendar.is_open(day, office):
        return []
    opens = datetime.combine(day, _as_time(office.opens_at), TOKYO)
    closes = datetime.combine(day, _as_time(office.closes_at), TOKYO)
    step = timedelta(minutes=service.slot_minutes + service.buffer_minutes)
    length = timedelta(minutes=service.slot_minutes)
    times, start = [], opens
    while start + length <= closes:
        times.append((start, start + length))
        start += step
    return times


def _as_time(value):
    if isinstance(value, str):
        return time.fromisoformat(value)
    return value


def _capacity_for(service, office, day):
    override = CapacityOverride.objects.filter(service=service, office=office, date=day).first()
    return override.capacity if override else service.capacity


def horizon(service):
    """(first day, last day) a resident may book: today up to `service.horizon_days` ahead. Slot rows exist
    only for days inside it."""
    first = today()
    return first, first + timedelta(days=service.horizon_days)


def in_horizon(service, day):
    first, last = horizon(service)
    return first <= day <= last


def ensure_slots(service, office, day, *, actor):
    """The day's slot rows, created on first use when `day` is inside the booking horizon (outside it: only
    rows that already exist, none created). A write: for booking paths (holding a time), not for reads."""
    policy.check(actor, "service.read", service)
    return _ensure_slots(service, office, day)


def _rows(service, office, day):
    start = datetime.combine(day, time.min, TOKYO)
    return Slot.objects.filter(service=service, office=office, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))


def _ensure_slots(service, office, day):
    qs = _rows(service, office, day)
    times = slot_times(service, office, day)
    if not times:
        return qs.none()
    if in_horizon(service, day) and qs.count() < len(times):
        capacity = _capacity_for(service, office, day)
        Slot.objects.bulk_create(
            [Slot(service=service, office=office, starts_at=s, ends_at=e, capacity=capacity) for s, e in times],
            ignore_conflicts=True,
        )
    return qs.order_by("starts_at")


def _day_slots(service, office, day):
    """Read only: the day's slots, never writing. Stored rows, and for each time of the schedule not stored
    yet an unsaved `Slot` (pk None, nothing booked) computed from the calendar and the day's capacity.
    Empty on a closed day."""
    return _days_slots(service, office, [day])[day]


def _days_slots(service, office, days):
    """`_day_slots` of several days: {day: slots}, with the stored rows and the capacity overrides of all the
    days read in one query each (a booking horizon or a week grid, not two queries per day)."""
    days = list(days)
    schedule = {day: slot_times(service, office, day) for day in days}
    open_days = [day for day in days if schedule[day]]
    stored, capacities = {}, {}
    if open_days:
        start = datetime.combine(min(open_days), time.min, TOKYO)
        end = datetime.combine(max(open_days), time.min, TOKYO) + timedelta(days=1)
        for slot in Slot.objects.filter(service=service, office=office, starts_at__gte=start, starts_at__lt=end):
            stored.setdefault(timezone.localtime(slot.starts_at, TOKYO).date(), {})[slot.starts_at] = slot
        capacities = dict(CapacityOverride.objects.filter(service=service, office=office, date__in=open_days)
                          .values_list("date", "capacity"))
    result = {}
    for day in days:
        if not schedule[day]:
            result[day] = []
            continue
        rows = stored.get(day, {})
        capacity = capacities.get(day, service.capacity)
        found = []
        for slot_start, slot_end in schedule[day]:
            slot = rows.pop(slot_start, None)
            if slot is None:
                slot = Slot(service=service, office=office, starts_at=slot_start, ends_at=slot_end, capacity=capacity)
            found.append(slot)
        found.extend(rows.values())  # rows of an earlier schedule keep their bookings
        result[day] = sorted(found, key=lambda slot: slot.starts_at)
    return result


def time_key(slot):
    return "t" + timezone.localtime(slot.starts_at, TOKYO).strftime("%H%M")


def slot_key(slot):
    """What a form posts for a time: the row id, or "tHHMM" for a time whose row is made when it is held."""
    return str(slot.pk) if slot.pk else time_key(slot)


def _bookable_window(service):
    """(earliest start, latest start) a resident may book now."""
    earliest = now() + timedelta(hours=service.min_notice_hours)
    last_day = today() + timedelta(days=service.horizon_days)
    latest = datetime.combine(last_day, time.max, TOKYO)
    return earliest, latest


def available_days(service, office, *, actor):
    """[(date, places left, reason closed or "")] for each day in the booking horizon."""
    policy.check(actor, "service.read", service)
    _release_expired_holds()
    earliest, latest = _bookable_window(service)
    horizon_days, day = [], timezone.localtime(earliest, TOKYO).date()
    while day <= latest.date():
        horizon_days.append(day)
        day += timedelta(days=1)
    reasons = {day: calendar.closure_reason(day, office) for day in horizon_days}
    slots = _days_slots(service, office, [day for day in horizon_days if not reasons[day]])
    days = []
    for day in horizon_days:
        if reasons[day]:
            days.append((day, 0, reasons[day]))
        else:
            days.append((day, sum(slot.remaining for slot in slots[day] if slot.starts_at >= earliest), ""))
    return days


def open_slots(service, office, day, *, actor):
    """Slots of `day` a resident may still choose (with their places left)."""
    policy.check(actor, "service.read", service)
    _release_expired_holds()
    earliest, latest = _bookable_window(service)
    return [slot for slot in _day_slots(service, office, day) if earliest <= slot.starts_at <= latest]


# -- holds and bookings -------------------------------------------------------------------------------
def release_expired_holds(*, actor, limit=500):
    """Give the places of holds past their expiry back (the scheduled task). Safe to run from many
    processes at once."""
    policy.check(actor, "holds.release")
    return _release_expired_holds(limit)


def _release_expired_holds(limit=500):
    expired = list(Booking.objects.filter(status=S.HELD, hold_expires_at__lt=now()).values_list("pk", flat=True)[:limit])
    released = 0
    for pk in expired:
        with transaction.atomic():
            booking = Booking.objects.filter(pk=pk).first()
            if booking is None or not BOOKING.allowed(booking.status, S.EXPIRED, SYSTEM):
                continue  # confirmed or cancelled meanwhile
            BOOKING.apply(booking, S.EXPIRED, by=SYSTEM)
            if Booking.objects.filter(pk=pk, status=S.HELD, hold_expires_at__lt=now()).update(status=booking.status):
                Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
                BookingEvent.objects.create(booking=booking, from_status=S.HELD, to_status=S.EXPIRED, actor="system")
                released += 1
    return released


def _birth_year(user):
    profile = getattr(user, "profile", None)
    return profile.birth_date.year if profile is not None and profile.birth_date else None


def _wave_for(service, user):
    """The opening wave that lets `user` book now, None when the service has no waves, or refusal."""
    waves = list(service.waves.all())
    if not waves:
        return None
    year = _birth_year(user)
    mine = [wave for wave in waves if wave.covers(year)]
    if not mine:
        raise BookingRefused("no_group", _("Booking for this service is not open to your group."))
    opened = [wave for wave in mine if wave.opens_at <= now()]
    if not opened:
        first = min(mine, key=lambda wave: wave.opens_at)
        raise BookingRefused("not_yet_open", _("Booking for your group opens at %(when)s.") % {
            "when": timezone.localtime(first.opens_at, TOKYO).strftime("%Y-%m-%d %H:%M")})
    return opened[0]


def _event(booking, from_status, to_status, actor="", note=""):
    BookingEvent.objects.create(booking=booking, from_status=from_status or "", to_status=to_status,
                                actor=str(actor)[:150], note=note[:200])


def _by(actor):
    """Who made a change, for the booking's history: the user name, a system label, or "link"."""
    return actor.label if (actor.user is not None or actor.is_system) else "link"


def hold(slot_id, *, actor, idempotency_key):
    """Take one place in a slot for the signed-in resident, held for `service.hold_minutes` until
    confirmed. Replaying the same idempotency key returns the booking made the first time.
    """
    policy.check(actor, "booking.create")
    user = actor.resident
    if idempotency_key:
        earlier = Booking.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.user_id != user.pk:
                raise BookingRefused("bad_request", _("This form was already used. Please start again."))
            return earlier
    slot = Slot.objects.select_related("service", "office").filter(pk=slot_id).first()
    if slot is None or not slot.service.active:
        raise BookingRefused("no_slot", _("This time is not available. Please choose another time."))
    service = slot.service
    earliest, latest = _bookable_window(service)
    if not (earliest <= slot.starts_at <= latest):
        raise BookingRefused("outside_window", _("This time can no longer be booked online. Please choose another time."))
    _wave_for(service, user)
    existing = Booking.objects.filter(user=user, service=service, status__in=Booking.ACTIVE).first()
    if existing is not None:
        raise BookingRefused("already_booked", _("You already have a booking for this service. Change or cancel it instead."), existing)
    if Booking.objects.filter(user=user, status__in=Booking.ACTIVE).count() >= service.max_active_per_person:
        raise BookingRefused("too_many", _("You have reached the number of bookings one person can hold."))
    _release_slot_holds(slot)
    try:
        with transaction.atomic():
            taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
            if not taken:
                raise BookingRefused("full", _("This time has just been fully booked. Please choose another time."))
            booking = Booking.objects.create(
                reference=_new_reference(), service=service, office=slot.office, slot=slot, user=user,
                status=S.HELD, hold_expires_at=now() + timedelta(minutes=service.hold_minutes),
                idempotency_key=idempotency_key or None,
                contact_email=getattr(getattr(user, "profile", None), "email", "") or "",
            )
            _event(booking, "", S.HELD, _by(actor))
            audit.record("appointments.hold", actor=actor, target=booking,
                         department_code=service.department_code, detail={"service": service.code, "slot": slot.pk})
    except IntegrityError:
        if idempotency_key and (earlier := Booking.objects.filter(idempotency_key=idempotency_key, user=user).first()):
            return earlier
        existing = Booking.objects.filter(user=user, service=service, status__in=Booking.ACTIVE).first()
        raise BookingRefused("already_booked", _("You already have a booking for this service. Change or cancel it instead."), existing)
    return booking


def _release_slot_holds(slot):
    if Booking.objects.filter(slot=slot, status=S.HELD, hold_expires_at__lt=now()).exists():
        _release_expired_holds()


def procedure_choices(service):
    from smartkoto.core.i18n import tr

    return [(item["code"], tr(item.get("label"))) for item in service.procedures]


def _procedure_list(service, codes):
    by_code = {item["code"]: item for item in service.procedures}
    return [{"code": code, "label": by_code[code].get("label", code)} for code in codes if code in by_code]


def confirm(booking, *, actor, procedures=(), email=""):
    """Turn a hold into a booking, send the confirmation (with .ics) and plan the reminder."""
    policy.check(actor, "booking.manage", booking)
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).select_related("service").get(pk=booking.pk)
        if current.status == S.CONFIRMED:
            return current  # a double click on "Confirm"
        if current.status != S.HELD:
            raise BookingRefused("not_held", _("This hold has ended. Please choose a time again."))
        if current.hold_expires_at and current.hold_expires_at < now():
            raise BookingRefused("expired", _("Your hold ran out before you confirmed. Please choose a time again."))
        BOOKING.apply(current, S.CONFIRMED, by=party(actor))
        updated = Booking.objects.filter(pk=current.pk, status=S.HELD).update(
            status=current.status, hold_expires_at=None, procedures=_procedure_list(current.service, procedures),
            contact_email=email or current.contact_email, sequence=F("sequence") + 1, updated_at=now())
        if not updated:
            raise BookingRefused("not_held", _("This hold has ended. Please choose a time again."))
        current.refresh_from_db()
        _event(current, S.HELD, S.CONFIRMED, _by(actor))
        audit.record("appointments.confirm", actor=actor, target=current,
                     department_code=current.service.department_code, detail={"service": current.service.code})
        _notify(current, "confirmed")
    return current


def _notify(booking, kind):
    from . import tasks

    booking_id = booking.pk
    # In the booking's own transaction when tasks live in this database: a crash cannot keep the booking and
    # lose its email (core.tasks.enqueue_in_transaction).
    core_tasks.enqueue_in_transaction(tasks.send_booking_email, booking_id, kind)
    if kind in ("confirmed", "rescheduled"):
        if core_tasks.in_same_database(tasks.send_reminder):
            tasks.schedule_reminder(booking_id)
        else:
            transaction.on_commit(lambda: tasks.schedule_reminder(booking_id))


def cancel(booking, *, actor, note=""):
    """Cancel an active booking (its owner, or staff of its department for the resident); its place
    becomes bookable again at once."""
    policy.check(actor, "booking.cancel", booking)
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).select_related("service").get(pk=booking.pk)
        if current.status == S.CANCELLED:
            return current
        before = BOOKING.apply(current, S.CANCELLED, by=party(actor))
        if not Booking.objects.filter(pk=current.pk, status=before).update(
                status=current.status, sequence=F("sequence") + 1, hold_expires_at=None, updated_at=now()):
            raise BookingRefused("changed", _("This booking was changed at the same time. Please look again."))
        Slot.objects.filter(pk=current.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        _event(current, before, S.CANCELLED, _by(actor), note)
        was_confirmed = before == S.CONFIRMED
        current.refresh_from_db()
        audit.record("appointments.cancel", actor=actor, target=current,
                     department_code=current.service.department_code, detail={"service": current.service.code})
        if was_confirmed:
            _notify(current, "cancelled")
    return current


def reschedule(booking, new_slot_id, *, actor):
    """Move a confirmed booking to another slot of the same service and office, atomically."""
    policy.check(actor, "booking.manage", booking)
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).select_related("service").get(pk=booking.pk)
        try:
            BOOKING.apply(current, S.CONFIRMED, by=party(actor))
        except TransitionNotAllowed:
            raise BookingRefused("not_confirmed", _("Only a confirmed booking can be changed.")) from None
        if current.slot_id == int(new_slot_id):
            return current
        new_slot = Slot.objects.filter(pk=new_slot_id, service=current.service, office=current.office).first()
        earliest, latest = _bookable_window(current.service)
        if new_slot is None or not (earliest <= new_slot.starts_at <= latest):
            raise BookingRefused("no_slot", _("This time is not available. Please choose another time."))
        if not Slot.objects.filter(pk=new_slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
            raise BookingRefused("full", _("This time has just been fully booked. Please choose another time."))
        Slot.objects.filter(pk=current.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        old_slot = current.slot_id
        Booking.objects.filter(pk=current.pk).update(slot=new_slot, sequence=F("sequence") + 1, reminder_sent_for=None, updated_at=now())
        current.refresh_from_db()
        _event(current, S.CONFIRMED, S.CONFIRMED, _by(actor), f"rescheduled from slot {old_slot}")
        audit.record("appointments.reschedule", actor=actor, target=current,
                     department_code=current.service.department_code, detail={"from_slot": old_slot, "to_slot": new_slot.pk})
        _notify(current, "rescheduled")
    return current


STAFF_MOVES = (S.ATTENDED, S.NO_SHOW, S.CANCELLED)
"""What the staff day page offers: attended, did not come (無断キャンセル), cancelled for the resident."""


def change_status(booking, to_status, *, actor, note=""):
    """Staff mark a booking attended or as a no-show, or cancel it for the resident.

    Raises `TransitionNotAllowed` when the booking's status does not allow the move.
    """
    if to_status == S.CANCELLED:
        return cancel(booking, actor=actor, note=note)
    if to_status not in STAFF_MOVES:
        raise TransitionNotAllowed(BOOKING.name, booking.status, to_status, party(actor))
    policy.check(actor, "booking.change_status", booking)
    return _set_status(booking, to_status, actor)


def check_in(reference, *, actor):
    """A booked resident has arrived (desk or lobby kiosk): mark the booking attended. Returns it, or
    None when no booking has this reference or it cannot be checked in."""
    booking = Booking.objects.select_related("service").filter(reference=reference).first()
    if booking is None or booking.status not in (S.CONFIRMED, S.NO_SHOW, S.ATTENDED):
        return None
    policy.check(actor, "booking.check_in", booking)
    return _set_status(booking, S.ATTENDED, actor)


def _set_status(booking, to_status, actor):
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).select_related("service").get(pk=booking.pk)
        if current.status == to_status:
            return current
        before = BOOKING.apply(current, to_status, by=party(actor))
        Booking.objects.filter(pk=current.pk, status=before).update(status=current.status, updated_at=now())
        _event(current, before, to_status, _by(actor))
        current.refresh_from_db()
        audit.record(f"appointments.{to_status}", actor=actor, target=current,
                     department_code=current.service.department_code, detail={"service": current.service.code})
    return current


def walk_in(service, office, *, actor, name="", procedures=()):
    """Convert a walk-in visitor into a booking in the current or next slot today that has a place."""
    policy.check(actor, "day.walk_in", service)
    slots = _ensure_slots(service, office, today()).filter(ends_at__gt=now(), booked__lt=F("capacity"))
    for slot in slots:
        with transaction.atomic():
            if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
                continue
            booking = Booking.objects.create(
                reference=_new_reference(), service=service, office=office, slot=slot, user=None,
                status=S.CONFIRMED, source=Booking.Source.WALK_IN, walk_in_name=name[:100],
                procedures=_procedure_list(service, procedures))
            _event(booking, "", S.CONFIRMED, _by(actor), "walk-in")
            audit.record("appointments.walk_in", actor=actor, target=booking,
                         department_code=service.department_code, detail={"service": service.code, "slot": slot.pk})
            return booking
    raise BookingRefused("full", _("No place is left today for this service at this office."))


def set_capacity(service, office, day, capacity, *, actor, reason=""):
    """Override places per slot for one day. Slots already booked beyond it keep their bookings.

    Returns the number of slots that could not be reduced as far as asked.
    """
    policy.check(actor, "day.set_capacity", service)
    if capacity < 0:
        raise BookingRefused("bad_capacity", _("Enter a whole number of places, 0 or more."))
    with transaction.atomic():
        CapacityOverride.objects.update_or_create(service=service, office=office, date=day,
                                                  defaults={"capacity": capacity, "reason": reason[:200]})
        slots = _ensure_slots(service, office, day)
        slots.filter(booked__lte=capacity).update(capacity=capacity)
        kept = slots.filter(booked__gt=capacity).update(capacity=F("booked"))
        audit.record("appointments.capacity_override", actor=actor, target=service,
                     department_code=service.department_code,
                     detail={"office": office.code, "date": day.isoformat(), "capacity": capacity, "kept": kept})
    return kept


def attach_applications(booking, references, *, actor):
    """Link application references (from the applications app) to a booking covering several procedures."""
    policy.check(actor, "booking.manage", booking)
    with transaction.atomic():
        current = Booking.objects.select_for_update().get(pk=booking.pk)
        linked = list(dict.fromkeys([*current.linked_applications, *references]))
        Booking.objects.filter(pk=current.pk).update(linked_applications=linked)
        audit.record("appointments.link_applications", actor=actor, target=current,
                     department_code=current.department_code, detail={"count": len(linked)})
    current.refresh_from_db()
    return current

"""Everything that changes the counter queue. Each change is one transaction, checked against
`permissions.py`, made through the ticket table (`workflow.py`), audited, and bumps the office's queue
version so live pages refresh."""

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core import audit, pagecache
from smartkoto.core.actor import SYSTEM, Actor
from smartkoto.core.workflow import RESIDENT, STAFF, TransitionNotAllowed

from .models import CounterType, QueueState, Ticket, TicketEvent, TicketSequence
from .permissions import Kiosk, policy
from .queries import TOKYO, today
from .workflow import TICKET, target

T = Ticket.Status


class QueueRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _bump(office_id):
    pagecache.bump("counters")  # the congestion pages' copies (kept seconds) are dropped at once
    if not QueueState.objects.filter(office_id=office_id).update(version=F("version") + 1):
        try:
            with transaction.atomic():
                QueueState.objects.create(office_id=office_id, version=1)
        except IntegrityError:
            QueueState.objects.filter(office_id=office_id).update(version=F("version") + 1)


def _by(actor):
    """Who made a change, for the ticket's history."""
    return actor.label or ("kiosk" if actor.is_anonymous else actor.kind)


def _next_number(counter_type, day):
    sequence, _created = TicketSequence.objects.get_or_create(counter_type=counter_type, day=day)
    TicketSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    return TicketSequence.objects.values_list("last_number", flat=True).get(pk=sequence.pk)


def _kiosk(office, enrolled_office):
    return Kiosk(office_code=office.code, enrolled_office=enrolled_office)


def issue_ticket(counter_type, *, actor, kiosk=None, source=None, booking_reference="", priority=0):
    """A numbered ticket for today in `counter_type`'s queue (e.g. A012).

    From the lobby kiosk, `kiosk` is the office code its signed cookie names (`kiosk_devices`); otherwise
    staff of the queue's department issue it at the desk.
    """
    if kiosk is not None:
        policy.check(actor, "kiosk.use", _kiosk(counter_type.office, kiosk))
    else:
        policy.check(actor, "desk.act", counter_type)
    source = source or (Ticket.Source.KIOSK if kiosk is not None else Ticket.Source.STAFF)
    return _issue(counter_type, actor, source, booking_reference, priority)


def _issue(counter_type, actor, source, booking_reference="", priority=0):
    now = timezone.now()
    day = today()
    with transaction.atomic():
        number = _next_number(counter_type, day)
        ticket = Ticket.objects.create(
            office_id=counter_type.office_id, counter_type=counter_type, issued_on=day, number=number,
            display=f"{counter_type.prefix}{number:03d}", source=source, priority=priority,
            booking_reference=booking_reference, issued_at=now, waiting_since=now)
        TicketEvent.objects.create(ticket=ticket, action="issue", to_status=T.WAITING, actor=_by(actor), detail=source)
        audit.record("counters.issue", actor=actor, target=ticket, department_code=counter_type.department_code,
                     detail={"counter_type": counter_type.code, "display": ticket.display, "source": source})
        _bump(counter_type.office_id)
    return ticket


def call_next(counter_types, window, *, actor):
    """Call the first waiting ticket (booked and transferred first, then by number) to `window`.

    Two clerks pressing at once never get the same ticket: the claim is a conditional UPDATE.
    """
    types = list(counter_types)
    if not types:
        raise QueueRefused(_("Choose a counter type."))
    for counter_type in types:
        policy.check(actor, "desk.act", counter_type)
    for _attempt in range(5):
        with transaction.atomic():
            candidates = list(Ticket.objects.filter(counter_type__in=types, issued_on=today(), status=T.WAITING)
                              .order_by("-priority", "waiting_since", "number")[:5])
            if not candidates:
                return None
            now = timezone.now()
            for ticket in candidates:
                before = TICKET.apply(ticket, target("call", T.WAITING), by=STAFF)
                if Ticket.objects.filter(pk=ticket.pk, status=before).update(
                        status=ticket.status, called_at=now, window=window[:20], call_count=1,
                        first_called_at=Coalesce(F("first_called_at"), Value(now))):
                    ticket = Ticket.objects.select_related("counter_type").get(pk=ticket.pk)
                    TicketEvent.objects.create(ticket=ticket, action="call", from_status=before, to_status=ticket.status,
                                               window=window[:20], actor=_by(actor))
                    audit.record("counters.call", actor=actor, target=ticket, department_code=ticket.department_code,
                                 detail={"display": ticket.display, "window": window[:20]})
                    _bump(ticket.office_id)
                    return ticket
    raise QueueRefused(_("The queue changed while calling. Please press again."))


# What each move also records on the ticket, besides its status.
_EFFECTS = {
    "recall": lambda current, now: {"called_at": now, "call_count": F("call_count") + 1},
    "serve": lambda current, now: {"serving_at": now},
    "finish": lambda current, now: {"finished_at": now, "serving_at": current.serving_at or current.called_at or now},
    "no_show": lambda current, now: {"finished_at": now},
    "transfer": lambda current, now: {"window": "", "priority": 1, "waiting_since": now, "called_at": None, "serving_at": None},
    "return": lambda current, now: {"window": "", "priority": 1, "waiting_since": now, "finished_at": None},
    "cancel": lambda current, now: {"finished_at": now},
}
_TAKES_WINDOW = ("recall", "serve")


def act(ticket, action, *, actor, window=None, to_counter=None):
    """A desk button on one ticket (recall, serve, finish, no_show, transfer, return), made through the
    ticket table. `to_counter`: the queue a transferred ticket moves to (same office)."""
    policy.check(actor, "desk.act", ticket)
    if action == "transfer":
        if to_counter is None:
            raise QueueRefused(_("Choose the queue to move the ticket to."))
        if to_counter.office_id != ticket.office_id:
            raise QueueRefused(_("A ticket can only move to a counter in the same office."))
        if to_counter.pk == ticket.counter_type_id:
            raise QueueRefused(_("The ticket is already in this queue."))
    return _move(ticket, action, actor, STAFF, window=window, to_counter=to_counter)


def cancel_ticket(ticket, *, actor):
    """The ticket's holder gives up their place while waiting."""
    policy.check(actor, "ticket.cancel", ticket)
    return _move(ticket, "cancel", actor, RESIDENT)


def _move(ticket, action, actor, party, *, window=None, to_counter=None):
    with transaction.atomic():
        current = Ticket.objects.select_for_update().select_related("counter_type").get(pk=ticket.pk)
        to = target(action, current.status)
        try:
            if to is None:
                raise TransitionNotAllowed(TICKET.name, current.status, action, party)
            before = TICKET.apply(current, to, by=party)
        except TransitionNotAllowed:
            raise QueueRefused(_("Ticket %(display)s cannot do that now (it is %(status)s).") % {
                "display": current.display, "status": current.get_status_display()}) from None
        changes = {"status": current.status, **_EFFECTS.get(action, lambda c, n: {})(current, timezone.now())}
        if action == "transfer":
            changes["counter_type"] = to_counter
        if window is not None and action in _TAKES_WINDOW:
            changes["window"] = window[:20]
        Ticket.objects.filter(pk=current.pk, status=before).update(**changes)
        TicketEvent.objects.create(ticket=current, action=action, from_status=before, to_status=to,
                                   window=(window or current.window)[:20], actor=_by(actor),
                                   detail=to_counter.code if to_counter else "")
        audit.record(f"counters.{action}", actor=actor, target=current, department_code=current.department_code,
                     detail={"display": current.display, **({"to": to_counter.code} if to_counter else {})})
        _bump(current.office_id)
    current.refresh_from_db()
    return current


def check_in(office, reference, *, actor, kiosk=None):
    """A booked resident arrives: issue a priority ticket for the booking's counter and mark it attended.

    At the lobby kiosk (`kiosk`: the office its cookie names) the booking is checked in by the kiosk acting
    as the system; at the desk by the staff member, who must work in the booking's department.
    Scanning the same code twice returns the same ticket.
    """
    from smartkoto.appointments import queries as appointments
    from smartkoto.appointments import services as bookings

    if kiosk is not None:
        policy.check(actor, "kiosk.use", _kiosk(office, kiosk))
        booker = Actor(SYSTEM, label=f"kiosk:{office.code}", request_id=actor.request_id,
                       client_address=actor.client_address, language=actor.language)
    else:
        policy.check(actor, "desk.check_in", office)
        booker = actor
    booking = appointments.booking_for_check_in(reference or "", actor=booker)
    if booking is None:
        raise QueueRefused(_("No booking has this reference. Check the code and try again."))
    if booking["office_code"] != office.code:
        raise QueueRefused(_("This booking is for another office."))
    if timezone.localtime(booking["starts_at"], TOKYO).date() != today():
        raise QueueRefused(_("This booking is for another day."))
    if booking["status"] not in ("confirmed", "attended", "no_show"):
        raise QueueRefused(_("This booking is not active."))
    existing = Ticket.objects.filter(office=office, issued_on=today(), booking_reference=booking["reference"]).first()
    if existing is not None:
        return existing
    counter_type = (CounterType.objects.filter(office=office, code=booking["counter_type_code"], active=True).first()
                    or CounterType.objects.filter(office=office, active=True, department_code=booking["department_code"]).first()
                    or CounterType.objects.filter(office=office, active=True).first())
    if counter_type is None:
        raise QueueRefused(_("This office has no counter queue."))
    with transaction.atomic():
        ticket = _issue(counter_type, booker if kiosk is not None else actor, Ticket.Source.BOOKING,
                        booking_reference=booking["reference"], priority=1)
        bookings.check_in(booking["reference"], actor=booker)
    return ticket


def enrol_kiosk(office, *, actor):
    """A clerk makes a lobby tablet the office's kiosk (the view then sets its signed cookie)."""
    policy.check(actor, "kiosk.enrol", office)
    audit.record("counters.kiosk_enrolled", actor=actor, target=office)
    return office

"""Everything that changes the counter queue. Each change is one transaction, audited, and bumps the
office's queue version so live pages refresh."""

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core import audit

from . import workflow
from .models import CounterType, QueueState, Ticket, TicketEvent, TicketSequence
from .queries import TOKYO, today

T = Ticket.Status


class QueueRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _bump(office_id):
    if not QueueState.objects.filter(office_id=office_id).update(version=F("version") + 1):
        try:
            with transaction.atomic():
                QueueState.objects.create(office_id=office_id, version=1)
        except IntegrityError:
            QueueState.objects.filter(office_id=office_id).update(version=F("version") + 1)


def _actor(request):
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else "kiosk"


def _next_number(counter_type, day):
    sequence, _created = TicketSequence.objects.get_or_create(counter_type=counter_type, day=day)
    TicketSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    return TicketSequence.objects.values_list("last_number", flat=True).get(pk=sequence.pk)


def issue_ticket(counter_type, *, source=Ticket.Source.KIOSK, request=None, booking_reference="", priority=0):
    """A numbered ticket for today in `counter_type`'s queue (e.g. A012)."""
    now = timezone.now()
    day = today()
    with transaction.atomic():
        number = _next_number(counter_type, day)
        ticket = Ticket.objects.create(
            office_id=counter_type.office_id, counter_type=counter_type, issued_on=day, number=number,
            display=f"{counter_type.prefix}{number:03d}", source=source, priority=priority,
            booking_reference=booking_reference, issued_at=now, waiting_since=now)
        TicketEvent.objects.create(ticket=ticket, action="issue", to_status=T.WAITING, actor=_actor(request), detail=source)
        audit.record("counters.issue", request=request, target=ticket, department_code=counter_type.department_code,
                     detail={"counter_type": counter_type.code, "display": ticket.display, "source": source})
        _bump(counter_type.office_id)
    return ticket


def call_next(counter_types, window, *, request):
    """Call the first waiting ticket (booked and transferred first, then by number) to `window`.

    Two clerks pressing at once never get the same ticket: the claim is a conditional UPDATE.
    """
    types = list(counter_types)
    if not types:
        raise QueueRefused(_("Choose a counter type."))
    for _attempt in range(5):
        with transaction.atomic():
            candidates = list(Ticket.objects.filter(counter_type__in=types, issued_on=today(), status=T.WAITING)
                              .order_by("-priority", "waiting_since", "number").values_list("pk", flat=True)[:5])
            if not candidates:
                return None
            now = timezone.now()
            for pk in candidates:
                if Ticket.objects.filter(pk=pk, status=T.WAITING).update(
                        status=T.CALLED, called_at=now, window=window[:20], call_count=1,
                        first_called_at=Coalesce(F("first_called_at"), Value(now))):
                    ticket = Ticket.objects.select_related("counter_type").get(pk=pk)
                    TicketEvent.objects.create(ticket=ticket, action="call", from_status=T.WAITING, to_status=T.CALLED,
                                               window=window[:20], actor=_actor(request))
                    audit.record("counters.call", request=request, target=ticket, department_code=ticket.counter_type.department_code,
                                 detail={"display": ticket.display, "window": window[:20]})
                    _bump(ticket.office_id)
                    return ticket
    raise QueueRefused(_("The queue changed while calling. Please press again."))


def _apply(ticket, action, *, request, window=None, counter_type=None):
    with transaction.atomic():
        current = Ticket.objects.select_for_update().select_related("counter_type").get(pk=ticket.pk)
        try:
            to = workflow.target(action, current.status)
        except workflow.ActionRefused:
            raise QueueRefused(_("Ticket %(display)s cannot do that now (it is %(status)s).") % {
                "display": current.display, "status": current.get_status_display()})
        now = timezone.now()
        changes = {"status": to}
        if action == "recall":
            changes.update(called_at=now, call_count=F("call_count") + 1)
        elif action == "serve":
            changes.update(serving_at=now)
        elif action == "finish":
            changes.update(finished_at=now, serving_at=current.serving_at or current.called_at or now)
        elif action == "no_show":
            changes.update(finished_at=now)
        elif action == "transfer":
            changes.update(counter_type=counter_type, window="", priority=1, waiting_since=now, called_at=None,
                           serving_at=None)
        elif action == "return":
            changes.update(window="", priority=1, waiting_since=now, finished_at=None)
        if window is not None and action in ("recall", "serve"):
            changes["window"] = window[:20]
        Ticket.objects.filter(pk=current.pk, status=current.status).update(**changes)
        TicketEvent.objects.create(ticket=current, action=action, from_status=current.status, to_status=to,
                                   window=(window or current.window)[:20], actor=_actor(request),
                                   detail=counter_type.code if counter_type else "")
        audit.record(f"counters.{action}", request=request, target=current, department_code=current.counter_type.department_code,
                     detail={"display": current.display, **({"to": counter_type.code} if counter_type else {})})
        _bump(current.office_id)
    current.refresh_from_db()
    return current


def recall(ticket, *, request, window=None):
    return _apply(ticket, "recall", request=request, window=window)


def serve(ticket, *, request, window=None):
    return _apply(ticket, "serve", request=request, window=window)


def finish(ticket, *, request):
    return _apply(ticket, "finish", request=request)


def no_show(ticket, *, request):
    return _apply(ticket, "no_show", request=request)


def put_back(ticket, *, request):
    return _apply(ticket, "return", request=request)


def transfer(ticket, counter_type, *, request):
    if counter_type.office_id != ticket.office_id:
        raise QueueRefused(_("A ticket can only move to a counter in the same office."))
    if counter_type.pk == ticket.counter_type_id:
        raise QueueRefused(_("The ticket is already in this queue."))
    return _apply(ticket, "transfer", request=request, counter_type=counter_type)


def check_in(office, reference, *, request=None):
    """A booked resident arrives: issue a priority ticket for the booking's counter and mark it attended.

    Scanning the same code twice returns the same ticket.
    """
    from smartkoto.appointments import queries as appointments

    booking = appointments.booking_for_check_in(reference or "")
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
    ticket = issue_ticket(counter_type, source=Ticket.Source.BOOKING, request=request,
                          booking_reference=booking["reference"], priority=1)
    appointments.mark_attended(booking["reference"], request=request)
    return ticket

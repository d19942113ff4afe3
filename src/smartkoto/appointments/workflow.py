"""Which booking status may follow which, and who makes each move (予約の状態遷移).

Which resident or staff member may make a move is `permissions.py`; this table says which side.
"""

from smartkoto.core import workflow
from smartkoto.core.workflow import RESIDENT, STAFF, SYSTEM, TransitionNotAllowed, Workflow  # noqa: F401

from .models import Booking

S = Booking.Status

BOOKING = workflow.register(Workflow("booking", {
    (S.HELD, S.CONFIRMED): RESIDENT,
    (S.HELD, S.CANCELLED): {RESIDENT, STAFF},
    (S.HELD, S.EXPIRED): SYSTEM,
    (S.CONFIRMED, S.CONFIRMED): RESIDENT,  # rescheduled to another time
    (S.CONFIRMED, S.CANCELLED): {RESIDENT, STAFF},
    (S.CONFIRMED, S.ATTENDED): {STAFF, SYSTEM},  # SYSTEM: the lobby kiosk's check-in
    (S.CONFIRMED, S.NO_SHOW): STAFF,
    (S.NO_SHOW, S.ATTENDED): {STAFF, SYSTEM},  # a late arrival is still served
}), states=S.values)
RELEASES_PLACE = {S.CANCELLED, S.EXPIRED}


def party(actor):
    """The side an actor acts for in the table."""
    if actor.is_system:
        return SYSTEM
    if actor.is_staff:
        return STAFF
    return RESIDENT

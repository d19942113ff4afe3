"""Which booking status may follow which (予約の状態遷移)."""

from .models import Booking

S = Booking.Status

TRANSITIONS = {
    S.HELD: {S.CONFIRMED, S.CANCELLED, S.EXPIRED},
    S.CONFIRMED: {S.CANCELLED, S.ATTENDED, S.NO_SHOW, S.CONFIRMED},  # confirmed -> confirmed: rescheduled
    S.NO_SHOW: {S.ATTENDED},  # a late arrival is still served
    S.ATTENDED: set(),
    S.CANCELLED: set(),
    S.EXPIRED: set(),
}
RELEASES_PLACE = {S.CANCELLED, S.EXPIRED}


class TransitionRefused(Exception):
    pass


def check(from_status, to_status):
    if to_status not in TRANSITIONS.get(from_status, set()):
        raise TransitionRefused(f"{from_status} -> {to_status}")

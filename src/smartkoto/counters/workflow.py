"""Ticket moves (整理券の状態遷移): one table of (from, to) → (desk action, who makes it).

The desk's buttons are action names; `target(action, status)` finds the move the table allows, and
`TICKET.apply` (in services) makes it.
"""

from smartkoto.core import workflow
from smartkoto.core.workflow import RESIDENT, STAFF, Workflow

from .models import Ticket

T = Ticket.Status

MOVES = {
    (T.WAITING, T.CALLED): ("call", STAFF),
    (T.CALLED, T.CALLED): ("recall", STAFF),
    (T.CALLED, T.SERVING): ("serve", STAFF),
    (T.CALLED, T.SERVED): ("finish", STAFF),
    (T.SERVING, T.SERVED): ("finish", STAFF),
    (T.CALLED, T.NO_SHOW): ("no_show", STAFF),
    (T.WAITING, T.WAITING): ("transfer", STAFF),
    (T.CALLED, T.WAITING): ("transfer", STAFF),
    (T.SERVING, T.WAITING): ("transfer", STAFF),
    (T.NO_SHOW, T.WAITING): ("return", STAFF),  # a late visitor is put back in the queue
    (T.WAITING, T.CANCELLED): ("cancel", RESIDENT),
}
TICKET = workflow.register(Workflow("ticket", {pair: party for pair, (_action, party) in MOVES.items()}), states=T.values)
STAFF_ACTIONS = ("recall", "serve", "finish", "no_show", "transfer", "return")
"""Desk buttons on a ticket (calling the next one is `services.call_next`)."""


def target(action, from_status):
    """The status `action` leads to from `from_status`, or None when the table has no such move."""
    for (frm, to), (name, _party) in MOVES.items():
        if frm == from_status and name == action:
            return to
    return None

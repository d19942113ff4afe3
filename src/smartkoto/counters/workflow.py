"""Allowed ticket moves (整理券の状態遷移): action -> (statuses it may start from, status it leads to)."""

from .models import Ticket

T = Ticket.Status

ACTIONS = {
    "call": ({T.WAITING}, T.CALLED),
    "recall": ({T.CALLED}, T.CALLED),
    "serve": ({T.CALLED}, T.SERVING),
    "finish": ({T.CALLED, T.SERVING}, T.SERVED),
    "no_show": ({T.CALLED}, T.NO_SHOW),
    "transfer": ({T.WAITING, T.CALLED, T.SERVING}, T.WAITING),
    "return": ({T.NO_SHOW}, T.WAITING),  # a late visitor is put back in the queue
    "cancel": ({T.WAITING}, T.CANCELLED),
}
STAFF_ACTIONS = ("recall", "serve", "finish", "no_show", "transfer", "return")


class ActionRefused(Exception):
    pass


def target(action, from_status):
    allowed, to = ACTIONS[action]
    if from_status not in allowed:
        raise ActionRefused(f"{action} from {from_status}")
    return to

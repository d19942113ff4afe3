"""Lifecycles (状態遷移) in one shape: a table of moves, each with the party that may make it.

    BOOKING = Workflow("booking", {
        (Status.BOOKED, Status.CANCELLED): {RESIDENT, STAFF},
        (Status.BOOKED, Status.CHECKED_IN): STAFF,
    })
    BOOKING.apply(booking, Status.CANCELLED, by=STAFF)   # sets booking.status or raises

Parties say *which side* makes a move; which staff member may is the app's policy (permissions.py).
`apply` is the one function that changes a status; every other move is refused with `TransitionNotAllowed`.
"""

from django.utils.translation import gettext_lazy as _

RESIDENT, STAFF, SYSTEM, PAYMENT, PROVIDER, SERVICE = "resident", "staff", "system", "payment", "provider", "service"
"""PAYMENT: only the verified payment signal; PROVIDER: only the payment provider's verified report."""


class TransitionNotAllowed(Exception):
    def __init__(self, workflow, current, target, by):
        super().__init__(f"{workflow}: {current} → {target} is not allowed for {by}")
        self.workflow, self.current, self.target, self.by = workflow, current, target, by
        self.message = _("This change is not possible now. The page has been refreshed with the current status.")


class Workflow:
    def __init__(self, name, transitions, *, field="status"):
        self.name, self.field = name, field
        self.transitions = {}
        for (current, target), parties in transitions.items():
            self.transitions[(current, target)] = frozenset({parties} if isinstance(parties, str) else parties)

    def allowed(self, current, target, by):
        return by in self.transitions.get((current, target), ())

    def check(self, current, target, by):
        if not self.allowed(current, target, by):
            raise TransitionNotAllowed(self.name, current, target, by)

    def moves_from(self, current, by):
        """Targets `by` may move to from `current`, in table order."""
        return [target for (frm, target), parties in self.transitions.items() if frm == current and by in parties]

    def apply(self, obj, target, *, by):
        """Check the move from `obj`'s current status and set it. Returns the previous status; the caller saves."""
        current = getattr(obj, self.field)
        self.check(current, target, by)
        setattr(obj, self.field, target)
        return current

    def states(self):
        found = []
        for pair in self.transitions:
            for state in pair:
                if state not in found:
                    found.append(state)
        return found

    def parties(self):
        return sorted({party for parties in self.transitions.values() for party in parties})


_workflows = {}


def register(workflow, states=None):
    """Make a workflow known to the walk test (tests/core/test_workflow_walk.py). `states`: every status the
    object can have (its TextChoices), so moves out of states the table never mentions are walked too."""
    if workflow.name in _workflows:
        raise ValueError(f"workflow '{workflow.name}' is registered twice")
    _workflows[workflow.name] = (workflow, list(states) if states is not None else workflow.states())
    return workflow


def registered():
    return dict(_workflows)

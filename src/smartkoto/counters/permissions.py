"""Who may do what at the counters (窓口の権限). Services check these rules; views ask them for buttons.

An office serves a department when it has an active queue (CounterType) of that department.

- Counter clerks, case workers and department managers work the desk (call, recall, serve, finish,
  no-show, transfer, put back, issue, check in) for the queues of their own departments.
- Enrolling a lobby tablet as an office's kiosk: counter clerks and department managers of a
  department served at that office.
- Auditors read desks and figures of every department, never act. DX administrators: none (queues
  are not settings).
- The lobby kiosk (a browser enrolled for that office, `kiosk_devices`) issues tickets and checks
  booked residents in. The person holding a ticket (its page opened from the QR code, `core.guest`)
  may cancel it while waiting. Congestion, the display board and ticket pages are public.
"""

from dataclasses import dataclass

from smartkoto.core import guest
from smartkoto.core.permissions import Policy, acts_in_department, reads_department
from smartkoto.core.roles import DEPARTMENT_ROLES, Role

policy = Policy("counters")
GUEST_KIND = "counters"


@dataclass(frozen=True)
class Kiosk:
    """The lobby kiosk of `office_code`, as a browser claims to be: `enrolled_office` is what its signed
    cookie says (None when it has none)."""

    office_code: str
    enrolled_office: str | None
    department_code: str = ""


def served_departments(office):
    from .models import CounterType

    return set(CounterType.objects.filter(office=office, active=True).values_list("department_code", flat=True))


@policy.rule("queue.read")
def _(actor, obj):
    """Congestion, the display board, the API and a ticket's page (by its secret token) are public."""
    return True


@policy.rule("desk.read")
def _(actor, counter_type):
    return reads_department(actor, counter_type, *DEPARTMENT_ROLES)


@policy.rule("desk.act")
def _(actor, counter_type_or_ticket):
    return acts_in_department(actor, counter_type_or_ticket, *DEPARTMENT_ROLES)


@policy.rule("desk.check_in")
def _(actor, office):
    """Check in at the desk: staff working a queue of this office (the booking's own department is then
    checked by the appointments policy)."""
    return any(actor.has_role(*DEPARTMENT_ROLES, department=code) for code in served_departments(office))


@policy.rule("kiosk.use")
def _(actor, kiosk):
    return bool(kiosk.enrolled_office) and kiosk.enrolled_office == kiosk.office_code


@policy.rule("kiosk.enrol")
def _(actor, office):
    return any(actor.has_role(Role.COUNTER_CLERK, Role.DEPARTMENT_MANAGER, department=code)
               for code in served_departments(office))


@policy.rule("ticket.cancel")
def _(actor, ticket):
    return guest.owns(actor, GUEST_KIND, ticket.token)


@policy.rule("figures.read")
def _(actor, obj):
    """Waits, service times and no-show rates: department managers (their departments) and auditors."""
    return actor.has_role(Role.DEPARTMENT_MANAGER, Role.AUDITOR)


def figures_departments(actor):
    """Departments whose figures `actor` sees: None for all (auditors)."""
    return None if actor.has_role(Role.AUDITOR) else actor.department_codes(Role.DEPARTMENT_MANAGER)

"""Who may do what with bookings (予約の権限). Services check these rules; views ask them to show buttons.

- Residents: book, confirm, change and cancel their own bookings. A guest holding the email link's key
  owns the booking for that browser session (`core.guest`, claimed by `queries.booking`).
- Counter clerks, case workers and department managers of the booked service's department: read its days
  and bookings, mark attended / no-show, check in, cancel for a resident, book walk-ins.
- Places per slot (a day's capacity): case workers and department managers of that department.
- Auditors read every department's days and bookings, never change them. DX administrators: none (a
  booking is a resident's personal data, not a setting).
- The system (tasks, the lobby kiosk's verified check-in) releases expired holds and checks residents in.
"""

from smartkoto.core import guest
from smartkoto.core.permissions import Policy, acts_in_department, reads_department
from smartkoto.core.roles import CASE_ROLES, DEPARTMENT_ROLES

policy = Policy("appointments")
GUEST_KIND = "appointments"


def owns(actor, booking):
    """The resident who booked, or a browser that opened the booking's email link (its key)."""
    if booking is None:
        return False
    if actor.is_resident and booking.user_id is not None and booking.user_id == actor.user.pk:
        return True
    return guest.owns(actor, GUEST_KIND, booking.reference)


@policy.rule("service.read")
def _(actor, service):
    """Services, free days and times are public."""
    return True


@policy.rule("booking.create")
def _(actor, service):
    return actor.is_resident


@policy.rule("booking.read")
def _(actor, booking):
    return owns(actor, booking) or reads_department(actor, booking, *DEPARTMENT_ROLES)


@policy.rule("booking.manage")
def _(actor, booking):
    """Confirm a hold, change the time, attach applications: the booking's owner."""
    return owns(actor, booking)


@policy.rule("booking.cancel")
def _(actor, booking):
    return owns(actor, booking) or acts_in_department(actor, booking, *DEPARTMENT_ROLES)


@policy.rule("booking.change_status")
def _(actor, booking):
    """Attended / did not come, by staff of the booking's department."""
    return acts_in_department(actor, booking, *DEPARTMENT_ROLES)


@policy.rule("booking.check_in")
def _(actor, booking):
    return acts_in_department(actor, booking, *DEPARTMENT_ROLES) or actor.is_system


@policy.rule("day.read")
def _(actor, service):
    """The staff calendar and a day's bookings of one service."""
    return reads_department(actor, service, *DEPARTMENT_ROLES)


@policy.rule("day.walk_in")
def _(actor, service):
    return acts_in_department(actor, service, *DEPARTMENT_ROLES)


@policy.rule("day.set_capacity")
def _(actor, service):
    return acts_in_department(actor, service, *CASE_ROLES)


@policy.rule("holds.release")
def _(actor, obj):
    return actor.is_system


@policy.rule("figures.read")
def _(actor, obj):
    """Booking figures (counts, no personal data): department managers of their departments, auditors."""
    from smartkoto.core.roles import Role

    return actor.has_role(Role.DEPARTMENT_MANAGER, Role.AUDITOR)

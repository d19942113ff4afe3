"""Who may do what with payments (納付), stated once with the `Role` enum.

- Reading a payment (staff pages, staff queries): staff of the payment's department in any department role,
  staff of the accounting office (会計管理室, which keeps the ledger of every department), and auditors.
  DX administrators do not read payments (a resident's payments are personal data).
- Issuing a payment slip: staff of the fee's department (or of the accounting office) in a department role.
- Refunds: a case worker or department manager of the payment's department (or of the accounting office)
  asks; a department manager of the same departments, who did not ask, approves (four eyes).
- Ledger and reconciliation: the accounting office's case workers and managers keep them; its staff and
  auditors read them.
- The fee table: a department manager of the fee's department or a DX administrator edits amounts; staff
  and auditors read it.
- Residents: their own payments; guests: the payments `core.guest` says their session owns.
- Service accounts: the scope, and the department when the token has one.
- System (tasks, the provider's verified reports, demo loaders): everything.
"""

from smartkoto.core import guest
from smartkoto.core.permissions import Policy, department_of
from smartkoto.core.roles import CASE_ROLES, DEPARTMENT_ROLES, Role
from smartkoto.municipality import queries as municipality

policy = Policy("payments")

def accounting_codes():
    """The accounting office(s) (会計管理室): they keep the ledger of every department's payments. Data, not
    code: `Department.keeps_ledger` in the municipality settings."""
    return municipality.ledger_department_codes()


def accounting_code():
    """The department code ledger audit records carry ("" when none is set)."""
    codes = accounting_codes()
    return codes[0] if codes else ""


def _accounting(actor, *roles):
    return any(actor.has_role(*roles, department=code) for code in accounting_codes())

GUEST_KIND = "payments"
READ_SCOPE, WRITE_SCOPE = "payments:read", "payments:write"


def _reads(actor, department):
    return (actor.has_role(*DEPARTMENT_ROLES, department=department) or _accounting(actor, *DEPARTMENT_ROLES)
            or actor.has_role(Role.AUDITOR))


def _owns(actor, payment):
    if payment.payer_id:
        return actor.is_resident and actor.user.pk == payment.payer_id
    return guest.owns(actor, GUEST_KIND, payment.public_id)


@policy.rule("payment.view")
def _(actor, payment):
    """Staff pages and staff/API reads of one payment."""
    return (actor.is_system or _reads(actor, payment.department_code)
            or actor.has_scope(READ_SCOPE, department=payment.department_code))


@policy.rule("payment.list")
def _(actor, _obj=None):
    """The staff payments list (filtered by `queries.visible_payments`)."""
    return actor.is_system or actor.has_role(*DEPARTMENT_ROLES) or actor.has_role(Role.AUDITOR) or actor.has_scope(READ_SCOPE)


@policy.rule("payment.own")
def _(actor, payment):
    """The payer's pages: status, resume, retry, receipt."""
    return actor.is_system or _owns(actor, payment)


@policy.rule("payment.create")
def _(actor, values):
    """`values`: {"payer": user or None, "department_code": code}. Residents pay for themselves, guests as guests."""
    payer = values.get("payer")
    if actor.is_system:
        return True
    if actor.is_service:
        return payer is None and actor.has_scope(WRITE_SCOPE, department=values.get("department_code"))
    if actor.is_resident:
        return payer is not None and payer.pk == actor.user.pk
    return actor.is_anonymous and payer is None


@policy.rule("api.read")
def _(actor, _obj=None):
    """The JSON API's reads: a live service token with `payments:read` (its department is checked per payment)."""
    return actor.has_scope(READ_SCOPE)


@policy.rule("api.write")
def _(actor, _obj=None):
    """The JSON API's creation: a live service token with `payments:write` (department checked per payment)."""
    return actor.has_scope(WRITE_SCOPE)


@policy.rule("payment.expire")
def _(actor, payment):
    return actor.is_system


@policy.rule("payment.apply_report")
def _(actor, payment):
    """Apply the provider's verified report (webhook, poll): only the system, never a person."""
    return actor.is_system


@policy.rule("signal.deliver")
def _(actor, _obj=None):
    """Deliver recorded payment signals (the sweep): only the system."""
    return actor.is_system


@policy.rule("refund.request")
def _(actor, payment):
    code = department_of(payment)
    return actor.has_role(*CASE_ROLES, department=code) or _accounting(actor, *CASE_ROLES)


@policy.rule("refund.decide")
def _(actor, refund):
    if actor.is_system:
        return False
    if actor.user is not None and refund.requested_by_id == actor.user.pk:
        return False
    code = refund.payment.department_code
    return (actor.has_role(Role.DEPARTMENT_MANAGER, department=code)
            or _accounting(actor, Role.DEPARTMENT_MANAGER))


@policy.rule("refund.submit")
def _(actor, refund):
    """Send an approved refund to the provider: the approver's own service call, or the sweep retrying it."""
    return actor.is_system or (refund.decided_by_id is not None and actor.user is not None and refund.decided_by_id == actor.user.pk)


@policy.rule("refund.list")
def _(actor, _obj=None):
    return actor.has_role(*DEPARTMENT_ROLES) or actor.has_role(Role.AUDITOR)


@policy.rule("slip.issue")
def _(actor, fee):
    """`fee`: the Fee (or its department code) the slip is for."""
    if actor.is_system:
        return True
    code = department_of(fee)
    return actor.has_role(*DEPARTMENT_ROLES, department=code) or _accounting(actor, *DEPARTMENT_ROLES)


@policy.rule("slip.list")
def _(actor, _obj=None):
    return actor.has_role(*DEPARTMENT_ROLES) or actor.has_role(Role.AUDITOR)


@policy.rule("ledger.view")
def _(actor, _obj=None):
    return actor.is_system or _accounting(actor) or actor.has_role(Role.AUDITOR)


@policy.rule("ledger.reconcile")
def _(actor, _obj=None):
    return actor.is_system or _accounting(actor, *CASE_ROLES)


@policy.rule("fee.list")
def _(actor, _obj=None):
    return actor.is_system or actor.is_staff


@policy.rule("fee.change")
def _(actor, fee):
    return actor.is_system or actor.has_role(Role.DX_ADMIN) or actor.has_role(Role.DEPARTMENT_MANAGER, department=department_of(fee))


@policy.rule("fee.load")
def _(actor, _obj=None):
    return actor.is_system or actor.has_role(Role.DX_ADMIN)


def read_department_codes(actor):
    """Departments whose payments `actor` reads; None means every department."""
    if actor.is_system or actor.has_role(Role.AUDITOR) or _accounting(actor, *DEPARTMENT_ROLES):
        return None
    if actor.is_service:
        if READ_SCOPE not in (actor.service_account.scopes or []):
            return set()
        own = actor.service_department_code
        return None if own is None else {own}
    return actor.department_codes(*DEPARTMENT_ROLES)

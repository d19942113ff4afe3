"""Who may do what with applications (申請の権限). Services check these rules themselves; views ask
`policy.can(...)` only to show or hide a button.

- Residents: their own applications; a guest only the drafts `core.guest` says this browser session owns.
- Case workers and department managers of the case's department decide: status, assignment, messages, fee.
- Counter clerks of the department read the case and add internal notes (as before), never decide.
- Auditors read every department's cases and never write. DX administrators administer procedures and
  forms, not cases: a case holds a resident's personal data, so they get no case page at all.
- Service accounts: scope `cases:read`, and only their own department when the token has one.
"""

from smartkoto.core import guest
from smartkoto.core.permissions import Policy, acts_in_department, reads_department
from smartkoto.core.roles import CASE_ROLES, DEPARTMENT_ROLES, Role

policy = Policy("applications")
GUEST_KIND = "applications"
API_SCOPE = "cases:read"


def owns(actor, application):
    """The resident who owns it, or (a guest's draft) the browser session that started or resumed it."""
    if application is None:
        return False
    if application.applicant_id is not None:
        return actor.is_resident and actor.user.pk == application.applicant_id
    return not actor.is_staff and not actor.is_service and guest.owns(actor, GUEST_KIND, application.public_id)


# -- residents and guests -----------------------------------------------------------------------
@policy.rule("application.start")
def _(actor, procedure):
    """Residents and guests start applications; a system task may start one for a resident (bundles)."""
    return actor.is_resident or actor.is_anonymous or actor.is_system


for _action in ("application.view", "draft.edit", "application.submit", "application.withdraw", "application.answer", "application.pay"):
    policy.rule(_action)(owns)


# -- back office ----------------------------------------------------------------------------------
@policy.rule("case.list")
def _(actor, department_code=None):
    """The inbox, figures and CSV export: staff of a department (filtered to it), auditors (all)."""
    if department_code:
        return reads_department(actor, department_code, *DEPARTMENT_ROLES)
    return actor.has_role(*DEPARTMENT_ROLES, Role.AUDITOR)


@policy.rule("case.read")
def _(actor, application):
    return reads_department(actor, application, *DEPARTMENT_ROLES)


for _action in ("case.change_status", "case.assign", "case.message", "case.set_fee"):
    policy.rule(_action)(lambda actor, application: acts_in_department(actor, application, *CASE_ROLES))


@policy.rule("case.note")
def _(actor, application):
    return acts_in_department(actor, application, *DEPARTMENT_ROLES)


# -- machines -------------------------------------------------------------------------------------
@policy.rule("case.payment_signal")
def _(actor, application):
    """Only the verified payment signal (sent by payments, heard in receivers.py) as a system actor."""
    return actor.is_system


@policy.rule("api.read")
def _(actor, application=None):
    return actor.has_scope(API_SCOPE, department=getattr(application, "department_code", None))


def visible_departments(actor):
    """None = every department (auditors); otherwise the codes where the actor holds a department role."""
    if actor.has_role(Role.AUDITOR):
        return None
    return actor.department_codes(*DEPARTMENT_ROLES)

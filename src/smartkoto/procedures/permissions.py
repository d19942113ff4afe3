"""Who may do what with the procedure catalog and its forms (手続・様式), stated once with the `Role` enum.

- Case workers and department managers of the owning department build and publish its procedures'
  forms; DX administrators do so in every department (the catalog is a setting of the platform).
- Auditors read every department's back-office pages; counter clerks read the form versions of their
  own department's procedures (what residents filled in), not the builder; neither changes anything.
- The published catalog is public: reading it needs no rule.
"""

from smartkoto.core.permissions import Policy, acts_in_department, department_of, reads_department
from smartkoto.core.roles import CASE_ROLES, DEPARTMENT_ROLES, Role

policy = Policy("procedures")


def _department(obj):
    """A procedure's department code (procedures hold a Department), a version's, or a code."""
    procedure = getattr(obj, "procedure", None)
    if procedure is not None:
        obj = procedure
    department = getattr(obj, "department", None)
    return getattr(department, "code", None) or department_of(obj)


def _builds(actor, obj):
    code = _department(obj)
    return bool(code) and (actor.is_system or actor.has_role(Role.DX_ADMIN) or acts_in_department(actor, code, *CASE_ROLES))


for _action in ("procedure.create", "procedure.change", "form.edit", "form.publish", "form.import"):
    policy.rule(_action)(_builds)


@policy.rule("procedure.read_staff")
def _(actor, procedure):
    """The builder pages of one procedure (details, form, preview, export): its builders and auditors."""
    return _builds(actor, procedure) or actor.has_role(Role.AUDITOR)


@policy.rule("version.read")
def _(actor, procedure):
    """The form versions of a procedure: as above, and any staff member of its department."""
    return _builds(actor, procedure) or reads_department(actor, _department(procedure), *DEPARTMENT_ROLES)


@policy.rule("builder.open")
def _(actor, _obj=None):
    """The list of procedures in the back office (then filtered by department)."""
    return actor.is_system or actor.has_role(Role.DX_ADMIN, Role.AUDITOR) or bool(actor.department_codes(*CASE_ROLES))


@policy.rule("procedure.create_somewhere")
def _(actor, _obj=None):
    """Show "New procedure": the actor may build in at least one department."""
    return actor.is_system or actor.has_role(Role.DX_ADMIN) or bool(actor.department_codes(*CASE_ROLES))


def readable_department_codes(actor):
    """Departments whose procedures the actor sees in the builder list; None means every department."""
    if actor.is_system or actor.has_role(Role.DX_ADMIN, Role.AUDITOR):
        return None
    return actor.department_codes(*CASE_ROLES)


def buildable_department_codes(actor):
    """Departments the actor may build procedures for; None means every department."""
    if actor.is_system or actor.has_role(Role.DX_ADMIN):
        return None
    return actor.department_codes(*CASE_ROLES)

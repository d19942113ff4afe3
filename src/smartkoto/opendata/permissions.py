"""Who may do what in the open data catalog (オープンデータ), stated once with the `Role` enum.

- Staff of a department (counter clerks, case workers, department managers) manage that department's
  datasets: create, edit, publish or withdraw, add resources, upload versions, refresh live data.
- DX administrators manage the whole catalog (it is a setting of the platform, not a case).
- Auditors read the staff pages of every department and never change anything.
- A service token needs the `opendata:write` scope, and a department-scoped token acts only on its
  own department's datasets.
- Published datasets are open data: anyone reads them, no rule needed.
"""

from smartkoto.core.permissions import Policy, acts_in_department, department_of
from smartkoto.core.roles import DEPARTMENT_ROLES, Role

policy = Policy("opendata")

WRITE_SCOPE = "opendata:write"


def _manages(actor, obj):
    code = department_of(obj)
    if not code:
        return False
    return (actor.is_system or actor.has_role(Role.DX_ADMIN) or acts_in_department(actor, code, *DEPARTMENT_ROLES)
            or actor.has_scope(WRITE_SCOPE, department=code))


for _action in ("dataset.create", "dataset.change", "dataset.publish", "resource.change", "resource.upload", "resource.refresh"):
    policy.rule(_action)(_manages)


@policy.rule("catalog.create_somewhere")
def _(actor, _obj=None):
    """Show the "New dataset" button: the actor may create a dataset in at least one department."""
    return actor.is_system or actor.has_role(Role.DX_ADMIN) or bool(actor.department_codes(*DEPARTMENT_ROLES))


@policy.rule("catalog.read_staff")
def _(actor, _obj=None):
    """Open the back office of the catalog (the list is then filtered by `dataset.read_staff`)."""
    return actor.is_system or actor.has_role(Role.DX_ADMIN, Role.AUDITOR) or bool(actor.department_codes(*DEPARTMENT_ROLES))


@policy.rule("dataset.read_staff")
def _(actor, dataset):
    """The staff pages of one dataset (drafts, validation reports, versions): those who manage it, and auditors."""
    return _manages(actor, dataset) or actor.has_role(Role.AUDITOR)


def readable_department_codes(actor):
    """Departments whose datasets the actor sees in the back office; None means every department."""
    if actor.is_system or actor.has_role(Role.DX_ADMIN, Role.AUDITOR):
        return None
    return actor.department_codes(*DEPARTMENT_ROLES)


def manageable_department_codes(actor):
    """Departments the actor may publish for; None means every department."""
    if actor.is_system or actor.has_role(Role.DX_ADMIN):
        return None
    return actor.department_codes(*DEPARTMENT_ROLES)

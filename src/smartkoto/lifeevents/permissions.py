"""Who may do what with life events, checklists, one-stop bundles and counter pre-entries.

- Residents own their checklists, bundles and pre-entries; a guest (not signed in) owns what `core.guest`
  says their browser session made (checklists and pre-entries; a bundle needs a signed-in resident).
- Counter pre-entries hold a resident's personal data: staff of the procedure's department in a department
  role (counter clerk, case worker, department manager) open, correct, check identity and print them;
  auditors read them in every department and never write; DX administrators do not see them.
- DX administrators edit life-event content (questions, rules, lobby routes) in the admin and may retry a
  failed bundle hand-off (it re-sends what the resident already sent, as the resident), never a bundle itself.
"""

from smartkoto.core import guest
from smartkoto.core.permissions import Policy, acts_in_department, reads_department
from smartkoto.core.roles import DEPARTMENT_ROLES, Role

policy = Policy("lifeevents")

CHECKLISTS = "lifeevents.checklists"
PRE_ENTRIES = "lifeevents.pre_entries"
"""`core.guest` kinds: what a guest's session owns."""


def _owns(actor, obj, kind):
    if obj is None:
        return False
    if obj.owner_id is not None:
        return actor.is_resident and actor.user.pk == obj.owner_id
    return guest.owns(actor, kind, obj.public_id)


def _public_side(actor):
    """Residents and guests use the public pages (a signed-in staff member browses as a guest)."""
    return actor.is_resident or actor.session is not None


# -- life-event content -------------------------------------------------------------------------------
@policy.rule("content.edit")
def _(actor, obj):
    return actor.has_role(Role.DX_ADMIN)


@policy.rule("content.read")
def _(actor, obj):
    return actor.has_role(Role.DX_ADMIN) or actor.has_role(Role.AUDITOR)


# -- checklists -----------------------------------------------------------------------------------------
@policy.rule("checklist.make")
def _(actor, life_event):
    return _public_side(actor)


@policy.rule("checklist.view")
def _(actor, checklist):
    return _owns(actor, checklist, CHECKLISTS)


@policy.rule("checklist.tick")
def _(actor, checklist):
    return _owns(actor, checklist, CHECKLISTS)


@policy.rule("checklist.list_own")
def _(actor, obj):
    return actor.is_resident


# -- bundles (one-stop applications): signed-in residents only, their own ------------------------------
@policy.rule("bundle.start")
def _(actor, checklist):
    return actor.is_resident and _owns(actor, checklist, CHECKLISTS)


@policy.rule("bundle.view")
def _(actor, bundle):
    return actor.is_resident and bundle is not None and bundle.owner_id == actor.user.pk


@policy.rule("bundle.edit")
def _(actor, bundle):
    return actor.is_resident and bundle is not None and bundle.owner_id == actor.user.pk


@policy.rule("bundle.submit")
def _(actor, bundle):
    return actor.is_resident and bundle is not None and bundle.owner_id == actor.user.pk


@policy.rule("bundle.hand_off")
def _(actor, bundle):
    """The resident who sent it (also when a background retry acts for them), or a system task."""
    return actor.is_system or (actor.is_resident and bundle is not None and bundle.owner_id == actor.user.pk)


@policy.rule("bundle.retry_failed")
def _(actor, obj):
    return actor.has_role(Role.DX_ADMIN)


@policy.rule("bundle.count_failed")
def _(actor, obj):
    return actor.has_role(Role.DX_ADMIN) or actor.has_role(Role.AUDITOR)


# -- pre-entries: the resident's side -----------------------------------------------------------------
@policy.rule("pre_entry.start")
def _(actor, procedure):
    return _public_side(actor)


@policy.rule("pre_entry.fill")
def _(actor, entry):
    """The resident's (or guest's) own pre-entry; one made by staff in interview mode stays at the desk."""
    return entry is not None and entry.interview_by_id is None and _owns(actor, entry, PRE_ENTRIES)


@policy.rule("card_token.issue")
def _(actor, obj):
    """A code that lets staff prefill an interview: only after a My Number card sign-in."""
    return actor.is_resident and actor.assurance_level >= 2


# -- pre-entries: the counter ----------------------------------------------------------------------------
@policy.rule("counter.open")
def _(actor, obj):
    """The counter page (code box, aggregate measure): department staff, auditors, DX administrators."""
    return actor.has_role()


@policy.rule("token.redeem")
def _(actor, obj):
    """Using a resident's code is a write (the code is spent): department roles only."""
    return actor.has_role(*DEPARTMENT_ROLES)


@policy.rule("pre_entry.read")
def _(actor, entry):
    return reads_department(actor, entry, *DEPARTMENT_ROLES)


@policy.rule("pre_entry.serve")
def _(actor, entry):
    """Open at the counter, check identity, correct and print: the procedure's department only."""
    return acts_in_department(actor, entry, *DEPARTMENT_ROLES)


@policy.rule("pre_entry.interview")
def _(actor, procedure):
    """Start a pre-entry with the resident at the desk, for a procedure of the actor's department."""
    return procedure is not None and actor.has_role(*DEPARTMENT_ROLES, department=procedure.department.code)


@policy.rule("interview.open")
def _(actor, obj):
    return actor.has_role(*DEPARTMENT_ROLES) or actor.has_role(Role.AUDITOR)


@policy.rule("interview.start")
def _(actor, obj):
    """Posting the interview form (it may spend a resident's card code): department roles only."""
    return actor.has_role(*DEPARTMENT_ROLES)

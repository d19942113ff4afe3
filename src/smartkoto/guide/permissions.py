"""Who may do what with the digital guide.

- Everyone (residents, guests, staff browsing the public side) asks questions and rates answers.
- Each department keeps its own FAQ entries: its department roles (counter clerk, case worker, department
  manager) create and edit entries of their department; DX administrators those of every department;
  auditors read every department's entries and the question queue and never write.
- The queue of unanswered and 👎-rated questions: every staff role reads it. A question nobody answered
  belongs to no department, so any department role may answer or dismiss it; a 👎 on an entry belongs to the
  entry's department.
"""

from smartkoto.core.permissions import Policy, acts_in_department, reads_department
from smartkoto.core.roles import DEPARTMENT_ROLES, Role

policy = Policy("guide")


@policy.rule("entry.list")
def _(actor, obj):
    return actor.has_role()


@policy.rule("entry.read")
def _(actor, entry):
    return actor.has_role(Role.DX_ADMIN) or reads_department(actor, entry)


@policy.rule("entry.create")
def _(actor, department_code):
    """`department_code` None: may the actor create an entry in any department (the empty form)."""
    if actor.has_role(Role.DX_ADMIN):
        return True
    if department_code is None:
        return actor.has_role(*DEPARTMENT_ROLES)
    return acts_in_department(actor, department_code, *DEPARTMENT_ROLES)


@policy.rule("entry.edit")
def _(actor, entry):
    return actor.has_role(Role.DX_ADMIN) or acts_in_department(actor, entry, *DEPARTMENT_ROLES)


@policy.rule("queue.read")
def _(actor, obj):
    return actor.has_role()


@policy.rule("question.close")
def _(actor, question):
    """Answer or dismiss a logged question."""
    if actor.has_role(Role.DX_ADMIN):
        return True
    if question is None or not question.department_code:
        return actor.has_role(*DEPARTMENT_ROLES)
    return acts_in_department(actor, question, *DEPARTMENT_ROLES)

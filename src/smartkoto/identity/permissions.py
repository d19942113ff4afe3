"""Who may do what with identities: residents keep their own contact details; DX administrators
administer staff and service accounts (in the settings admin); auditors read, never write."""

from smartkoto.core.permissions import Policy
from smartkoto.core.roles import Role

policy = Policy("identity")


@policy.rule("profile.update")
def _(actor, profile):
    """A resident changes only their own contact details."""
    return actor.is_resident and profile is not None and actor.profile is not None and actor.profile.pk == profile.pk


@policy.rule("staff.administer")
def _(actor, obj=None):
    """Staff accounts and their roles: DX administrators only."""
    return actor.has_role(Role.DX_ADMIN)


@policy.rule("service_account.manage")
def _(actor, obj=None):
    """Issuing and revoking service tokens: DX administrators only."""
    return actor.has_role(Role.DX_ADMIN)


@policy.rule("service_account.read")
def _(actor, obj=None):
    return actor.has_role(Role.DX_ADMIN, Role.AUDITOR)

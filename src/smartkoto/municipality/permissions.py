"""Who may change the municipality as data (profile, departments, offices, calendar): DX administrators,
in the settings admin. Every page reads it; nobody else writes it."""

from smartkoto.core.permissions import Policy
from smartkoto.core.roles import Role

policy = Policy("municipality")


@policy.rule("settings.read")
def _(actor, obj=None):
    return actor.has_role(Role.DX_ADMIN)


@policy.rule("settings.change")
def _(actor, obj=None):
    return actor.has_role(Role.DX_ADMIN)

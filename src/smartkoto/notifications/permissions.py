"""Who may read the outbox (送信済みメール) in the back office."""

from smartkoto.core.permissions import Policy
from smartkoto.core.roles import Role

policy = Policy("notifications")


@policy.rule("outbox.read")
def _(actor, obj=None):
    """DX administrators (who run the service) and auditors read sent emails, of every department.

    One-time sign-in links in them are masked for everyone (see queries.mask_one_time_links)."""
    return actor.has_role(Role.DX_ADMIN, Role.AUDITOR)

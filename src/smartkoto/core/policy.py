"""Core's own rules (the policy of floor 1): who reads the audit log, who administers settings in the
Django admin (/staff/admin/: municipality data, staff accounts, service accounts)."""

from .permissions import Policy
from .roles import Role

policy = Policy("core")


@policy.rule("audit_log.read")
def _(actor, obj=None):
    """Auditors and DX administrators search the audit log (of every department)."""
    return actor.has_role(Role.AUDITOR, Role.DX_ADMIN)


@policy.rule("settings.administer")
def _(actor, obj=None):
    """Only DX administrators use the settings admin; auditors read the audit log, never change settings."""
    return actor.has_role(Role.DX_ADMIN)


@policy.rule("staff_home.view")
def _(actor, obj=None):
    return actor.is_staff

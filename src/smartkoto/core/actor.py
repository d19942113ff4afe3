"""Who acts (行為者): the one argument every service and query takes as `actor=`.

A view makes it from the request (`Actor.from_request`); a task, command or demo loader makes a system
actor (`Actor.system("…")`). Services never see an HTTP request: what they need of it — who, the
request id and client address for the audit log, the guest's session for drafts they own — is here.
"""

from dataclasses import dataclass, field
from functools import cached_property

from .roles import Role

RESIDENT, STAFF, SERVICE, SYSTEM, ANONYMOUS = "resident", "staff", "service", "system", "anonymous"


@dataclass(frozen=True, eq=False)
class Actor:
    kind: str
    user: object = None
    service_account: object = None
    label: str = ""
    request_id: str = ""
    client_address: str = ""
    session: object = field(default=None, repr=False)
    language: str = ""

    # -- making one -------------------------------------------------------------------------
    @classmethod
    def from_request(cls, request):
        """The actor behind a request: a service token wins, then the signed-in user, else anonymous."""
        from .audit import client_ip
        from django.utils.translation import get_language

        common = {"request_id": getattr(request, "request_id", ""), "client_address": client_ip(request),
                  "session": getattr(request, "session", None), "language": get_language() or ""}
        account = getattr(request, "service_account", None)
        if account is not None:
            return cls(SERVICE, service_account=account, label=f"service:{account.name}", **common)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return cls.for_user(user, **common)
        return cls(ANONYMOUS, **common)

    @classmethod
    def for_user(cls, user, **context):
        kind = STAFF if getattr(user, "kind", "") == STAFF else RESIDENT
        return cls(kind, user=user, label=user.get_username(), **context)

    @classmethod
    def for_service(cls, account, **context):
        return cls(SERVICE, service_account=account, label=f"service:{account.name}", **context)

    @classmethod
    def system(cls, label="system"):
        """Background tasks, commands, demo loaders and the payment provider's verified signals."""
        return cls(SYSTEM, label=label)

    @classmethod
    def anonymous(cls, session=None):
        return cls(ANONYMOUS, session=session)

    # -- what it is -------------------------------------------------------------------------
    @property
    def is_resident(self):
        return self.kind == RESIDENT

    @property
    def is_staff(self):
        return self.kind == STAFF and getattr(self.user, "is_active", False)

    @property
    def is_service(self):
        return self.kind == SERVICE and getattr(self.service_account, "revoked_at", None) is None

    @property
    def is_system(self):
        return self.kind == SYSTEM

    @property
    def is_anonymous(self):
        return self.kind == ANONYMOUS

    @property
    def resident(self):
        """The signed-in resident user, or None."""
        return self.user if self.kind == RESIDENT else None

    @property
    def profile(self):
        return getattr(self.user, "profile", None) if self.kind == RESIDENT else None

    @property
    def assurance_level(self):
        profile = self.profile
        return profile.assurance_level if profile is not None else 0

    # -- staff roles and service scopes -----------------------------------------------------
    @cached_property
    def memberships(self):
        """{(role, department code)} of an active staff member; empty for everyone else."""
        if not self.is_staff:
            return frozenset()
        return frozenset(self.user.staff_roles())

    def has_role(self, *roles, department=None):
        """Holds one of `roles` — in `department` when given (a code or an object with `.code`).

        No role spans departments here: policies say where DX administrators and auditors may act.
        """
        code = getattr(department, "code", department)
        wanted = {Role(r) for r in roles} if roles else None
        return any((wanted is None or role in wanted) and (code is None or dept == code) for role, dept in self.memberships)

    def department_codes(self, *roles):
        wanted = {Role(r) for r in roles} if roles else None
        return {dept for role, dept in self.memberships if wanted is None or role in wanted}

    @property
    def service_department_code(self):
        department = getattr(self.service_account, "department", None)
        return getattr(department, "code", None)

    def has_scope(self, scope, department=None):
        """A live service token with `scope`; a department-scoped token only for its own department."""
        if not self.is_service or scope not in (self.service_account.scopes or []):
            return False
        own = self.service_department_code
        code = getattr(department, "code", department)
        return own is None or department is None or own == code

    def audit_context(self):
        """What the audit log records about the actor."""
        if self.kind == SERVICE:
            return {"actor_kind": "service", "actor_id": self.service_account.pk, "actor_label": self.label}
        if self.user is not None:
            return {"actor_kind": self.kind, "actor_id": self.user.pk, "actor_label": self.label}
        return {"actor_kind": self.kind, "actor_id": None, "actor_label": self.label if self.kind == SYSTEM else ""}

    def __str__(self):
        return self.label or self.kind

"""Permission policies (権限): who may do which action on which object.

Each app states its rules once, in its `permissions.py`, as a `Policy` of named rules:

    policy = Policy("appointments")

    @policy.rule("booking.change_status")
    def _(actor, booking):
        return actor.has_role(*CASE_ROLES, Role.COUNTER_CLERK, department=booking.department_code)

Services call `policy.check(actor, "booking.change_status", booking)` before they change anything, so
every path (view, API, task, admin action, command) is checked; views and templates call
`policy.can(...)` to show or hide a button. A refusal raises `Forbidden` (a `PermissionDenied`): the
web layer answers 403 (HTML page or JSON on /api/) and writes the refusal to the audit log.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .roles import Role


class Forbidden(PermissionDenied):
    def __init__(self, action, actor=None, target=None, department_code=""):
        super().__init__(action)
        self.action, self.actor, self.target, self.department_code = action, actor, target, department_code
        self.audited = False


def record_refusal(error, actor=None, *, request=None):
    """Write one `access.refused` record for a refusal (once per error)."""
    from . import audit

    if getattr(error, "audited", False):
        return
    actor = getattr(error, "actor", None) or actor
    target = getattr(error, "target", None)
    is_model = hasattr(target, "_meta") and getattr(target, "pk", None) is not None
    audit.record("access.refused", actor=actor, request=None if actor is not None else request,
                 target=target if is_model else None, department_code=getattr(error, "department_code", "") or "",
                 detail={"action": getattr(error, "action", "") or str(error)[:100],
                         **({"path": request.path[:200]} if request is not None else {})})
    if isinstance(error, Forbidden):
        error.audited = True


class Policy:
    """Named rules of one app. A rule is `rule(actor, obj) -> bool`; an unknown action is refused."""

    def __init__(self, app):
        self.app = app
        self.rules = {}

    def rule(self, action):
        def decorator(function):
            if action in self.rules:
                raise ValueError(f"{self.app}: rule '{action}' is defined twice")
            self.rules[action] = function
            return function

        return decorator

    def can(self, actor, action, obj=None):
        if actor is None:
            return False
        try:
            rule = self.rules[action]
        except KeyError:
            raise LookupError(f"{self.app}: no rule '{action}'") from None
        return bool(rule(actor, obj))

    def check(self, actor, action, obj=None, *, department_code=None):
        """Raise `Forbidden` (audited) unless `actor` may do `action` on `obj`."""
        if self.can(actor, action, obj):
            return
        code = department_code if department_code is not None else (getattr(obj, "department_code", "") or "")
        error = Forbidden(f"{self.app}.{action}", actor=actor, target=obj, department_code=code)
        # Inside a transaction the record would be rolled back with the refused work: the web layer
        # (core.middleware.RefusalMiddleware) writes it once the transaction has gone.
        if not transaction.get_connection().in_atomic_block:
            record_refusal(error)
        raise error

    def allows(self, action):
        """`visible=policy.allows("case.list")` for a navigation entry: the menu asks the same rule."""
        return lambda actor, obj=None: self.can(actor, action, obj)

    def actions(self):
        return sorted(self.rules)


# -- common rules, written once ---------------------------------------------------------------

def department_of(obj):
    """A department code from a code, a Department, or an object with `department_code`/`department`."""
    if obj is None or isinstance(obj, str):
        return obj
    code = getattr(obj, "department_code", None)
    if code:
        return code
    department = getattr(obj, "department", None)
    return getattr(department, "code", None) or getattr(obj, "code", None)


def reads_department(actor, obj, *roles):
    """Staff of the object's department in any of `roles` (any role when none given), or an auditor."""
    return actor.has_role(*roles, department=department_of(obj)) or actor.has_role(Role.AUDITOR)


def acts_in_department(actor, obj, *roles):
    """Staff of the object's department in one of `roles` — never auditors, never DX admins by rank."""
    return actor.has_role(*roles, department=department_of(obj))

"""Reads over applications for the resident's pages, the back office, the API and other apps. Each takes
`actor=` and checks `permissions.policy`: a refusal raises `core.permissions.Forbidden` (403, audited)."""

import json
import uuid

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone

from smartkoto.core import audit, text
from smartkoto.core.actor import Actor
from smartkoto.core.i18n import tr

from .models import Application, Attachment
from .permissions import policy, visible_departments
from .workflow import OPEN, RESIDENT, WAITING_FOR_PAYMENT, WF, Status, fee_open

PAYMENTS_READER = Actor.system("applications")
"""Reads the payments of a case this module has already let the actor see (payments' own policy allows the system)."""


# -- the resident's side ----------------------------------------------------------------------
def application(public_id, *, actor, action="application.view"):
    """The application with this public id if `actor` may do `action` on it; 404 for an unknown id."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    found = Application.objects.select_related("procedure", "procedure__department", "form_version").filter(public_id=key).first()
    if found is None:
        raise Http404
    policy.check(actor, action, found)
    return found


def attachment(application, attachment_id, *, actor):
    """One file of an application, for its owner or staff who may read the case (404 when not of it)."""
    if not policy.can(actor, "application.view", application):
        policy.check(actor, "case.read", application)
    item = Attachment.objects.filter(application=application, public_id=attachment_id).first()
    if item is None:
        raise Http404
    return item


def mine(*, actor):
    """Every application of the signed-in resident (drafts included), newest first."""
    if not actor.is_resident:
        return Application.objects.none()
    return Application.objects.filter(applicant=actor.user).select_related("procedure").order_by("-created_at")


def for_resident(*, actor):
    """The resident's submitted applications (lifeevents shows the parts of a bundle with these)."""
    return mine(actor=actor).exclude(status=Status.DRAFT)


def missing_step(application, *, actor):
    """The first step of the owner's draft that still needs answers (None when all are done)."""
    from .services import _missing_step

    policy.check(actor, "draft.edit", application)
    return _missing_step(application)


def can_withdraw(application, *, actor):
    """May this actor withdraw it now (their own, and the workflow table allows it from this status)?"""
    return policy.can(actor, "application.withdraw", application) and WF.allowed(application.status, Status.WITHDRAWN, RESIDENT)


def payment_status(application, *, actor):
    """What the resident (owner) and staff (who may read the case) see about paying this case."""
    from smartkoto.payments import queries as payments

    if not policy.can(actor, "application.view", application):
        policy.check(actor, "case.read", application)
    if not application.reference or not application.fee_timing:
        return None
    history = payments.payments_for_reference(application.reference, actor=PAYMENTS_READER)
    paid = [p for p in history if p.status in ("succeeded", "partially_refunded", "refunded")]
    return {
        "payments": history,
        "paid": payments.is_paid(application.reference, actor=PAYMENTS_READER) or any(p.status == "refunded" for p in paid),
        "paid_payment": paid[0] if paid else None,
        "paid_amount": payments.paid_amount(application.reference, actor=PAYMENTS_READER),
        "refunded": sum(p.refunded_yen for p in paid),
        "open": payments.open_payment_for_reference(application.reference, application.applicant, actor=PAYMENTS_READER),
    }


# -- the back office ----------------------------------------------------------------------------
def case(reference, *, actor, viewed=False, for_action=None):
    """A submitted case by reference for staff who may read it (404 unknown; 403 another department).
    `viewed`: audit that the case page was shown. `for_action`: the write the caller is about to make (e.g.
    "case.change_status"), checked before any form is read so a refused actor gets 403 whatever it sent.
    Who reads no cases at all is refused before the lookup, so a reference's existence is not revealed."""
    policy.check(actor, "case.list")
    found = (Application.objects.select_related("procedure", "procedure__department", "form_version", "assigned_to")
             .exclude(status=Status.DRAFT).filter(reference=reference).first())
    if found is None:
        raise Http404
    policy.check(actor, "case.read", found)
    if for_action:
        policy.check(actor, for_action, found)
    if viewed:
        audit.record("applications.case_viewed", actor=actor, target=found, department_code=found.department_code)
    return found


def _visible(actor):
    policy.check(actor, "case.list")
    qs = Application.objects.exclude(status=Status.DRAFT)
    departments = visible_departments(actor)
    return qs if departments is None else qs.filter(department_code__in=departments)


def inbox(*, actor, status="", procedure="", assigned="", q="", department=""):
    """Submitted applications this staff member may see: overdue first, then oldest due date first."""
    qs = _visible(actor).select_related("procedure", "assigned_to", "form_version")
    if department:
        qs = qs.filter(department_code=department)
    if status == "open":  # the ward's open work, and cases waiting for the resident's payment (marked as such)
        qs = qs.filter(status__in=OPEN + WAITING_FOR_PAYMENT)
    elif status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure__slug=procedure)
    if assigned == "me":
        qs = qs.filter(assigned_to=actor.user)
    elif assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    if q:
        word = text.normalize(q).upper()
        qs = qs.filter(Q(reference__icontains=q.strip()) | Q(reference__icontains=word) | Q(applicant_name__icontains=q.strip()))
    today = timezone.localdate()
    qs = qs.annotate(overdue=Case(When(Q(due_on__lt=today) & Q(status__in=OPEN), then=Value(0)), default=Value(1), output_field=IntegerField()))
    return qs.order_by("overdue", "due_on", "submitted_at")


CSV_COLUMNS = ["reference", "procedure_code", "procedure_name", "department_code", "status", "form_version", "submitted_at",
               "due_on", "decided_at", "fee_yen", "applicant_name", "assigned_to", "bundle_id", "answers_json"]


def export_rows(*, actor, **filters):
    """Cases for the ward's core systems, one row per case (columns CSV_COLUMNS); the export is audited."""
    rows = []
    for c in inbox(actor=actor, **filters):
        rows.append([
            c.reference, c.procedure.slug, tr(c.procedure.name, "ja"), c.department_code, c.status, c.form_version.number,
            timezone.localtime(c.submitted_at).isoformat() if c.submitted_at else "", c.due_on or "",
            timezone.localtime(c.decided_at).isoformat() if c.decided_at else "", c.fee_amount, c.applicant_name,
            c.assigned_to.username if c.assigned_to else "", c.bundle_id or "", json.dumps(c.answers, ensure_ascii=False),
        ])
    audit.record("applications.cases_exported", actor=actor, detail={"rows": len(rows), **{k: v for k, v in filters.items() if v}})
    return rows


def processing_times(*, actor):
    """Per procedure: decided count, open count, average and slowest days from submission to decision."""
    qs = _visible(actor).select_related("procedure")
    figures = {}
    today = timezone.localdate()
    for application in qs.only("procedure__slug", "procedure__name", "submitted_at", "decided_at", "status", "due_on"):
        row = figures.setdefault(application.procedure.slug, {"procedure": application.procedure, "decided": 0, "open": 0, "overdue": 0, "days": []})
        if application.decided_at:
            row["decided"] += 1
            row["days"].append((application.decided_at - application.submitted_at).total_seconds() / 86400)
        elif application.status in OPEN:
            row["open"] += 1
            if application.due_on and application.due_on < today:
                row["overdue"] += 1
    for row in figures.values():
        days = row.pop("days")
        row["average_days"] = round(sum(days) / len(days), 1) if days else None
        row["max_days"] = round(max(days), 1) if days else None
    return sorted(figures.values(), key=lambda r: r["procedure"].slug)


def can_set_fee(application, *, actor):
    """Show the fee form: the actor may set fees on this case and its state allows it."""
    return policy.can(actor, "case.set_fee", application) and fee_open(application)


def staff_actions(application, *, actor):
    """[(target status, button label)] the actor may press on the case page."""
    from .workflow import ACTION_LABELS, STAFF

    if not policy.can(actor, "case.change_status", application):
        return []
    return [(target, ACTION_LABELS[target]) for target in WF.moves_from(application.status, STAFF)]


def assignable_staff(application, *, actor):
    """Who the case may be assigned to: case workers and managers of its department."""
    from smartkoto.core.roles import CASE_ROLES
    from smartkoto.identity import queries as identity

    policy.check(actor, "case.read", application)
    return identity.staff_in_department(application.department_code, *CASE_ROLES)


def history(application, *, actor):
    """The case page's audit trail (staff who may read the case)."""
    policy.check(actor, "case.read", application)
    return audit.trail(application)


def bundle_parts(application, *, actor):
    """The other applications sent in the same one-stop bundle: reference, department and status only."""
    policy.check(actor, "case.read", application)
    if not application.bundle_id:
        return []
    from smartkoto.municipality import queries as municipality

    names = {department.code: department.name for department in municipality.departments()}
    rows = (Application.objects.filter(bundle_id=application.bundle_id).exclude(pk=application.pk)
            .exclude(reference=None).order_by("reference").values("reference", "department_code", "status"))
    return [{**row, "department": names.get(row["department_code"], {}), "status_label": Status(row["status"]).label} for row in rows]


# -- service accounts (API) ---------------------------------------------------------------------
def api_cases(*, actor, status="", procedure=""):
    """Cases for a service token with `cases:read`: its own department's when the token has one."""
    policy.check(actor, "api.read")
    qs = Application.objects.exclude(status=Status.DRAFT).select_related("procedure", "form_version")
    if actor.service_department_code:
        qs = qs.filter(department_code=actor.service_department_code)
    if status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure__slug=procedure)
    return qs


def api_case(reference, *, actor):
    """One case for a service token, or None when unknown; another department's case is refused (403) for a
    department token, like every other door."""
    policy.check(actor, "api.read")
    found = Application.objects.exclude(status=Status.DRAFT).select_related("procedure", "form_version").filter(reference=reference).first()
    if found is not None:
        policy.check(actor, "api.read", found)
    return found


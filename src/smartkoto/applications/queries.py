"""Reads over applications for the back office, the API and other apps."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from smartkoto.core import text

from .models import Application
from .workflow import OPEN, WAITING_FOR_PAYMENT, Status


def visible_departments(user):
    """None = every department (DX administrators, auditors); otherwise the set of department codes."""
    if user.has_staff_role("dx_admin", "auditor"):
        return None
    return user.department_codes()


def can_view(user, application):
    departments = visible_departments(user)
    return departments is None or application.department_code in departments


def can_process(user, application):
    """Case workers and managers of the owning department, and DX administrators, may change a case."""
    return user.has_staff_role("dx_admin") or application.department_code in user.department_codes("case_worker", "department_manager")


def inbox(user, *, status="", procedure="", assigned="", q="", department=""):
    """Submitted applications this staff member may see: overdue first, then oldest due date first."""
    qs = Application.objects.exclude(status=Status.DRAFT).select_related("procedure", "assigned_to", "form_version")
    departments = visible_departments(user)
    if departments is not None:
        qs = qs.filter(department_code__in=departments)
    if department:
        qs = qs.filter(department_code=department)
    if status == "open":  # the ward's open work, and cases waiting for the resident's payment (marked as such)
        qs = qs.filter(status__in=OPEN + WAITING_FOR_PAYMENT)
    elif status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure__slug=procedure)
    if assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    if q:
        word = text.normalize(q).upper()
        qs = qs.filter(Q(reference__icontains=q.strip()) | Q(reference__icontains=word) | Q(applicant_name__icontains=q.strip()))
    today = timezone.localdate()
    qs = qs.annotate(overdue=Case(When(Q(due_on__lt=today) & Q(status__in=OPEN), then=Value(0)), default=Value(1), output_field=IntegerField()))
    return qs.order_by("overdue", "due_on", "submitted_at")


def processing_times(user):
    """Per procedure: decided count, open count, average and slowest days from submission to decision."""
    qs = Application.objects.exclude(status=Status.DRAFT).select_related("procedure")
    departments = visible_departments(user)
    if departments is not None:
        qs = qs.filter(department_code__in=departments)
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


def for_resident(user):
    return Application.objects.filter(applicant=user).exclude(status=Status.DRAFT)


def is_overdue(application, today=None):
    today = today or timezone.localdate()
    return bool(application.due_on and application.due_on < today and application.status in OPEN)



def bundle_parts(application):
    """The other applications sent in the same one-stop bundle: reference, department and status only."""
    if not application.bundle_id:
        return []
    from smartkoto.municipality import queries as municipality

    names = {department.code: department.name for department in municipality.departments()}
    rows = (Application.objects.filter(bundle_id=application.bundle_id).exclude(pk=application.pk)
            .exclude(reference=None).order_by("reference").values("reference", "department_code", "status"))
    return [{**row, "department": names.get(row["department_code"], {}), "status_label": Status(row["status"]).label} for row in rows]

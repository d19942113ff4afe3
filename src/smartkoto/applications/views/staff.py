"""Back office (案件処理): the department inbox, the case page, transitions, messages, notes, PDFs, CSV and figures.

Staff of another department get 404 for a case, as if it did not exist. Every view of a case is audited.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit
from smartkoto.core.i18n import tr
from smartkoto.core.models import AuditRecord
from smartkoto.identity.models import User
from smartkoto.procedures import formschema

from .. import pdf, queries, services, workflow
from ..forms import AssignForm, FeeForm, MessageForm, NoteForm, TransitionForm
from ..models import Application, Attachment
from ..workflow import Status
from .public import file_response


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")}, {"label": _("Cases"), "url": reverse("applications_staff:inbox")}, *extra]


def _case(request, reference):
    application = Application.objects.select_related("procedure", "procedure__department", "form_version", "assigned_to").filter(reference=reference).first()
    if application is None or not queries.can_view(request.user, application):
        raise Http404
    return application


def _need_staff(request):
    if not request.user.has_staff_role():
        raise PermissionDenied


def inbox(request):
    _need_staff(request)
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("status", "procedure", "assigned", "q")}
    if "status" not in request.GET:
        filters["status"] = "open"
    cases = list(queries.inbox(request.user, **filters)[:200])
    today = timezone.localdate()
    audit.record("applications.inbox_viewed", request=request, detail={k: v for k, v in filters.items() if v})
    return render(request, "applications/staff/inbox.html", {
        "cases": [(c, queries.is_overdue(c, today)) for c in cases], "filters": filters, "statuses": Status.choices[1:],
        "breadcrumbs": _crumbs()[:1] + [{"label": _("Cases")}],
    })


def case(request, reference):
    _need_staff(request)
    application = _case(request, reference)
    audit.record("applications.case_viewed", request=request, target=application, department_code=application.department_code)
    return _render_case(request, application)


def _render_case(request, application, **forms):
    staff = User.objects.filter(kind="staff", memberships__department__code=application.department_code,
                                memberships__role__in=["case_worker", "department_manager"]).distinct().order_by("username")
    can_process = queries.can_process(request.user, application)
    return render(request, "applications/staff/case.html", {
        "application": application, "procedure": application.procedure, "can_process": can_process,
        "summary": formschema.summary(application.form_version.definition, application.answers),
        "events": application.events.select_related("actor").prefetch_related("attachments"),
        "attachments": application.attachments.all(),
        "audit_trail": AuditRecord.objects.filter(target_type="applications.application", target_id=str(application.pk)).order_by("-sequence")[:50],
        "actions": [(target, workflow.ACTION_LABELS[target]) for target in workflow.next_for_staff(application.status)] if can_process else [],
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": AssignForm(staff=staff, initial={"assignee": application.assigned_to_id or ""}),
        "form": forms.get("transition_form") or forms.get("message_form") or forms.get("note_form") or forms.get("fee_form"),
        "payment": services.payment_status(application),
        "fee_form": (forms.get("fee_form") or FeeForm(initial={"amount_yen": application.fee_amount or None}))
        if can_process and _fee_can_be_set(application) else None,
        "overdue": queries.is_overdue(application),
        "bundle_parts": queries.bundle_parts(application),
        "breadcrumbs": _crumbs({"label": application.reference}),
    })


@require_POST
def transition(request, reference):
    application = _case(request, reference)
    if not queries.can_process(request.user, application):
        raise PermissionDenied
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.transition(application, form.cleaned_data["target"], request=request, text=form.cleaned_data.get("text", ""))
        except workflow.TransitionNotAllowed:
            messages.error(request, _("That change is not possible from the current status."))
        else:
            messages.success(request, _("The status was changed."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, transition_form=form)


def _fee_can_be_set(application):
    return application.fee_timing == services.AFTER_APPROVAL and application.status in (
        Status.RECEIVED, Status.IN_REVIEW, Status.WAITING_FOR_RESIDENT, Status.APPROVED)


@require_POST
def fee(request, reference):
    """Staff set the final fee of a pay-after-approval case (e.g. 粗大ごみ by item)."""
    application = _case(request, reference)
    if not queries.can_process(request.user, application):
        raise PermissionDenied
    form = FeeForm(request.POST)
    if form.is_valid():
        try:
            services.set_fee(application, form.cleaned_data["amount_yen"], request=request)
        except services.PaymentNotPossible:
            messages.error(request, _("The fee can no longer be changed on this case."))
        else:
            messages.success(request, _("The fee was set."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, fee_form=form)


@require_POST
def assign(request, reference):
    application = _case(request, reference)
    if not queries.can_process(request.user, application):
        raise PermissionDenied
    staff = User.objects.filter(kind="staff", memberships__department__code=application.department_code).distinct()
    form = AssignForm(request.POST, staff=staff)
    if form.is_valid():
        assignee = staff.filter(pk=form.cleaned_data["assignee"]).first() if form.cleaned_data["assignee"] else None
        services.assign(application, assignee, request=request)
        messages.success(request, _("The case was assigned."))
    return redirect("applications_staff:case", reference)


@require_POST
def message(request, reference):
    application = _case(request, reference)
    if not queries.can_process(request.user, application):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        services.message(application, form.cleaned_data["text"], request=request)
        messages.success(request, _("The message was sent to the resident."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, message_form=form)


@require_POST
def note(request, reference):
    application = _case(request, reference)
    if request.user.has_staff_role("auditor") and not request.user.has_staff_role("counter_clerk", "case_worker", "department_manager", "dx_admin"):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note(application, form.cleaned_data["text"], request=request)
        messages.success(request, _("The note was added."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, note_form=form)


def _pdf(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def decision_pdf(request, reference):
    application = _case(request, reference)
    if application.decided_at is None:
        raise Http404
    audit.record("applications.decision_letter_downloaded", request=request, target=application, department_code=application.department_code)
    return _pdf(pdf.decision_letter(application), f"decision-{application.reference}.pdf")


def receipt_pdf(request, reference):
    application = _case(request, reference)
    audit.record("applications.receipt_downloaded", request=request, target=application, department_code=application.department_code)
    return _pdf(pdf.receipt(application), f"receipt-{application.reference}.pdf")


def attachment(request, reference, attachment_id):
    application = _case(request, reference)
    item = Attachment.objects.filter(application=application, public_id=attachment_id).first()
    if item is None:
        raise Http404
    audit.record("applications.attachment_viewed", request=request, target=application, department_code=application.department_code,
                 detail={"attachment": str(item.public_id)})
    return file_response(item)


CSV_COLUMNS = ["reference", "procedure_code", "procedure_name", "department_code", "status", "form_version", "submitted_at",
               "due_on", "decided_at", "fee_yen", "applicant_name", "assigned_to", "bundle_id", "answers_json"]


def export_csv(request):
    """Cases for the ward's core systems: UTF-8 with BOM (opens in Excel), one row per case."""
    _need_staff(request)
    import json

    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("status", "procedure", "assigned", "q")}
    cases = queries.inbox(request.user, **filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for c in cases:
        count += 1
        writer.writerow([
            c.reference, c.procedure.slug, tr(c.procedure.name, "ja"), c.department_code, c.status, c.form_version.number,
            timezone.localtime(c.submitted_at).isoformat() if c.submitted_at else "", c.due_on or "",
            timezone.localtime(c.decided_at).isoformat() if c.decided_at else "", c.fee_amount, c.applicant_name,
            c.assigned_to.username if c.assigned_to else "", c.bundle_id or "", json.dumps(c.answers, ensure_ascii=False),
        ])
    audit.record("applications.cases_exported", request=request, detail={"rows": count, **{k: v for k, v in filters.items() if v}})
    return response


def stats(request):
    _need_staff(request)
    return render(request, "applications/staff/stats.html", {
        "rows": queries.processing_times(request.user), "breadcrumbs": _crumbs({"label": _("Processing times")}),
    })

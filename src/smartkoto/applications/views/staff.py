"""Back office (案件処理): the department inbox, the case page, transitions, messages, notes, PDFs, CSV and figures.

Every view calls one query or service with `actor=request.actor`; the rules are `permissions.py`. Staff of
another department, DX administrators and residents are refused (403, audited). Every view of a case is audited.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit, csvfile
from smartkoto.core.downloads import download
from smartkoto.procedures import queries as procedures
from smartkoto.procedures import formschema

from .. import pdf, queries, services
from ..forms import AssignForm, FeeForm, MessageForm, NoteForm, TransitionForm
from ..permissions import policy
from ..workflow import Status, TransitionNotAllowed
from .public import file_response, private

FILTERS = ("status", "procedure", "assigned", "q")


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")}, {"label": _("Cases"), "url": reverse("applications_staff:inbox")}, *extra]


def _filters(request):
    return {key: request.GET.get(key, "").strip()[:100] for key in FILTERS}


def inbox(request):
    filters = _filters(request)
    if "status" not in request.GET:
        filters["status"] = "open"
    cases = list(queries.inbox(actor=request.actor, **filters)[:200])
    today = timezone.localdate()
    audit.record("applications.inbox_viewed", actor=request.actor, detail={k: v for k, v in filters.items() if v})
    return render(request, "applications/staff/inbox.html", {
        "cases": [(c, c.is_overdue(today)) for c in cases], "filters": filters, "statuses": Status.choices[1:],
        "breadcrumbs": _crumbs()[:1] + [{"label": _("Cases")}],
    })


def case(request, reference):
    return _render_case(request, queries.case(reference, actor=request.actor, viewed=True))


def _render_case(request, application, **forms):
    actor = request.actor
    can_process = policy.can(actor, "case.assign", application)
    return render(request, "applications/staff/case.html", {
        "application": application, "procedure": application.procedure, "can_process": can_process,
        "can_note": policy.can(actor, "case.note", application),
        "summary": formschema.summary(application.form_version.definition, application.answers),
        "events": application.events.select_related("actor").prefetch_related("attachments"),
        "attachments": application.attachments.all(),
        "audit_trail": queries.history(application, actor=actor),
        "actions": queries.staff_actions(application, actor=actor),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": AssignForm(staff=queries.assignable_staff(application, actor=actor), initial={"assignee": application.assigned_to_id or ""}),
        "form": forms.get("transition_form") or forms.get("message_form") or forms.get("note_form") or forms.get("fee_form"),
        "payment": queries.payment_status(application, actor=actor),
        "fee_form": (forms.get("fee_form") or FeeForm(initial={"amount_yen": application.fee_amount or None}))
        if queries.can_set_fee(application, actor=actor) else None,
        "overdue": application.is_overdue(),
        "bundle_parts": queries.bundle_parts(application, actor=actor),
        "breadcrumbs": _crumbs({"label": application.reference}),
    })


@require_POST
def transition(request, reference):
    application = queries.case(reference, actor=request.actor, for_action="case.change_status")
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.transition(application, form.cleaned_data["target"], actor=request.actor, text=form.cleaned_data.get("text", ""))
        except TransitionNotAllowed:
            messages.error(request, _("That change is not possible from the current status."))
        else:
            messages.success(request, _("The status was changed."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, transition_form=form)


@require_POST
def fee(request, reference):
    """Staff set the final fee of a pay-after-approval case (e.g. 粗大ごみ by item)."""
    application = queries.case(reference, actor=request.actor, for_action="case.set_fee")
    form = FeeForm(request.POST)
    if form.is_valid():
        try:
            services.set_fee(application, form.cleaned_data["amount_yen"], actor=request.actor)
        except services.PaymentNotPossible:
            messages.error(request, _("The fee can no longer be changed on this case."))
        else:
            messages.success(request, _("The fee was set."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, fee_form=form)


@require_POST
def assign(request, reference):
    application = queries.case(reference, actor=request.actor, for_action="case.assign")
    staff = queries.assignable_staff(application, actor=request.actor)
    form = AssignForm(request.POST, staff=staff)
    if form.is_valid():
        assignee = staff.filter(pk=form.cleaned_data["assignee"]).first() if form.cleaned_data["assignee"] else None
        try:
            services.assign(application, assignee, actor=request.actor)
        except ValidationError:
            messages.error(request, _("The case could not be assigned."))
        else:
            messages.success(request, _("The case was assigned."))
    return redirect("applications_staff:case", reference)


@require_POST
def message(request, reference):
    application = queries.case(reference, actor=request.actor, for_action="case.message")
    form = MessageForm(request.POST)
    if form.is_valid():
        services.message(application, form.cleaned_data["text"], actor=request.actor)
        messages.success(request, _("The message was sent to the resident."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, message_form=form)


@require_POST
def note(request, reference):
    application = queries.case(reference, actor=request.actor, for_action="case.note")
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note(application, form.cleaned_data["text"], actor=request.actor)
        messages.success(request, _("The note was added."))
        return redirect("applications_staff:case", reference)
    return _render_case(request, application, note_form=form)


def decision_pdf(request, reference):
    application = queries.case(reference, actor=request.actor)
    if application.decided_at is None:
        raise Http404
    audit.record("applications.decision_letter_downloaded", actor=request.actor, target=application, department_code=application.department_code)
    return private(download(pdf.decision_letter(application), f"decision-{application.reference}.pdf", "application/pdf"))


def receipt_pdf(request, reference):
    application = queries.case(reference, actor=request.actor)
    audit.record("applications.receipt_downloaded", actor=request.actor, target=application, department_code=application.department_code)
    return private(download(pdf.receipt(application), f"receipt-{application.reference}.pdf", "application/pdf"))


def attachment(request, reference, attachment_id):
    application = queries.case(reference, actor=request.actor)
    item = queries.attachment(application, attachment_id, actor=request.actor)
    audit.record("applications.attachment_viewed", actor=request.actor, target=application, department_code=application.department_code,
                 detail={"attachment": str(item.public_id)})
    return file_response(item)


def export_csv(request):
    """Cases for the ward's core systems: UTF-8 with BOM (opens in Excel), formula cells neutralised, one row per case."""
    rows = queries.export_rows(actor=request.actor, **_filters(request))
    return csvfile.response(rows, queries.CSV_COLUMNS, f"cases-{timezone.localdate():%Y%m%d}.csv")


def stats(request):
    return render(request, "applications/staff/stats.html", {
        "rows": queries.processing_times(actor=request.actor), "breadcrumbs": _crumbs({"label": _("Processing times")}),
    })

"""Counter staff: scan or type a resident's code, see the pre-entry, check identity, correct, print the official
form (A4 PDF); run a pre-entry in interview mode. Who may do which is `permissions.policy`; every view of
personal data and every action is audited by the services and queries."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smartkoto.core.downloads import download
from smartkoto.core.i18n import tr
from smartkoto.procedures import queries as procedures
from smartkoto.core.http import private_page

from .. import queries, services
from ..forms import CodeForm, IdentityForm, InterviewForm
from ..permissions import policy
from .entry_form import render_step

REFUSALS = {
    "unknown": gettext_lazy("This code is not known. Check the letters and digits, or ask the resident to open the QR code again."),
    "expired": gettext_lazy("This code has expired. Ask the resident to show a new code (they can get one on the same page)."),
    "used": gettext_lazy("This code has already been used. Each code works once: ask the resident for a new one."),
    "department": gettext_lazy("This pre-entry belongs to another department's counter. Send the resident there; the code still works."),
}


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")}, {"label": _("Counter pre-entries"), "url": reverse("lifeevents_staff:counter")}] + list(extra)


def _entry(request, public_id):
    entry = queries.entry_for_staff(public_id, actor=request.actor)
    if entry is None:
        raise Http404
    return entry


@private_page
def counter(request):
    policy.check(request.actor, "token.redeem" if request.method == "POST" else "counter.open")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.redeem(form.cleaned_data["code"], actor=request.actor)
        except services.TokenRefused as refused:
            form.add_error("code", str(REFUSALS[refused.reason]))
        else:
            return redirect("lifeevents_staff:entry", entry.public_id)
    return render(request, "lifeevents/staff/counter.html", {
        "form": form, "measure": queries.measure(actor=request.actor), "failed": queries.failed_hand_offs(actor=request.actor),
        "can_redeem": policy.can(request.actor, "token.redeem"), "can_retry": policy.can(request.actor, "bundle.retry_failed"),
        "breadcrumbs": _crumbs()[:1] + [{"label": _("Counter pre-entries")}]})


@private_page
def entry(request, public_id):
    entry = _entry(request, public_id)
    if request.method == "POST":
        policy.check(request.actor, "pre_entry.serve", entry)
    procedure, steps, summary = queries.entry_summary(entry, actor=request.actor)
    form = IdentityForm(request.POST if request.method == "POST" else None, initial={"document": entry.identity_document or None})
    if request.method == "POST" and form.is_valid():
        services.check_identity(entry, form.cleaned_data["document"], actor=request.actor)
        return redirect("lifeevents_staff:entry", entry.public_id)
    return render(request, "lifeevents/staff/entry.html", {
        "entry": entry, "procedure": procedure, "summary": summary, "form": form, "missing": queries.missing_step(entry, steps),
        "can_serve": policy.can(request.actor, "pre_entry.serve", entry),
        "document_label": dict(form.fields["document"].choices).get(entry.identity_document, ""),
        "breadcrumbs": _crumbs({"label": tr(procedure.name)}),
    })


@private_page
def entry_step(request, public_id, step_id):
    entry = _entry(request, public_id)
    # The correction form is the resident's data: only the counter that serves the pre-entry opens or sends it.
    policy.check(request.actor, "pre_entry.serve", entry)
    return render_step(request, entry, step_id, at_counter=True)


@private_page
def entry_pdf(request, public_id):
    entry = _entry(request, public_id)
    try:
        procedure, content = services.print_form(entry, actor=request.actor)
    except services.IdentityNotChecked:
        return redirect("lifeevents_staff:entry", entry.public_id)
    response = download(content, f"{procedure.slug}-{entry.public_id.hex[:8]}.pdf", "application/pdf")
    return response


@private_page
def interview(request):
    """Staff fill a pre-entry with the resident at the desk, prefilled from the resident's card sign-in if given."""
    policy.check(request.actor, "interview.start" if request.method == "POST" else "interview.open")
    choices = [(p.slug, tr(p.name)) for p in queries.interview_procedures(actor=request.actor)]
    form = InterviewForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        procedure = procedures.get(form.cleaned_data["procedure"])
        policy.check(request.actor, "pre_entry.interview", procedure, department_code=procedure.department.code)
        resident = None
        if form.cleaned_data["card_code"]:
            try:
                resident = services.redeem(form.cleaned_data["card_code"], actor=request.actor, purpose="card")
            except services.TokenRefused as refused:
                form.add_error("card_code", str(REFUSALS[refused.reason]))
        if not form.errors:
            entry = services.start_interview(procedure, actor=request.actor, resident=resident)
            return redirect("lifeevents_staff:entry_step", entry.public_id, queries.entry_steps(procedure)[0]["id"])
    return render(request, "lifeevents/staff/interview.html", {"form": form, "breadcrumbs": _crumbs({"label": _("Interview mode")})})


@require_POST
def retry(request):
    services.retry_failed_hand_offs(actor=request.actor)
    return redirect("lifeevents_staff:counter")

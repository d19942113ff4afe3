"""Counter staff: scan or type a resident's code, see the pre-entry, check identity, correct, print the official
form (A4 PDF); run a pre-entry in interview mode. Every view of personal data and every action is audited."""

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smartkoto.core import audit
from smartkoto.core.i18n import tr
from smartkoto.procedures import queries as procedures

from .. import pdf, queries, services, tasks
from ..forms import CodeForm, IdentityForm, InterviewForm
from ..models import BundlePart, PreEntry
from .public import _entry_step, _pre_entry_steps, entry_summary

REFUSALS = {
    "unknown": gettext_lazy("This code is not known. Check the letters and digits, or ask the resident to open the QR code again."),
    "expired": gettext_lazy("This code has expired. Ask the resident to show a new code (they can get one on the same page)."),
    "used": gettext_lazy("This code has already been used. Each code works once: ask the resident for a new one."),
    "department": gettext_lazy("This pre-entry belongs to another department's counter. Send the resident there; the code still works."),
}


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")}, {"label": _("Counter pre-entries"), "url": reverse("lifeevents_staff:counter")}] + list(extra)


def _entry(request, public_id):
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    entry = PreEntry.objects.filter(public_id=key).select_related("owner", "identity_checked_by").first()
    if entry is None or not services.can_serve(request.user, entry.department_code):
        raise Http404
    return entry


def counter(request):
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.redeem(form.cleaned_data["code"], request=request)
        except services.TokenRefused as refused:
            form.add_error("code", str(REFUSALS[refused.reason]))
        else:
            return redirect("lifeevents_staff:entry", entry.public_id)
    measure = queries.measure()
    failed = BundlePart.objects.filter(hand_off=BundlePart.HandOff.FAILED).count() if request.user.has_staff_role("dx_admin") else 0
    return render(request, "lifeevents/staff/counter.html", {"form": form, "measure": measure, "failed": failed, "breadcrumbs": _crumbs()[:1] + [{"label": _("Counter pre-entries")}]})


def entry(request, public_id):
    entry = _entry(request, public_id)
    procedure, steps, summary = entry_summary(entry)
    audit.record("lifeevents.pre_entry_viewed", request=request, target=entry, department_code=entry.department_code)
    form = IdentityForm(request.POST if request.method == "POST" else None, initial={"document": entry.identity_document or None})
    if request.method == "POST" and form.is_valid():
        services.check_identity(entry, form.cleaned_data["document"], request=request)
        return redirect("lifeevents_staff:entry", entry.public_id)
    missing = services.missing_step(entry, {"steps": steps})
    return render(request, "lifeevents/staff/entry.html", {
        "entry": entry, "procedure": procedure, "summary": summary, "form": form, "missing": missing,
        "document_label": dict(form.fields["document"].choices).get(entry.identity_document, ""),
        "breadcrumbs": _crumbs({"label": tr(procedure.name)}),
    })


def entry_step(request, public_id, step_id):
    entry = _entry(request, public_id)
    return _entry_step(request, entry, step_id, staff=True)


def entry_pdf(request, public_id):
    entry = _entry(request, public_id)
    if entry.identity_checked_at is None:
        return redirect("lifeevents_staff:entry", entry.public_id)
    procedure, steps, summary = entry_summary(entry)
    content = pdf.official_form(entry, procedure, summary, staff=request.user)
    services.printed(entry, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{procedure.slug}-{entry.public_id.hex[:8]}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def interview(request):
    """Staff fill a pre-entry with the resident at the desk, prefilled from the resident's card sign-in if given."""
    departments = None if request.user.has_staff_role("dx_admin") else request.user.department_codes()
    choices = [(p.slug, tr(p.name)) for p in procedures.published() if not p.is_online and (departments is None or p.department.code in departments)]
    form = InterviewForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        resident = None
        if form.cleaned_data["card_code"]:
            try:
                resident = services.redeem(form.cleaned_data["card_code"], request=request, purpose="card")
            except services.TokenRefused as refused:
                form.add_error("card_code", str(REFUSALS[refused.reason]))
        if not form.errors:
            procedure = procedures.get(form.cleaned_data["procedure"])
            entry = services.start_pre_entry(procedure, request=request, owner=resident, interview=True)
            return redirect("lifeevents_staff:entry_step", entry.public_id, _pre_entry_steps(procedure)[0]["id"])
    return render(request, "lifeevents/staff/interview.html", {"form": form, "breadcrumbs": _crumbs({"label": _("Interview mode")})})


@require_POST
def retry(request):
    if not request.user.has_staff_role("dx_admin"):
        raise Http404
    audit.record("lifeevents.hand_offs_retried", request=request)
    tasks.retry_failed()
    return redirect("lifeevents_staff:counter")

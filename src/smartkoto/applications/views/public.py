"""The resident's side: start, one question group per page, check answers, declare and submit, the receipt;
then "my applications" with the status timeline, replies, withdrawal and downloads.

Who may open what is `permissions.py` (asked through `queries.application`): the owning resident, or the
guest session that started or resumed the draft (`core.guest`)."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.downloads import download, download_file
from smartkoto.core.http import mark_private
from smartkoto.core.i18n import tr
from smartkoto.core.steps import Steps
from smartkoto.procedures import queries as procedures
from smartkoto.procedures import formschema

from .. import pdf, queries, services
from ..forms import DeclarationForm, GuestLinkForm, RespondForm
from ..workflow import Status


def _crumbs(*extra):
    crumbs = [{"label": _("Home"), "url": reverse("core:home")}]
    return crumbs + list(extra)


def _steps(application):
    return Steps(s["id"] for s in formschema.steps(application.form_version.definition))


def start(request, slug):
    procedure = procedures.get(slug)
    if procedure is None or procedures.live_version(procedure) is None:
        raise Http404
    level = request.actor.assurance_level
    if request.method == "POST" and level >= procedure.assurance_level:
        application = services.start(procedure, actor=request.actor)
        return redirect("applications:step", application.public_id, _steps(application).first)
    return render(request, "applications/start.html", {
        "procedure": procedure, "level": level, "enough": level >= procedure.assurance_level,
        "sign_in_url": reverse("identity:sign_in") + "?next=" + request.path,
        "breadcrumbs": _crumbs({"label": _("Procedures"), "url": reverse("procedures:catalog")},
                               {"label": tr(procedure.name), "url": reverse("procedures:detail", args=[slug])}, {"label": _("Start")}),
    })


def _existing_files(application, step_id):
    saved = application.answers.get(step_id)
    rows = saved if isinstance(saved, list) else [saved or {}]
    return {i: {k: v["name"] for k, v in row.items() if isinstance(v, dict) and "attachment" in v} for i, row in enumerate(rows)}


def step(request, public_id, step_id):
    application = queries.application(public_id, actor=request.actor, action="draft.edit")
    if not application.is_draft:
        return redirect("applications:detail", application.public_id)
    definition = application.form_version.definition
    current = formschema.step_by_id(definition, step_id)
    steps = _steps(application)
    if current is None or step_id not in steps:
        raise Http404
    profile = request.actor.profile
    answers = dict(application.answers)
    partial = (answers.get("_partial") or {}).get(step_id)
    if partial and not current.get("repeat"):
        answers[step_id] = {**(answers.get(step_id) or {}), **partial}
    returning = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    page = formschema.StepPage(current, answers=answers, profile=profile, existing_files=_existing_files(application, step_id))
    if request.method == "POST":
        if request.POST.get("action") == "autosave" and not current.get("repeat"):
            raw = {f["name"]: request.POST.get(f["name"], "") for f in current["fields"] if f["type"] not in ("file", "checkbox")}
            services.autosave(application, step_id, raw, actor=request.actor)
            return JsonResponse({"saved": True})
        page = formschema.StepPage(current, answers=application.answers, profile=profile, data=request.POST, files=request.FILES,
                                   existing_files=_existing_files(application, step_id))
        if page.is_valid():
            try:
                services.save_step(application, step_id, page, actor=request.actor)
            except ValidationError as exc:
                for form in page.forms:
                    for name, formfield in form.fields.items():
                        if formfield.spec["type"] == "file" and form.cleaned_data.get(name):
                            form.add_error(name, exc.messages[0])
                            break
                    else:
                        continue
                    break
            else:
                if request.POST.get("action") == "save_and_leave":
                    messages.success(request, _("Your answers are saved."))
                    return redirect("applications:saved", application.public_id)
                following = steps.next(step_id)
                if returning or following is None:
                    return redirect("applications:check", application.public_id)
                return redirect("applications:step", application.public_id, following)
    previous = steps.previous(step_id)
    back = (reverse("applications:step", args=[application.public_id, previous]) if previous
            else reverse("procedures:detail", args=[application.procedure.slug]))
    position, count = steps.position(step_id)
    return render(request, "applications/step.html", {
        "application": application, "procedure": application.procedure, "page": page, "step": current, "position": position, "count": count,
        "form": page.errors, "returning": returning, "back": back,
        "breadcrumbs": _crumbs({"label": tr(application.procedure.name), "url": reverse("procedures:detail", args=[application.procedure.slug])},
                               {"label": tr(current["title"])}),
    })


def check(request, public_id):
    application = queries.application(public_id, actor=request.actor, action="draft.edit")
    if not application.is_draft:
        return redirect("applications:detail", application.public_id)
    missing = queries.missing_step(application, actor=request.actor)
    if missing:
        return redirect("applications:step", application.public_id, missing)
    live = procedures.live_version(application.procedure)
    return render(request, "applications/check.html", {
        "application": application, "procedure": application.procedure,
        "summary": formschema.summary(application.form_version.definition, application.answers),
        "fee": procedures.fee_for(application.procedure, application.answers),
        "fee_timing": procedures.fee_timing(application.procedure),
        "newer_version": live is not None and live.pk != application.form_version_id,
        "breadcrumbs": _crumbs({"label": tr(application.procedure.name), "url": reverse("procedures:detail", args=[application.procedure.slug])},
                               {"label": _("Check your answers")}),
    })


def declare(request, public_id):
    application = queries.application(public_id, actor=request.actor, action="application.submit")
    if not application.is_draft:
        return redirect("applications:done", application.public_id)
    form = DeclarationForm(request.POST or None, initial={"submission": application.public_id})
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit(application, actor=request.actor)
        except services.Incomplete as exc:
            return redirect("applications:step", application.public_id, exc.step_id)
        if getattr(application, "receipt_mail_refused", False):
            messages.warning(request, _("Your application was sent, but too many emails were asked for, so no receipt email "
                                        "will be sent. Note your reference number or download the receipt on the next page."))
        return redirect("applications:done", application.public_id)
    return render(request, "applications/declare.html", {
        "application": application, "procedure": application.procedure, "form": form,
        "declaration": application.form_version.definition.get("declaration"),
        "breadcrumbs": _crumbs({"label": tr(application.procedure.name), "url": reverse("procedures:detail", args=[application.procedure.slug])},
                               {"label": _("Declaration")}),
    })


def done(request, public_id):
    application = queries.application(public_id, actor=request.actor)
    if application.is_draft:
        return redirect("applications:check", application.public_id)
    return render(request, "applications/done.html", {
        "application": application, "procedure": application.procedure, "payment": queries.payment_status(application, actor=request.actor),
        "breadcrumbs": _crumbs({"label": _("Application sent")}),
    })


def saved(request, public_id):
    """After "save and come back later": signed-in residents find it in My applications; guests can get a link."""
    application = queries.application(public_id, actor=request.actor, action="draft.edit")
    form = GuestLinkForm(request.POST or None, initial={"email": application.guest_email})
    if request.method == "POST" and application.applicant_id is None and form.is_valid():
        try:
            services.send_resume_link(application, form.cleaned_data["email"], actor=request.actor,
                                      build_url=lambda token: request.build_absolute_uri(reverse("applications:resume", args=[token])))
        except services.TooManyEmails:
            form.add_error("email", _("Too many emails were asked for. Wait an hour and try again."))
        else:
            messages.success(request, _("We emailed you a link to continue. It works once."))
            return redirect("applications:saved", application.public_id)
    return render(request, "applications/saved.html", {
        "application": application, "procedure": application.procedure, "form": form,
        "breadcrumbs": _crumbs({"label": _("Saved")}),
    })


def resume(request, token):
    if request.method == "POST":
        application = services.resume(token, actor=request.actor)
        if application is None:
            return render(request, "applications/resume_invalid.html", {"breadcrumbs": _crumbs({"label": _("Continue an application")})}, status=404)
        return redirect("applications:check", application.public_id)
    return render(request, "applications/resume.html", {"token": token, "breadcrumbs": _crumbs({"label": _("Continue an application")})})


def my_applications(request):
    if not request.actor.is_resident:
        return redirect(reverse("identity:sign_in") + "?next=" + request.path)
    applications = list(queries.mine(actor=request.actor))
    return render(request, "applications/my_list.html", {
        "awaiting_payment": [a for a in applications if a.awaiting_payment],
        "drafts": [a for a in applications if a.is_draft], "submitted": [a for a in applications if not a.is_draft],
        "breadcrumbs": _crumbs({"label": _("My applications")}),
    })


def detail(request, public_id):
    application = queries.application(public_id, actor=request.actor)
    if application.is_draft:
        return redirect("applications:check", application.public_id)
    events = [e for e in application.events.select_related("actor").prefetch_related("attachments") if e.visible_to_resident]
    respond_form = RespondForm()
    if request.method == "POST" and application.status == Status.WAITING_FOR_RESIDENT:
        respond_form = RespondForm(request.POST, request.FILES)
        if respond_form.is_valid():
            uploads = [respond_form.cleaned_data["document"]] if respond_form.cleaned_data.get("document") else []
            try:
                services.respond(application, respond_form.cleaned_data["text"], uploads, actor=request.actor)
            except ValidationError as exc:
                respond_form.add_error("document", exc.messages[0])
            else:
                messages.success(request, _("Your answer was sent."))
                return redirect("applications:detail", application.public_id)
    return render(request, "applications/detail.html", {
        "application": application, "procedure": application.procedure, "events": events, "form": respond_form,
        "summary": formschema.summary(application.form_version.definition, application.answers),
        "can_withdraw": queries.can_withdraw(application, actor=request.actor), "decided": application.decided_at is not None,
        "payment": queries.payment_status(application, actor=request.actor),
        "breadcrumbs": _crumbs({"label": _("My applications"), "url": reverse("applications:mine")}, {"label": application.reference}),
    })


def withdraw(request, public_id):
    application = queries.application(public_id, actor=request.actor, action="application.withdraw")
    if not queries.can_withdraw(application, actor=request.actor):
        messages.error(request, _("This application can no longer be withdrawn online: the ward has started processing it. Please contact the department."))
        return redirect("applications:detail", application.public_id)
    if request.method == "POST":
        services.withdraw(application, actor=request.actor)
        messages.success(request, _("Your application was withdrawn."))
        return redirect("applications:detail", application.public_id)
    return render(request, "applications/withdraw.html", {
        "application": application, "procedure": application.procedure,
        "breadcrumbs": _crumbs({"label": _("My applications"), "url": reverse("applications:mine")}, {"label": _("Withdraw")}),
    })


@require_POST
def pay(request, public_id):
    """Send the resident to pay the case's fee. The amount is the case's own (server-side); the browser sends
    nothing but the button. A repeated POST resumes the same unfinished payment."""
    application = queries.application(public_id, actor=request.actor, action="application.pay")
    try:
        payment = services.pay(application, actor=request.actor)
    except services.PaymentNotPossible:
        messages.info(request, _("There is nothing to pay for this application now."))
        return redirect("applications:detail", application.public_id)
    from smartkoto.payments import queries as payment_queries, services as payment_services

    if payment.payer_id is None:
        payment_services.allow_guest(payment, actor=request.actor)
    return redirect(payment_queries.checkout_url(payment, actor=request.actor))


def private(response):
    response["X-Content-Type-Options"] = "nosniff"
    return mark_private(response)


def receipt(request, public_id):
    application = queries.application(public_id, actor=request.actor)
    if application.is_draft:
        raise Http404
    return private(download(pdf.receipt(application), f"receipt-{application.reference}.pdf", "application/pdf"))


def decision(request, public_id):
    application = queries.application(public_id, actor=request.actor)
    if application.decided_at is None:
        raise Http404
    return private(download(pdf.decision_letter(application), f"decision-{application.reference}.pdf", "application/pdf"))


def attachment(request, public_id, attachment_id):
    application = queries.application(public_id, actor=request.actor)
    return file_response(queries.attachment(application, attachment_id, actor=request.actor))


def file_response(item):
    """A resident's file, to be saved (never shown inline), under its original name (RFC 6266)."""
    return private(download_file(item.file.open("rb"), item.original_name, item.content_type))

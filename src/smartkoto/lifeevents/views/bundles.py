"""One-stop bundles (ワンストップ申請): choose online procedures from the checklist, answer the shared questions
once and each procedure's own, check, send; then follow every part."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.i18n import tr
from smartkoto.procedures import formschema
from smartkoto.core.http import private_page

from .. import queries, services
from ..forms import BundleChoiceForm, BundleDeclarationForm
from ..models import Bundle
from .crumbs import crumbs, sign_in
from .navigator import checklist_context


def _bundle(request, public_id):
    bundle = queries.bundle(public_id, actor=request.actor)
    if bundle is None:
        raise Http404
    return bundle


@private_page
@require_POST
def start_bundle(request, public_id):
    checklist = queries.checklist(public_id, actor=request.actor)
    if checklist is None:
        raise Http404
    checklist = services.adopt_checklist(checklist, actor=request.actor)
    if not request.actor.is_resident:
        return sign_in(reverse("lifeevents:checklist", args=[checklist.public_id]))
    choices = queries.bundle_choices(queries.rows(checklist, actor=request.actor))
    form = BundleChoiceForm(request.POST, choices=choices)
    if not form.is_valid():
        return render(request, "lifeevents/checklist.html", checklist_context(request, checklist, form))
    bundle = services.start_bundle(checklist, form.cleaned_data["procedures"], actor=request.actor)
    return redirect("lifeevents:bundle_page", bundle.public_id, "shared")


@private_page
def bundle_page(request, public_id, key):
    bundle = _bundle(request, public_id)
    if bundle.status != Bundle.Status.DRAFT:
        return redirect("lifeevents:bundle", bundle.public_id)
    pages, _plan = queries.bundle_pages(bundle, actor=request.actor)
    steps = queries.page_steps(pages)
    if key not in steps:
        raise Http404
    page_of = pages[steps.index(key)]
    returning = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    answers = queries.page_answers(bundle, page_of)
    page = formschema.StepPage(page_of.step, answers=answers, profile=request.actor.profile)
    if request.method == "POST":
        page = formschema.StepPage(page_of.step, answers=answers, profile=request.actor.profile, data=request.POST, files={})
        if page.is_valid():
            problems = services.save_bundle_page(bundle, page_of, page.cleaned_answers(), actor=request.actor)
            for name, message in problems:
                form = page.forms[0]
                form.add_error(name if name in form.fields else None, message)
            if not problems:
                following = steps.next(key)
                if returning or following is None:
                    return redirect("lifeevents:bundle_check", bundle.public_id)
                return redirect("lifeevents:bundle_page", bundle.public_id, following)
    previous = steps.previous(key)
    back = reverse("lifeevents:bundle_page", args=[bundle.public_id, previous]) if previous else (
        reverse("lifeevents:checklist", args=[bundle.checklist.public_id]) if bundle.checklist else reverse("lifeevents:index"))
    position, count = steps.position(key)
    return render(request, "lifeevents/bundle_page.html", {
        "bundle": bundle, "page": page, "step": page_of.step, "procedure": page_of.procedure, "position": position, "count": count,
        "form": page.errors, "returning": returning, "back": back, "is_shared": page_of.procedure is None,
        "shared_with": [tr(p.name) for p in services.bundle_procedures(bundle)] if page_of.procedure is None else [],
        "breadcrumbs": crumbs({"label": _("One-stop application")}),
    })


@private_page
def bundle_check(request, public_id):
    bundle = _bundle(request, public_id)
    if bundle.status != Bundle.Status.DRAFT:
        return redirect("lifeevents:bundle", bundle.public_id)
    pages, plan = queries.bundle_pages(bundle, actor=request.actor)
    sections, missing = queries.bundle_summary(bundle, pages, actor=request.actor)
    if missing:
        return redirect("lifeevents:bundle_page", bundle.public_id, missing)
    form = BundleDeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.submit_bundle(bundle, actor=request.actor)
        return redirect("lifeevents:bundle", bundle.public_id)
    return render(request, "lifeevents/bundle_check.html", {
        "bundle": bundle, "sections": sections, "fees": queries.bundle_fees(bundle, plan, actor=request.actor), "form": form,
        "breadcrumbs": crumbs({"label": _("Check your answers")}),
    })


@private_page
def bundle(request, public_id):
    bundle = _bundle(request, public_id)
    if bundle.status == Bundle.Status.DRAFT:
        return redirect("lifeevents:bundle_check", bundle.public_id)
    return render(request, "lifeevents/bundle.html", {
        "bundle": bundle, "parts": queries.part_statuses(bundle, actor=request.actor),
        "breadcrumbs": crumbs({"label": _("Your one-stop application")}),
    })

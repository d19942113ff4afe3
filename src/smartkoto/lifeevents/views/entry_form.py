"""One page of a pre-entry's form, for the resident (at home, in the lobby) and for counter staff correcting it."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from smartkoto.core.i18n import tr
from smartkoto.core.steps import Steps
from smartkoto.procedures import formschema

from .. import queries, services
from .crumbs import crumbs


def render_step(request, entry, step_id, *, at_counter):
    procedure = queries.entry_procedure(entry)
    all_steps = queries.entry_steps(procedure)
    steps = Steps([s["id"] for s in all_steps])
    if step_id not in steps:
        raise Http404
    step = all_steps[steps.index(step_id)]
    namespace = "lifeevents_staff:entry" if at_counter else "lifeevents:pre_entry"
    answers = queries.entry_answers(entry, step)
    profile = queries.entry_profile(entry, actor=request.actor)
    page = formschema.StepPage(step, answers=answers, profile=profile)
    returning = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    if request.method == "POST":
        page = formschema.StepPage(step, answers=answers, profile=profile, data=request.POST, files={})
        if page.is_valid():
            services.save_pre_entry_step(entry, step_id, page.cleaned_answers(), actor=request.actor, at_counter=at_counter)
            following = steps.next(step_id)
            if returning or following is None:
                return redirect("lifeevents_staff:entry" if at_counter else "lifeevents:pre_entry_check", entry.public_id)
            return redirect(f"{namespace}_step", entry.public_id, following)
    previous = steps.previous(step_id)
    position, count = steps.position(step_id)
    return render(request, "lifeevents/entry_step.html", {
        "entry": entry, "procedure": procedure, "page": page, "step": step, "position": position, "count": count,
        "form": page.errors, "returning": returning, "staff": at_counter,
        "back": reverse(f"{namespace}_step", args=[entry.public_id, previous]) if previous else None,
        "breadcrumbs": None if at_counter else crumbs({"label": tr(procedure.name)}),
    })

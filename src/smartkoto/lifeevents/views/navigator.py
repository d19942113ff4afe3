"""The life-event navigator: pick a life event, answer a few questions, get a checklist (print, keep, tick off);
the resident's own life events page."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.downloads import download
from smartkoto.core.i18n import tr
from smartkoto.procedures import formschema
from smartkoto.core.http import private_page

from .. import flow, pdf, queries, services
from ..forms import BundleChoiceForm
from ..models import PreEntry
from .crumbs import crumbs, sign_in


def _checklist(request, public_id):
    checklist = queries.checklist(public_id, actor=request.actor)
    if checklist is None:
        raise Http404
    return services.adopt_checklist(checklist, actor=request.actor)


def index(request):
    return render(request, "lifeevents/index.html", {
        "events": queries.published(actor=request.actor), "mine": queries.checklists_of(actor=request.actor)[:5],
        "breadcrumbs": crumbs()[:1] + [{"label": _("Life events")}]})


def questions(request, code):
    life_event = queries.get(code, actor=request.actor)
    if life_event is None:
        raise Http404
    step = flow.question_step(life_event)
    page = formschema.StepPage(step, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and page.is_valid():
        checklist = services.make_checklist(life_event, page.cleaned_answers(), actor=request.actor)
        return redirect("lifeevents:checklist", checklist.public_id)
    return render(request, "lifeevents/questions.html", {
        "life_event": life_event, "page": page, "step": step, "form": page.errors,
        "breadcrumbs": crumbs({"label": tr(life_event.name)}),
    })


def checklist_context(request, checklist, form=None):
    """What the checklist page shows (also when the bundle choice below it was refused)."""
    rows = queries.rows(checklist, actor=request.actor)
    choices = queries.bundle_choices(rows)
    return {
        "checklist": checklist, "life_event": checklist.life_event, "rows": rows, "can_bundle": bool(choices),
        "bundle_form": form or BundleChoiceForm(choices=choices, initial={"procedures": [c[0] for c in choices]}), "form": form,
        "signed_in": request.actor.is_resident, "done_count": sum(1 for r in rows if r.done),
        "needs_card": any(r.mode == flow.MODE_ONLINE and not r.online_ready for r in rows),
        "bundles": checklist.bundles.all() if request.actor.is_resident else [],
        "sign_in_url": reverse("identity:sign_in") + "?next=" + reverse("lifeevents:checklist", args=[checklist.public_id]),
        "breadcrumbs": crumbs({"label": tr(checklist.life_event.name), "url": reverse("lifeevents:questions", args=[checklist.life_event.code])},
                              {"label": _("Your checklist")}),
    }


@private_page
def checklist(request, public_id):
    return render(request, "lifeevents/checklist.html", checklist_context(request, _checklist(request, public_id)))


@private_page
@require_POST
def tick(request, public_id, item_id):
    checklist = _checklist(request, public_id)
    item = services.tick(checklist, item_id, request.POST.get("done") == "1", actor=request.actor)
    if item is None:
        raise Http404
    return redirect(reverse("lifeevents:checklist", args=[checklist.public_id]) + f"#item-{item.pk}")


@private_page
def checklist_pdf(request, public_id):
    checklist = _checklist(request, public_id)
    content = pdf.checklist(checklist, queries.rows(checklist, actor=request.actor))
    response = download(content, f"checklist-{checklist.life_event.code}.pdf", "application/pdf")
    return response


@private_page
def mine(request):
    if not request.actor.is_resident:
        return sign_in(request.path)
    bundles = list(queries.bundles_of(actor=request.actor))
    entries = list(queries.pre_entries_of(actor=request.actor))
    return render(request, "lifeevents/mine.html", {
        "checklists": queries.checklists_of(actor=request.actor), "bundles": bundles, "entries": entries,
        "procedure_names": {e.procedure_slug: tr(getattr(queries.entry_procedure(e), "name", {})) for e in entries},
        "fields_saved": sum(b.fields_saved for b in bundles) + sum(e.fields_saved for e in entries if e.status != PreEntry.Status.DRAFT),
        "breadcrumbs": crumbs({"label": _("My life events")}),
    })

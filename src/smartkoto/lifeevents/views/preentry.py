"""Counter pre-entry (書かない窓口): fill in a counter procedure beforehand, get a short-lived QR code for the
counter; and the one-time code a card-signed-in resident gives staff to prefill an interview."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import qr
from smartkoto.core.i18n import tr
from smartkoto.core.http import private_page

from .. import queries, services
from ..models import PreEntry
from .crumbs import crumbs, sign_in
from .entry_form import render_step

CODES = "lifeevents_codes"
"""The code itself lives only in the browser session that asked for it (the database keeps its hash)."""


def _entry(request, public_id):
    entry = queries.pre_entry(public_id, actor=request.actor)
    if entry is None:
        raise Http404
    return entry


def _keep_code(request, entry, code):
    request.session.setdefault(CODES, {})[str(entry.public_id)] = code
    request.session.modified = True


@private_page
@require_POST
def pre_entry_start(request, slug):
    procedure = queries.counter_procedure(slug, actor=request.actor)
    if procedure is None:
        raise Http404
    checklist = queries.own_checklist(request.POST.get("checklist"), actor=request.actor)
    entry = services.start_pre_entry(procedure, actor=request.actor, checklist=checklist,
                                     prefill=queries.latest_shared_answers(checklist, actor=request.actor))
    return redirect("lifeevents:pre_entry_step", entry.public_id, queries.entry_steps(procedure)[0]["id"])


@private_page
def pre_entry_step(request, public_id, step_id):
    return render_step(request, _entry(request, public_id), step_id, at_counter=False)


@private_page
def pre_entry_check(request, public_id):
    entry = _entry(request, public_id)
    procedure, steps, summary = queries.entry_summary(entry, actor=request.actor)
    missing = queries.missing_step(entry, steps)
    if missing:
        return redirect("lifeevents:pre_entry_step", entry.public_id, missing)
    if request.method == "POST":
        entry, code = services.finish_pre_entry(entry, actor=request.actor)
        _keep_code(request, entry, code)
        return redirect("lifeevents:pre_entry_code", entry.public_id)
    return render(request, "lifeevents/entry_check.html", {
        "entry": entry, "procedure": procedure, "summary": summary,
        "breadcrumbs": crumbs({"label": tr(procedure.name)}),
    })


@private_page
def pre_entry_code(request, public_id):
    """The QR code and the typed code, while they work; a new code on request."""
    entry = _entry(request, public_id)
    if entry.status == PreEntry.Status.DRAFT:
        return redirect("lifeevents:pre_entry_check", entry.public_id)
    if request.method == "POST":
        _token, code = services.issue_token(entry, actor=request.actor)
        _keep_code(request, entry, code)
        return redirect("lifeevents:pre_entry_code", entry.public_id)
    code = request.session.get(CODES, {}).get(str(entry.public_id))
    token = queries.active_token(entry, code, actor=request.actor)
    procedure = queries.entry_procedure(entry)
    return render(request, "lifeevents/entry_code.html", {
        "entry": entry, "procedure": procedure, "active": token is not None, "token": token,
        "code": services.format_code(code) if token else "", "qr": qr.svg(code) if token else "",
        "breadcrumbs": crumbs({"label": tr(procedure.name)}),
    })


@private_page
def card_code(request):
    """A resident signed in with the My Number card gives staff a one-time code to prefill an interview."""
    if not request.actor.is_resident:
        return sign_in(request.path)
    has_card = request.actor.assurance_level >= 2
    code = ""
    if request.method == "POST" and has_card:
        _token, code = services.issue_card_token(actor=request.actor)
    return render(request, "lifeevents/card_code.html", {
        "code": services.format_code(code) if code else "", "qr": qr.svg(code) if code else "",
        "has_card": has_card, "breadcrumbs": crumbs({"label": _("Code for the counter")}),
    })

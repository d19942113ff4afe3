"""Residents: pick a life event, answer a few questions, get a checklist (print, keep, tick off); send the
online parts as one bundle; pre-enter a counter procedure and get a QR code; the lobby guidance page."""

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.i18n import tr
from smartkoto.identity.views.public import qr_svg
from smartkoto.procedures import formschema
from smartkoto.procedures import queries as procedures

from .. import flow, pdf, queries, services
from ..forms import BundleChoiceForm, BundleDeclarationForm, LobbyForm
from ..models import Bundle, Checklist, CounterToken, PreEntry

GUEST_CHECKLISTS = "lifeevents_checklists"
GUEST_ENTRIES = "lifeevents_pre_entries"
CODES = "lifeevents_codes"


def _resident(user):
    return user.is_authenticated and user.kind == "resident"


def _profile(request):
    return getattr(request.user, "profile", None) if _resident(request.user) else None


def _crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("Life events"), "url": reverse("lifeevents:index")}] + list(extra)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _remember(request, key, value):
    owned = request.session.get(key, [])
    if str(value) not in owned:
        request.session[key] = owned[-19:] + [str(value)]


def _owned_checklist(request, public_id):
    checklist = Checklist.objects.select_related("life_event").filter(public_id=_uuid(public_id)).first()
    if checklist is None:
        raise Http404
    if checklist.owner_id is not None:
        if request.user.is_authenticated and request.user.pk == checklist.owner_id:
            return checklist
        raise Http404
    if str(checklist.public_id) in request.session.get(GUEST_CHECKLISTS, []):
        if _resident(request.user):
            # Made before signing in, in this browser: it now goes to the resident's page.
            Checklist.objects.filter(pk=checklist.pk, owner__isnull=True).update(owner=request.user)
            checklist.owner = request.user
        return checklist
    raise Http404


def _owned_bundle(request, public_id):
    bundle = Bundle.objects.filter(public_id=_uuid(public_id)).first()
    if bundle is None or not request.user.is_authenticated or bundle.owner_id != request.user.pk:
        raise Http404
    return bundle


def _owned_entry(request, public_id):
    entry = PreEntry.objects.filter(public_id=_uuid(public_id)).first()
    if entry is None or entry.interview_by_id is not None:
        raise Http404
    if entry.owner_id is not None:
        if request.user.is_authenticated and request.user.pk == entry.owner_id:
            return entry
        raise Http404
    if str(entry.public_id) in request.session.get(GUEST_ENTRIES, []):
        return entry
    raise Http404


# -- life events and checklists ---------------------------------------------------------------------
def index(request):
    mine = queries.checklists_of(request.user)[:5] if _resident(request.user) else []
    return render(request, "lifeevents/index.html", {"events": queries.published(), "mine": mine,
                                                     "breadcrumbs": _crumbs()[:1] + [{"label": _("Life events")}]})


def questions(request, code):
    life_event = queries.get(code)
    if life_event is None:
        raise Http404
    step = flow.question_step(life_event)
    page = formschema.StepPage(step, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and page.is_valid():
        checklist = services.make_checklist(life_event, page.cleaned_answers(), request=request)
        if checklist.owner_id is None:
            _remember(request, GUEST_CHECKLISTS, checklist.public_id)
        return redirect("lifeevents:checklist", checklist.public_id)
    return render(request, "lifeevents/questions.html", {
        "life_event": life_event, "page": page, "step": step, "form": page.errors,
        "breadcrumbs": _crumbs({"label": tr(life_event.name)}),
    })


def checklist(request, public_id):
    checklist = _owned_checklist(request, public_id)
    rows = queries.rows(checklist, request.user)
    choices = [(row.procedure.slug, tr(row.procedure.name)) for row in rows if row.online_ready and not row.done]
    form = BundleChoiceForm(choices=choices, initial={"procedures": [c[0] for c in choices]})
    return render(request, "lifeevents/checklist.html", {
        "checklist": checklist, "life_event": checklist.life_event, "rows": rows, "bundle_form": form, "can_bundle": bool(choices),
        "signed_in": _resident(request.user), "done_count": sum(1 for r in rows if r.done),
        "needs_card": any(r.mode == flow.MODE_ONLINE and not r.online_ready for r in rows),
        "bundles": checklist.bundles.all() if _resident(request.user) else [],
        "sign_in_url": reverse("identity:sign_in") + "?next=" + request.path,
        "breadcrumbs": _crumbs({"label": tr(checklist.life_event.name), "url": reverse("lifeevents:questions", args=[checklist.life_event.code])},
                               {"label": _("Your checklist")}),
    })


@require_POST
def tick(request, public_id, item_id):
    checklist = _owned_checklist(request, public_id)
    item = checklist.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    services.tick(item, request.POST.get("done") == "1", request=request)
    return redirect(reverse("lifeevents:checklist", args=[checklist.public_id]) + f"#item-{item.pk}")


def checklist_pdf(request, public_id):
    checklist = _owned_checklist(request, public_id)
    response = HttpResponse(pdf.checklist(checklist, queries.rows(checklist, request.user)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="checklist-{checklist.life_event.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def start_bundle(request, public_id):
    checklist = _owned_checklist(request, public_id)
    if not _resident(request.user):
        return redirect(reverse("identity:sign_in") + "?next=" + reverse("lifeevents:checklist", args=[checklist.public_id]))
    rows = queries.rows(checklist, request.user)
    choices = [(row.procedure.slug, tr(row.procedure.name)) for row in rows if row.online_ready and not row.done]
    form = BundleChoiceForm(request.POST, choices=choices)
    if not form.is_valid():
        return render(request, "lifeevents/checklist.html", {
            "checklist": checklist, "life_event": checklist.life_event, "rows": rows, "bundle_form": form, "form": form, "can_bundle": bool(choices),
            "signed_in": True, "done_count": sum(1 for r in rows if r.done), "bundles": checklist.bundles.all(),
            "breadcrumbs": _crumbs({"label": _("Your checklist")}),
        })
    bundle = services.start_bundle(checklist, form.cleaned_data["procedures"], request=request)
    return redirect("lifeevents:bundle_page", bundle.public_id, "shared")


# -- bundles ------------------------------------------------------------------------------------------
def _pages(bundle):
    """[(key, step, procedure or None)] in order: shared details, shared groups, then each procedure's own questions."""
    plan = flow.bundle_plan(services.bundle_procedures(bundle))
    pages = [("shared", flow.shared_step(plan), None)] if plan["shared_fields"] else []
    pages += [(f"group-{group['id']}", group, None) for group in plan["shared_groups"]]
    for part in bundle.parts.all():
        procedure = procedures.get(part.procedure_slug)
        pages += [(f"{part.procedure_slug}--{step_id}", step, procedure) for step_id, step in plan["parts"][part.procedure_slug]]
    return pages, plan


def _page_answers(bundle, key, step, procedure):
    """What the step page shows: saved answers, else what the checklist already knows."""
    shared = bundle.shared_answers
    flat = dict(shared.get("shared") or {})
    context = {"_flat": {**(bundle.checklist.answers if bundle.checklist else {}), **flat}}
    if key == "shared":
        saved = shared.get("shared")
        if saved is None and bundle.checklist:
            saved = {f["name"]: bundle.checklist.answers[f["name"]] for f in step["fields"] if bundle.checklist.answers.get(f["name"])}
        if saved is not None:
            context["shared"] = saved
    elif key.startswith("group-"):
        if step["id"] in shared:
            context[step["id"]] = shared[step["id"]]
    else:
        part = bundle.parts.get(procedure_slug=procedure.slug)
        context.update({k: v for k, v in part.answers.items()})
    return context


def bundle_page(request, public_id, key):
    bundle = _owned_bundle(request, public_id)
    if bundle.status != Bundle.Status.DRAFT:
        return redirect("lifeevents:bundle", bundle.public_id)
    pages, plan = _pages(bundle)
    keys = [p[0] for p in pages]
    if key not in keys:
        raise Http404
    index = keys.index(key)
    _key, step, procedure = pages[index]
    returning = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    answers = _page_answers(bundle, key, step, procedure)
    page = formschema.StepPage(step, answers=answers, profile=_profile(request))
    if request.method == "POST":
        page = formschema.StepPage(step, answers=answers, profile=_profile(request), data=request.POST, files={})
        if page.is_valid():
            value = page.cleaned_answers()
            problems = flow.contradictions(bundle.checklist.life_event if bundle.checklist else None,
                                           bundle.checklist.answers if bundle.checklist else {}, value, []) if key == "shared" else []
            for name, message in problems:
                form = page.forms[0]
                form.add_error(name if name in form.fields else None, message)
            if not problems:
                if key == "shared" or key.startswith("group-"):
                    services.save_shared(bundle, "shared" if key == "shared" else step["id"], value)
                else:
                    services.save_part(bundle.parts.get(procedure_slug=procedure.slug), step["id"], value)
                if returning or index + 1 >= len(keys):
                    return redirect("lifeevents:bundle_check", bundle.public_id)
                return redirect("lifeevents:bundle_page", bundle.public_id, keys[index + 1])
    back = reverse("lifeevents:bundle_page", args=[bundle.public_id, keys[index - 1]]) if index else (
        reverse("lifeevents:checklist", args=[bundle.checklist.public_id]) if bundle.checklist else reverse("lifeevents:index"))
    return render(request, "lifeevents/bundle_page.html", {
        "bundle": bundle, "page": page, "step": step, "procedure": procedure, "position": index + 1, "count": len(keys),
        "form": page.errors, "returning": returning, "back": back, "is_shared": procedure is None,
        "shared_with": [tr(p.name) for p in services.bundle_procedures(bundle)] if procedure is None else [],
        "breadcrumbs": _crumbs({"label": _("One-stop application")}),
    })


def _summary(bundle, pages):
    sections = []
    for key, step, procedure in pages:
        answers = _page_answers(bundle, key, step, procedure)
        saved = answers.get("shared" if key == "shared" else step["id"])
        if saved is None:
            return None, key
        sections.append((key, step, procedure, formschema.summary({"steps": [step]}, {step["id"]: saved})[0][1]))
    return sections, None


def bundle_check(request, public_id):
    bundle = _owned_bundle(request, public_id)
    if bundle.status != Bundle.Status.DRAFT:
        return redirect("lifeevents:bundle", bundle.public_id)
    pages, plan = _pages(bundle)
    sections, missing = _summary(bundle, pages)
    if missing:
        return redirect("lifeevents:bundle_page", bundle.public_id, missing)
    form = BundleDeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.submit_bundle(bundle, request=request)
        return redirect("lifeevents:bundle", bundle.public_id)
    fees = []
    for part in bundle.parts.all():
        procedure = procedures.get(part.procedure_slug)
        full = flow.assemble(plan["definitions"][part.procedure_slug], bundle.shared_answers, part.answers)
        fees.append((procedure, procedures.fee_for(procedure, full)))
    return render(request, "lifeevents/bundle_check.html", {
        "bundle": bundle, "sections": sections, "fees": fees, "form": form,
        "breadcrumbs": _crumbs({"label": _("Check your answers")}),
    })


def bundle(request, public_id):
    bundle = _owned_bundle(request, public_id)
    if bundle.status == Bundle.Status.DRAFT:
        return redirect("lifeevents:bundle_check", bundle.public_id)
    return render(request, "lifeevents/bundle.html", {
        "bundle": bundle, "parts": queries.part_statuses(bundle),
        "breadcrumbs": _crumbs({"label": _("Your one-stop application")}),
    })


# -- pre-entry ----------------------------------------------------------------------------------------
def _pre_entry_steps(procedure):
    definition = procedures.live_version(procedure).definition
    result = []
    for step in formschema.steps(definition):
        fields = [f for f in step["fields"] if f["type"] not in flow.SKIPPED_TYPES]
        if fields:
            result.append({**step, "fields": fields})
    return result


def entry_answers(entry, step):
    """Saved answers, else what is known already (a bundle's shared answers, the checklist)."""
    answers = {k: v for k, v in entry.answers.items() if not k.startswith("_")}
    if step["id"] not in answers:
        prefill = entry.answers.get("_prefill") or {}
        if step.get("repeat"):
            if isinstance(prefill.get(step["id"]), list):
                answers[step["id"]] = prefill[step["id"]]
        else:
            known = {**(entry.checklist.answers if entry.checklist else {}), **(prefill.get("shared") or {})}
            row = {f["name"]: known[f["name"]] for f in step["fields"] if known.get(f["name"]) not in (None, "")}
            if row:
                answers[step["id"]] = row
    return answers


@require_POST
def pre_entry_start(request, slug):
    procedure = procedures.get(slug)
    if procedure is None or procedure.is_online or procedures.live_version(procedure) is None:
        raise Http404
    checklist = None
    if request.POST.get("checklist"):
        try:
            checklist = _owned_checklist(request, request.POST["checklist"])
        except Http404:
            checklist = None
    prefill = {}
    if checklist is not None and _resident(request.user):
        sent = checklist.bundles.filter(owner=request.user).order_by("-created_at").first()
        prefill = sent.shared_answers if sent else {}
    owner = request.user if _resident(request.user) else None
    entry = services.start_pre_entry(procedure, request=request, owner=owner, checklist=checklist, prefill=prefill)
    if owner is None:
        _remember(request, GUEST_ENTRIES, entry.public_id)
    return redirect("lifeevents:pre_entry_step", entry.public_id, _pre_entry_steps(procedure)[0]["id"])


def pre_entry_step(request, public_id, step_id):
    entry = _owned_entry(request, public_id)
    return _entry_step(request, entry, step_id, staff=False)


def _entry_step(request, entry, step_id, staff):
    procedure = procedures.get(entry.procedure_slug, include_unpublished=True)
    steps = _pre_entry_steps(procedure)
    ids = [s["id"] for s in steps]
    if step_id not in ids:
        raise Http404
    step = steps[ids.index(step_id)]
    namespace = "lifeevents_staff:entry" if staff else "lifeevents:pre_entry"
    answers = entry_answers(entry, step)
    profile = None if staff else _profile(request)
    if staff and entry.owner_id and hasattr(entry.owner, "profile"):
        profile = entry.owner.profile
    page = formschema.StepPage(step, answers=answers, profile=profile)
    returning = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    if request.method == "POST":
        page = formschema.StepPage(step, answers=answers, profile=profile, data=request.POST, files={})
        if page.is_valid():
            services.save_pre_entry_step(entry, step_id, page.cleaned_answers(), request=request, staff=staff)
            index = ids.index(step_id)
            if returning or index + 1 >= len(ids):
                return redirect(f"{namespace}_check" if not staff else "lifeevents_staff:entry", entry.public_id)
            return redirect(f"{namespace}_step", entry.public_id, ids[index + 1])
    index = ids.index(step_id)
    return render(request, "lifeevents/entry_step.html", {
        "entry": entry, "procedure": procedure, "page": page, "step": step, "position": index + 1, "count": len(ids),
        "form": page.errors, "returning": returning, "staff": staff,
        "back": reverse(f"{namespace}_step", args=[entry.public_id, ids[index - 1]]) if index else None,
        "breadcrumbs": None if staff else _crumbs({"label": tr(procedure.name)}),
    })


def entry_summary(entry):
    procedure = procedures.get(entry.procedure_slug, include_unpublished=True)
    steps = _pre_entry_steps(procedure)
    answers = {k: v for k, v in entry.answers.items() if not k.startswith("_")}
    return procedure, steps, formschema.summary({"steps": steps}, answers)


def pre_entry_check(request, public_id):
    entry = _owned_entry(request, public_id)
    procedure, steps, summary = entry_summary(entry)
    missing = services.missing_step(entry, {"steps": steps})
    if missing:
        return redirect("lifeevents:pre_entry_step", entry.public_id, missing)
    if request.method == "POST":
        services.finish_pre_entry(entry, request=request)
        token, code = services.issue_token(request=request, entry=entry)
        request.session.setdefault(CODES, {})[str(entry.public_id)] = code
        request.session.modified = True
        return redirect("lifeevents:pre_entry_code", entry.public_id)
    return render(request, "lifeevents/entry_check.html", {
        "entry": entry, "procedure": procedure, "summary": summary,
        "breadcrumbs": _crumbs({"label": tr(procedure.name)}),
    })


def pre_entry_code(request, public_id):
    """The QR code and the typed code. The database keeps only a hash, so the code lives in this browser session."""
    entry = _owned_entry(request, public_id)
    if entry.status == PreEntry.Status.DRAFT:
        return redirect("lifeevents:pre_entry_check", entry.public_id)
    if request.method == "POST":
        token, code = services.issue_token(request=request, entry=entry)
        request.session.setdefault(CODES, {})[str(entry.public_id)] = code
        request.session.modified = True
        return redirect("lifeevents:pre_entry_code", entry.public_id)
    code = request.session.get(CODES, {}).get(str(entry.public_id))
    token = CounterToken.objects.filter(pre_entry=entry, token_hash=services._hash(code)).first() if code else None
    active = token is not None and token.used_at is None and token.expires_at > timezone.now()
    procedure = procedures.get(entry.procedure_slug, include_unpublished=True)
    return render(request, "lifeevents/entry_code.html", {
        "entry": entry, "procedure": procedure, "active": active, "token": token,
        "code": services.format_code(code) if active else "", "qr": qr_svg(code) if active else "",
        "breadcrumbs": _crumbs({"label": tr(procedure.name)}),
    })


def card_code(request):
    """A resident signed in with the My Number card gives staff a one-time code to prefill an interview."""
    if not _resident(request.user):
        return redirect(reverse("identity:sign_in") + "?next=" + request.path)
    code = ""
    if request.method == "POST" and _profile(request) and _profile(request).assurance_level >= 2:
        _token, code = services.issue_token(request=request, resident=request.user, minutes=10)
    return render(request, "lifeevents/card_code.html", {
        "code": services.format_code(code) if code else "", "qr": qr_svg(code) if code else "",
        "has_card": bool(_profile(request) and _profile(request).assurance_level >= 2),
        "breadcrumbs": _crumbs({"label": _("Code for the counter")}),
    })


def mine(request):
    if not _resident(request.user):
        return redirect(reverse("identity:sign_in") + "?next=" + request.path)
    bundles = list(queries.bundles_of(request.user))
    entries = list(queries.pre_entries_of(request.user))
    return render(request, "lifeevents/mine.html", {
        "checklists": queries.checklists_of(request.user), "bundles": bundles, "entries": entries,
        "procedure_names": {p.procedure_slug: tr(getattr(procedures.get(p.procedure_slug, include_unpublished=True), "name", {})) for p in entries},
        "fields_saved": sum(b.fields_saved for b in bundles) + sum(e.fields_saved for e in entries if e.status != PreEntry.Status.DRAFT),
        "breadcrumbs": _crumbs({"label": _("My life events")}),
    })


# -- lobby guidance -----------------------------------------------------------------------------------
def lobby(request):
    routes = list(queries.lobby_routes())
    choices = [(r.code, tr(r.label)) for r in routes]
    asked = "ask" in request.GET
    form = LobbyForm(request.GET if asked else None, choices=choices)
    result = None
    if asked and form.is_valid():
        result = next(r for r in routes if r.code == form.cleaned_data["route"])
    return render(request, "lifeevents/lobby.html", {
        "form": form, "result": result, "pre_entered": form.cleaned_data.get("pre_entered") if result else None,
        "pre_entry_procedure": procedures.get(result.pre_entry_slug) if result and result.pre_entry_slug else None,
        "breadcrumbs": _crumbs({"label": _("Which counter do I go to?")}),
    })

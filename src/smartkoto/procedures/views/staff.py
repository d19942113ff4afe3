"""The low-code builder (取組9): department staff edit procedures and their forms without code.

Who may read and who may edit is `permissions.py`: pages are read (GET) by whoever may read the
procedure; every change (POST) is checked by the policy and again by the service. Every change goes to
the draft version; residents keep seeing the live version until the draft is published.
"""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from smartkoto.core import downloads
from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

from .. import queries, services
from ..formschema import DefinitionError, StepPage, step_by_id, steps
from ..forms import DeclarationForm, FieldForm, ImportForm, ProcedureForm, StepForm
from ..models import FormVersion, Procedure
from ..permissions import buildable_department_codes, policy


def _crumbs(procedure=None, *extra):
    crumbs = [{"label": _("Staff home"), "url": reverse("core_staff:home")}, {"label": _("Procedures and forms"), "url": reverse("procedures_staff:list")}]
    if procedure:
        crumbs.append({"label": tr(procedure.name), "url": reverse("procedures_staff:builder", args=[procedure.slug])})
    return crumbs + list(extra)


def _procedure(request, slug, action="form.edit", read="procedure.read_staff"):
    """The procedure for a builder page: read by whoever may `read` it; a POST must also be allowed `action`."""
    procedure = queries.staff_procedure(slug, actor=request.actor, action=read)
    if procedure is None:
        raise Http404
    if request.method == "POST":
        policy.check(request.actor, action, procedure)
    return procedure


def _departments(actor):
    codes = buildable_department_codes(actor)
    found = municipality.departments().order_by("code")
    return found if codes is None else found.filter(code__in=codes)


def procedure_list(request):
    rows = [{"procedure": p, "live": live, "draft": draft, "can_edit": policy.can(request.actor, "form.edit", p)}
            for p, live, draft in queries.builder_list(actor=request.actor)]
    return render(request, "procedures/staff/list.html", {
        "rows": rows, "can_create": policy.can(request.actor, "procedure.create_somewhere"),
        "breadcrumbs": _crumbs()[:1] + [{"label": _("Procedures and forms")}]})


def _initial(procedure):
    return {
        "slug": procedure.slug, "department": procedure.department.code,
        "name_ja": procedure.name.get("ja", ""), "name_en": procedure.name.get("en", ""), "name_easy": procedure.name.get("ja-easy", ""),
        "summary_ja": procedure.summary.get("ja", ""), "summary_en": procedure.summary.get("en", ""),
        "eligibility_ja": procedure.eligibility.get("ja", ""), "eligibility_en": procedure.eligibility.get("en", ""),
        "requirements_ja": procedure.requirements.get("ja", ""), "requirements_en": procedure.requirements.get("en", ""),
        "legal_basis_ja": procedure.legal_basis.get("ja", ""), "legal_basis_en": procedure.legal_basis.get("en", ""),
        "channel": procedure.channel, "reason_ja": (procedure.offline_legal_reason or {}).get("ja", ""),
        "reason_en": (procedure.offline_legal_reason or {}).get("en", ""), "assurance_level": procedure.assurance_level,
        "fee_kind": procedure.fee_kind, "fee_amount": procedure.fee_amount, "fee_field": procedure.fee_field,
        "fee_options": "\n".join(f"{k}={v}" for k, v in (procedure.fee_options or {}).items()), "fee_timing": procedure.fee_timing,
        "processing_days": procedure.processing_days, "life_events": procedure.life_events, "keywords": procedure.keywords,
        "published": procedure.published,
    }


def _pair(data, key, easy=None):
    value = {"ja": data.get(f"{key}_ja", ""), "en": data.get(f"{key}_en", "")}
    if easy:
        value["ja-easy"] = easy
    return value if any(value.values()) else {}


def procedure_edit(request, slug=None):
    if slug:
        procedure = _procedure(request, slug, "procedure.change")
    else:
        procedure = None
        policy.check(request.actor, "procedure.create_somewhere" if request.method == "POST" else "builder.open")
    departments = _departments(request.actor)
    initial = _initial(procedure) if procedure else {"channel": "online", "assurance_level": 1, "fee_kind": "none", "fee_amount": 0, "fee_timing": "at_submission", "processing_days": 7, "published": False}
    form = ProcedureForm(request.POST or None, initial=initial, departments=departments, editing=bool(procedure))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not procedure and Procedure.objects.filter(slug=data["slug"]).exists():
            form.add_error("slug", _("This identifier is already used by another procedure."))
        else:
            target = procedure or Procedure(slug=data["slug"])
            target.department = departments.get(code=data["department"])
            target.name = _pair(data, "name", data.get("name_easy"))
            target.summary = _pair(data, "summary")
            target.eligibility = _pair(data, "eligibility")
            target.requirements = _pair(data, "requirements")
            target.legal_basis = _pair(data, "legal_basis")
            target.channel = data["channel"]
            target.offline_legal_reason = _pair(data, "reason")
            for key in ("assurance_level", "fee_kind", "fee_amount", "fee_field", "fee_options", "fee_timing", "processing_days", "life_events", "keywords", "published"):
                setattr(target, key, data[key])
            services.save_procedure(target, actor=request.actor)
            messages.success(request, _("The procedure was saved."))
            return redirect("procedures_staff:builder", target.slug)
    title = tr(procedure.name) if procedure else _("New procedure")
    return render(request, "procedures/staff/procedure_form.html", {
        "form": form, "procedure": procedure, "title": title,
        "can_edit": policy.can(request.actor, "procedure.change", procedure) if procedure else policy.can(request.actor, "procedure.create_somewhere"),
        "breadcrumbs": _crumbs(procedure, {"label": _("Details") if procedure else _("New procedure")}),
    })


def form_builder(request, slug):
    procedure = _procedure(request, slug)
    draft = procedure.draft_version()
    live = procedure.live_version()
    step_form = StepForm(prefix="step")
    declaration_form = DeclarationForm(prefix="decl", initial={
        "declaration_ja": ((draft or live).definition.get("declaration") or {}).get("ja", "") if (draft or live) else "",
        "declaration_en": ((draft or live).definition.get("declaration") or {}).get("en", "") if (draft or live) else "",
    })
    import_form = ImportForm(prefix="import")
    problem = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add_step":
                step_form = StepForm(request.POST, prefix="step")
                if step_form.is_valid():
                    data = step_form.cleaned_data
                    current = (draft or live).definition if (draft or live) else {"steps": []}
                    if step_by_id(current, data["step_id"]):
                        step_form.add_error("step_id", _("A step with this identifier already exists."))
                    else:
                        step = {"id": data["step_id"], "title": {"ja": data["title_ja"], "en": data["title_en"]}, "fields": []}
                        if data["repeatable"]:
                            step["repeat"] = {"min": 1, "max": data.get("repeat_max") or 6}
                        services.add_step(procedure, step, actor=request.actor)
                        messages.success(request, _("The step was added. Now add its questions."))
                        return redirect("procedures_staff:builder", slug)
            elif action == "declaration":
                declaration_form = DeclarationForm(request.POST, prefix="decl")
                if declaration_form.is_valid():
                    services.set_declaration(procedure, {"ja": declaration_form.cleaned_data["declaration_ja"], "en": declaration_form.cleaned_data["declaration_en"]}, actor=request.actor)
                    messages.success(request, _("The declaration was saved in the draft."))
                    return redirect("procedures_staff:builder", slug)
            elif action in ("remove_step", "remove_field", "up", "down"):
                step_id, field_name = request.POST.get("step", ""), request.POST.get("field") or None
                if action.startswith("remove"):
                    services.remove(procedure, step_id=step_id, field_name=field_name if action == "remove_field" else None, actor=request.actor)
                else:
                    services.move(procedure, step_id=step_id, field_name=field_name, offset=-1 if action == "up" else 1, actor=request.actor)
                return redirect("procedures_staff:builder", slug)
        except DefinitionError as exc:
            problem = str(exc)
    draft = procedure.draft_version()
    shown = draft or live
    return render(request, "procedures/staff/builder.html", {
        "procedure": procedure, "draft": draft, "live": live, "definition": shown.definition if shown else {"steps": []},
        "step_form": step_form, "declaration_form": declaration_form, "import_form": import_form, "problem": problem,
        "form": step_form if step_form.is_bound else declaration_form, "can_edit": policy.can(request.actor, "form.edit", procedure),
        "breadcrumbs": _crumbs(procedure)[:-1] + [{"label": tr(procedure.name)}],
    })


def field_add(request, slug):
    """Add a question to the draft, or change one (?field=<name>)."""
    procedure = _procedure(request, slug)
    draft = procedure.draft_version() or procedure.live_version()
    definition = draft.definition if draft else {"steps": []}
    if not definition.get("steps"):
        messages.error(request, _("Add a step first."))
        return redirect("procedures_staff:builder", slug)
    editing = request.GET.get("field") or request.POST.get("editing") or ""
    existing_step, existing = next(((s["id"], f) for s in definition["steps"] for f in s["fields"] if f["name"] == editing), (None, None))
    if editing and existing is None:
        raise Http404
    initial = FieldForm.initial_from(existing_step, existing) if existing else {"step": request.GET.get("step", ""), "required": True}
    form = FieldForm(request.POST or None, definition=definition, initial=initial)
    if request.method == "POST" and form.is_valid():
        taken = {f["name"] for s in definition["steps"] for f in s["fields"]} | {s["id"] for s in definition["steps"]}
        taken.discard(editing)
        if form.cleaned_data["name"] in taken:
            form.add_error("name", _("A question or step with this identifier already exists."))
        else:
            try:
                if existing:
                    services.replace_field(procedure, form.cleaned_data["step"], editing, form.to_field(), actor=request.actor)
                else:
                    services.add_field(procedure, form.cleaned_data["step"], form.to_field(), actor=request.actor)
            except DefinitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The question was changed in the draft.") if existing else _("The question was added to the draft."))
                return redirect("procedures_staff:builder", slug)
    title = _("Change a question") if existing else _("Add a question")
    return render(request, "procedures/staff/field_form.html", {
        "procedure": procedure, "form": form, "editing": editing if existing else "", "title": title,
        "breadcrumbs": _crumbs(procedure, {"label": title}),
    })


def preview(request, slug):
    """The draft as a resident sees it, one step per page. Nothing is saved (answers stay in the session)."""
    procedure = _procedure(request, slug, "procedure.read_staff")
    version = procedure.draft_version() or procedure.live_version()
    if version is None or not steps(version.definition):
        messages.error(request, _("The form has no steps yet."))
        return redirect("procedures_staff:builder", slug)
    all_steps = steps(version.definition)
    ids = [s["id"] for s in all_steps]
    current = request.GET.get("step") if request.GET.get("step") in ids else ids[0]
    step = step_by_id(version.definition, current)
    answers = request.session.get(f"preview-{procedure.pk}", {}) if request.GET.get("step") else {}
    page = StepPage(step, answers=answers)
    valid = None
    if request.method == "POST":
        page = StepPage(step, answers=answers, data=request.POST, files=request.FILES)
        if page.is_valid():
            answers[current] = page.cleaned_answers()
            request.session[f"preview-{procedure.pk}"] = answers
            index = ids.index(current)
            if index + 1 < len(ids):
                return redirect(reverse("procedures_staff:preview", args=[slug]) + f"?step={ids[index + 1]}")
            valid = True
    return render(request, "procedures/staff/preview.html", {
        "procedure": procedure, "version": version, "page": page, "step": step, "position": ids.index(current) + 1, "count": len(ids),
        "valid": valid, "form": page.errors, "declaration": version.definition.get("declaration"),
        "breadcrumbs": _crumbs(procedure, {"label": _("Preview")}),
    })


@require_POST
def publish(request, slug):
    procedure = _procedure(request, slug, "form.publish")
    try:
        version = services.publish(procedure, actor=request.actor)
    except DefinitionError as exc:
        messages.error(request, _("The draft cannot be published: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("Version %(n)s is now live. Applications already started keep the version they began with.") % {"n": version.number})
    return redirect("procedures_staff:builder", slug)


@require_safe
def versions(request, slug):
    procedure = _procedure(request, slug, read="version.read")
    return render(request, "procedures/staff/versions.html", {
        "procedure": procedure, "versions": procedure.versions.order_by("-number"), "live": procedure.live_version(),
        "breadcrumbs": _crumbs(procedure, {"label": _("Versions")}),
    })


@require_safe
def version_detail(request, slug, number):
    procedure = _procedure(request, slug, read="version.read")
    version = FormVersion.objects.filter(procedure=procedure, number=number).first()
    if version is None:
        raise Http404
    return render(request, "procedures/staff/version.html", {
        "procedure": procedure, "version": version, "definition": version.definition,
        "breadcrumbs": _crumbs(procedure, {"label": _("Version %(n)s") % {"n": number}}),
    })


@require_safe
def export(request, slug):
    procedure = _procedure(request, slug)
    body = json.dumps(services.export(procedure, actor=request.actor), ensure_ascii=False, indent=2)
    return downloads.download(body, f"{procedure.slug}.json", "application/json; charset=utf-8")


@require_POST
def import_file(request, slug):
    procedure = _procedure(request, slug, "form.import")
    form = ImportForm(request.POST, request.FILES, prefix="import")
    if form.is_valid():
        try:
            services.import_form(procedure, form.cleaned_data["file"].read(), actor=request.actor)
        except DefinitionError as exc:
            messages.error(request, _("The file was not imported: %(reason)s") % {"reason": exc})
        else:
            messages.success(request, _("The form was imported into the draft. Check it in the preview, then publish."))
    else:
        messages.error(request, _("Choose an exported procedure file (JSON) up to 1 MB."))
    return redirect("procedures_staff:builder", slug)

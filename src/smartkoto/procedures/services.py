"""Writes to the catalog: procedures, drafts of their forms, publishing, import and export. Each is audited."""

import copy
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core import audit, text
from smartkoto.core.i18n import tr

from .formschema import DefinitionError, validate_definition
from .models import FormVersion, Procedure

EXPORT_FORMAT = "smartkoto-procedure/1"


def compute_search_key(procedure):
    parts = []
    for value in (procedure.name, procedure.summary, procedure.department.name if procedure.department_id else None):
        if isinstance(value, dict):
            parts.extend(v for v in value.values() if v)
    parts.append(procedure.keywords or "")
    return text.search_key(*parts)


def save_procedure(procedure, *, request=None, user=None):
    created = procedure.pk is None
    procedure.search_key = compute_search_key(procedure)
    with transaction.atomic():
        procedure.save()
        audit.record("procedures.created" if created else "procedures.updated", request=request, user=user, target=procedure,
                     department_code=procedure.department.code, detail={"slug": procedure.slug})
    return procedure


def ensure_draft(procedure, *, user=None):
    """The one draft of this procedure's form, started from the live version when there is none."""
    draft = procedure.draft_version()
    if draft:
        return draft
    live = procedure.live_version()
    definition = copy.deepcopy(live.definition) if live else {"schema": 1, "steps": [], "declaration": {}}
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return FormVersion.objects.create(procedure=procedure, number=number, definition=definition, created_by=user)


def save_draft(procedure, definition, *, request=None, user=None, check=False):
    """Replace the draft's definition. A draft never changes what residents see."""
    if check:
        validate_definition(definition)
    with transaction.atomic():
        draft = ensure_draft(procedure, user=user or getattr(request, "user", None))
        draft.definition = definition
        draft.save(update_fields=["definition"])
        audit.record("procedures.form_draft_saved", request=request, user=user, target=draft,
                     department_code=procedure.department.code, detail={"version": draft.number})
    return draft


def publish(procedure, *, request=None, user=None):
    """Publish the draft as the new live version. Published versions are never edited afterwards."""
    with transaction.atomic():
        draft = FormVersion.objects.select_for_update().filter(procedure=procedure, status=FormVersion.Status.DRAFT).first()
        if draft is None:
            raise DefinitionError(_("There is no draft to publish."))
        validate_definition(draft.definition)
        draft.status = FormVersion.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.published_by = user or getattr(request, "user", None)
        draft.save()
        audit.record("procedures.form_published", request=request, user=user, target=draft,
                     department_code=procedure.department.code, detail={"version": draft.number})
    return draft


def create_published(procedure, definition, *, user=None):
    """Used by demo data and imports: a procedure's form as a published version in one go."""
    validate_definition(definition)
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return FormVersion.objects.create(procedure=procedure, number=number, definition=definition, status=FormVersion.Status.PUBLISHED,
                                      published_at=timezone.now(), created_by=user, published_by=user)


# -- builder operations on the draft (staff, no code) ----------------------------------------------
def add_step(procedure, step, *, request):
    draft = ensure_draft(procedure, user=request.user)
    definition = copy.deepcopy(draft.definition)
    definition.setdefault("steps", []).append(step)
    return save_draft(procedure, definition, request=request)


def add_field(procedure, step_id, field, *, request):
    draft = ensure_draft(procedure, user=request.user)
    definition = copy.deepcopy(draft.definition)
    for step in definition["steps"]:
        if step["id"] == step_id:
            step["fields"].append(field)
            break
    else:
        raise DefinitionError(_("No such step."))
    return save_draft(procedure, definition, request=request)


def replace_field(procedure, step_id, old_name, field, *, request):
    """Change one question in the draft (it may also move to another step)."""
    draft = ensure_draft(procedure, user=request.user)
    definition = copy.deepcopy(draft.definition)
    for step in definition["steps"]:
        for index, existing in enumerate(step["fields"]):
            if existing["name"] == old_name:
                if step["id"] == step_id:
                    step["fields"][index] = field
                else:
                    step["fields"].pop(index)
                    next(s for s in definition["steps"] if s["id"] == step_id)["fields"].append(field)
                return save_draft(procedure, definition, request=request, check=True)
    raise DefinitionError(_("No such question."))


def remove(procedure, *, step_id, field_name=None, request):
    draft = ensure_draft(procedure, user=request.user)
    definition = copy.deepcopy(draft.definition)
    if field_name:
        for step in definition["steps"]:
            step["fields"] = [f for f in step["fields"] if f["name"] != field_name]
    else:
        definition["steps"] = [s for s in definition["steps"] if s["id"] != step_id]
    return save_draft(procedure, definition, request=request)


def move(procedure, *, step_id, field_name=None, offset=1, request):
    draft = ensure_draft(procedure, user=request.user)
    definition = copy.deepcopy(draft.definition)
    items = definition["steps"]
    key = "id"
    match = step_id
    if field_name:
        items = next(s for s in definition["steps"] if s["id"] == step_id)["fields"]
        key, match = "name", field_name
    index = next((i for i, item in enumerate(items) if item[key] == match), None)
    if index is not None and 0 <= index + offset < len(items):
        items[index], items[index + offset] = items[index + offset], items[index]
    return save_draft(procedure, definition, request=request)


def set_declaration(procedure, declaration, *, request):
    draft = ensure_draft(procedure, user=request.user)
    definition = copy.deepcopy(draft.definition)
    definition["declaration"] = declaration
    return save_draft(procedure, definition, request=request)


# -- files -------------------------------------------------------------------------------------------
PROCEDURE_FIELDS = ("name", "summary", "eligibility", "requirements", "legal_basis", "channel", "offline_legal_reason",
                    "assurance_level", "fee_kind", "fee_amount", "fee_field", "fee_options", "fee_timing", "processing_days",
                    "life_events", "keywords")


def export(procedure, version=None):
    """A procedure and one version of its form as a JSON document another installation can import."""
    version = version or procedure.draft_version() or procedure.live_version()
    return {
        "format": EXPORT_FORMAT,
        "procedure": {"slug": procedure.slug, "department": procedure.department.code,
                      **{name: getattr(procedure, name) for name in PROCEDURE_FIELDS}},
        "form": {"version": version.number if version else None, "definition": version.definition if version else None},
    }


def import_form(procedure, raw, *, request):
    """Load an exported file's form into this procedure's draft (never straight to live)."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DefinitionError(_("The file is not JSON.")) from exc
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise DefinitionError(_("The file is not a Smart KOTO procedure export."))
    definition = (document.get("form") or {}).get("definition")
    validate_definition(definition)
    draft = save_draft(procedure, definition, request=request)
    audit.record("procedures.form_imported", request=request, target=draft, department_code=procedure.department.code,
                 detail={"version": draft.number, "source": tr(document["procedure"].get("name"))[:80]})
    return draft

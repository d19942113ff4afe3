"""Writes to the catalog: procedures, drafts of their forms, publishing, import and export.

Each takes the acting `actor=`, checks `permissions.policy` first and is audited. A version's status
changes only through `workflow.FORM_VERSION`.
"""

import copy
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core import audit
from smartkoto.core.i18n import tr
from smartkoto.core.workflow import STAFF, SYSTEM

from .formschema import DefinitionError, check_shape, validate_definition
from .models import FormVersion, Procedure
from .permissions import policy
from .workflow import FORM_VERSION

EXPORT_FORMAT = "smartkoto-procedure/1"


def _staff_user(actor):
    return actor.user if actor.is_staff else None


def save_procedure(procedure, *, actor):
    """Create or change a procedure's facts (the caller has set its fields, department included)."""
    created = procedure.pk is None
    if created:
        policy.check(actor, "procedure.create", procedure)
    else:
        previous = Procedure.objects.select_related("department").get(pk=procedure.pk)
        policy.check(actor, "procedure.change", previous)
        if previous.department_id != procedure.department_id:
            policy.check(actor, "procedure.create", procedure)  # moving it: may build in the new department too
    procedure.search_key = procedure.make_search_key()
    with transaction.atomic():
        procedure.save()
        audit.record("procedures.created" if created else "procedures.updated", actor=actor, target=procedure,
                     department_code=procedure.department.code, detail={"slug": procedure.slug})
    return procedure


def _ensure_draft(procedure, actor):
    """The one draft of this procedure's form, started from the live version when there is none."""
    draft = procedure.draft_version()
    if draft:
        return draft
    live = procedure.live_version()
    definition = copy.deepcopy(live.definition) if live else {"schema": 1, "steps": [], "declaration": {}}
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return FormVersion.objects.create(procedure=procedure, number=number, definition=definition, created_by=_staff_user(actor))


def save_draft(procedure, definition, *, actor, check=False):
    """Replace the draft's definition. A draft never changes what residents see."""
    policy.check(actor, "form.edit", procedure)
    if check:
        validate_definition(definition)
    else:  # a draft in the builder may be unfinished (a step without questions yet), never malformed
        if not isinstance(definition, dict):
            raise DefinitionError(_("The form needs at least one step."))
        check_shape(definition)
    with transaction.atomic():
        draft = _ensure_draft(procedure, actor)
        draft.definition = definition
        draft.save(update_fields=["definition"])
        audit.record("procedures.form_draft_saved", actor=actor, target=draft,
                     department_code=procedure.department.code, detail={"version": draft.number})
    return draft


def publish(procedure, *, actor):
    """Publish the draft as the new live version. Published versions are never edited afterwards."""
    policy.check(actor, "form.publish", procedure)
    with transaction.atomic():
        draft = FormVersion.objects.select_for_update().filter(procedure=procedure, status=FormVersion.Status.DRAFT).first()
        if draft is None:
            raise DefinitionError(_("There is no draft to publish."))
        validate_definition(draft.definition)
        FORM_VERSION.apply(draft, FormVersion.Status.PUBLISHED, by=SYSTEM if actor.is_system else STAFF)
        draft.published_at = timezone.now()
        draft.published_by = _staff_user(actor)
        draft.save()
        audit.record("procedures.form_published", actor=actor, target=draft,
                     department_code=procedure.department.code, detail={"version": draft.number})
    return draft


def create_published(procedure, definition, *, actor):
    """Used by demo data and imports: a procedure's form as a published version in one go (a draft, then
    published through the workflow)."""
    policy.check(actor, "form.publish", procedure)
    validate_definition(definition)
    with transaction.atomic():
        number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = FormVersion(procedure=procedure, number=number, definition=definition, created_by=_staff_user(actor))
        FORM_VERSION.apply(version, FormVersion.Status.PUBLISHED, by=SYSTEM if actor.is_system else STAFF)
        version.published_at = timezone.now()
        version.published_by = _staff_user(actor)
        version.save()
    return version


# -- builder operations on the draft (staff, no code) ----------------------------------------------
def _current_definition(procedure, actor):
    """What the next draft starts from: the draft, else the live version (checked before anything is made)."""
    policy.check(actor, "form.edit", procedure)
    draft = procedure.draft_version() or procedure.live_version()
    return draft.definition if draft else {"schema": 1, "steps": [], "declaration": {}}


def add_step(procedure, step, *, actor):
    definition = copy.deepcopy(_current_definition(procedure, actor))
    definition.setdefault("steps", []).append(step)
    return save_draft(procedure, definition, actor=actor)


def add_field(procedure, step_id, field, *, actor):
    definition = copy.deepcopy(_current_definition(procedure, actor))
    for step in definition["steps"]:
        if step["id"] == step_id:
            step["fields"].append(field)
            break
    else:
        raise DefinitionError(_("No such step."))
    return save_draft(procedure, definition, actor=actor)


def replace_field(procedure, step_id, old_name, field, *, actor):
    """Change one question in the draft (it may also move to another step)."""
    definition = copy.deepcopy(_current_definition(procedure, actor))
    for step in definition["steps"]:
        for index, existing in enumerate(step["fields"]):
            if existing["name"] == old_name:
                if step["id"] == step_id:
                    step["fields"][index] = field
                else:
                    step["fields"].pop(index)
                    next(s for s in definition["steps"] if s["id"] == step_id)["fields"].append(field)
                return save_draft(procedure, definition, actor=actor, check=True)
    raise DefinitionError(_("No such question."))


def remove(procedure, *, step_id, field_name=None, actor):
    definition = copy.deepcopy(_current_definition(procedure, actor))
    if field_name:
        for step in definition["steps"]:
            step["fields"] = [f for f in step["fields"] if f["name"] != field_name]
    else:
        definition["steps"] = [s for s in definition["steps"] if s["id"] != step_id]
    return save_draft(procedure, definition, actor=actor)


def move(procedure, *, step_id, field_name=None, offset=1, actor):
    definition = copy.deepcopy(_current_definition(procedure, actor))
    items = definition["steps"]
    key = "id"
    match = step_id
    if field_name:
        items = next(s for s in definition["steps"] if s["id"] == step_id)["fields"]
        key, match = "name", field_name
    index = next((i for i, item in enumerate(items) if item[key] == match), None)
    if index is not None and 0 <= index + offset < len(items):
        items[index], items[index + offset] = items[index + offset], items[index]
    return save_draft(procedure, definition, actor=actor)


def set_declaration(procedure, declaration, *, actor):
    definition = copy.deepcopy(_current_definition(procedure, actor))
    definition["declaration"] = declaration
    return save_draft(procedure, definition, actor=actor)


# -- files -------------------------------------------------------------------------------------------
PROCEDURE_FIELDS = ("name", "summary", "eligibility", "requirements", "legal_basis", "channel", "offline_legal_reason",
                    "assurance_level", "fee_kind", "fee_amount", "fee_field", "fee_options", "fee_timing", "processing_days",
                    "life_events", "keywords")


def export(procedure, version=None, *, actor):
    """A procedure and one version of its form as a JSON document another installation can import."""
    policy.check(actor, "procedure.read_staff", procedure)
    version = version or procedure.draft_version() or procedure.live_version()
    return {
        "format": EXPORT_FORMAT,
        "procedure": {"slug": procedure.slug, "department": procedure.department.code,
                      **{name: getattr(procedure, name) for name in PROCEDURE_FIELDS}},
        "form": {"version": version.number if version else None, "definition": version.definition if version else None},
    }


def import_form(procedure, raw, *, actor):
    """Load an exported file's form into this procedure's draft (never straight to live)."""
    policy.check(actor, "form.import", procedure)
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise DefinitionError(_("The file is not JSON.")) from exc
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT or not isinstance(document.get("form"), dict):
        raise DefinitionError(_("The file is not a Smart KOTO procedure export."))
    source = document.get("procedure") if isinstance(document.get("procedure"), dict) else {}
    name = source.get("name")
    source_name = tr(name)[:80] if isinstance(name, str) or (isinstance(name, dict) and all(isinstance(v, str) for v in name.values())) else ""
    definition = document["form"].get("definition")
    validate_definition(definition)  # everything checked before anything is saved
    with transaction.atomic():
        draft = save_draft(procedure, definition, actor=actor)
        audit.record("procedures.form_imported", actor=actor, target=draft, department_code=procedure.department.code,
                     detail={"version": draft.number, "source": source_name})
    return draft

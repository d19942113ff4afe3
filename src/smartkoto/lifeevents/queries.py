"""Reads: life events, checklist rows ready to show or print, the pages of a bundle and of a pre-entry, bundles
with their parts' status, and the "fields saved from writing again" measure for the plan's dashboard.

Every function takes `actor=`. Life-event content and the measure are public; a resident's checklists,
bundles and pre-entries are checked against `permissions.policy` (a refusal raises `Forbidden`, answered 403).
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from smartkoto.applications import queries as applications
from smartkoto.core import audit
from smartkoto.core.i18n import tr
from smartkoto.core.steps import Steps
from smartkoto.municipality import queries as municipality
from smartkoto.procedures import formschema
from smartkoto.procedures import queries as procedures

from . import flow
from .models import Bundle, BundlePart, Checklist, CounterToken, LifeEvent, LobbyRoute, PreEntry
from .permissions import policy


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# -- life events (public content) ---------------------------------------------------------------------
def published(*, actor=None):
    return LifeEvent.objects.filter(published=True)


def get(code, *, actor=None):
    return published().filter(code=code).prefetch_related("questions", "rules").first()


def lobby_routes(*, actor=None):
    return LobbyRoute.objects.all()


def lobby_route(code, *, actor=None):
    return LobbyRoute.objects.filter(code=code).first()


def measure(*, actor=None):
    """For the plan's dashboard: bundles and pre-entries sent and the fields residents did not write again."""
    bundles = Bundle.objects.filter(status=Bundle.Status.SUBMITTED).aggregate(count=Count("pk"), saved=Sum("fields_saved"))
    entries = PreEntry.objects.exclude(status=PreEntry.Status.DRAFT).aggregate(count=Count("pk"), saved=Sum("fields_saved"))
    return {"bundles": bundles["count"], "bundle_fields_saved": bundles["saved"] or 0,
            "pre_entries": entries["count"], "pre_entry_fields_saved": entries["saved"] or 0,
            "fields_saved": (bundles["saved"] or 0) + (entries["saved"] or 0)}


# -- checklists -----------------------------------------------------------------------------------------
@dataclass
class Row:
    item: object
    procedure: object
    mode: str
    due_on: object = None
    deadline_note: dict = field(default_factory=dict)
    bring: dict = field(default_factory=dict)
    when: dict = field(default_factory=dict)
    offices: list = field(default_factory=list)
    fee: int = 0
    fee_per_copy: bool = False
    online_ready: bool = False

    @property
    def done(self):
        return self.item.done_at is not None


def checklist(public_id, *, actor):
    """A checklist the actor owns (None when there is none; `Forbidden` when it is someone else's)."""
    key = _uuid(public_id)
    found = Checklist.objects.select_related("life_event").filter(public_id=key).first() if key else None
    if found is not None:
        policy.check(actor, "checklist.view", found)
    return found


def own_checklist(public_id, *, actor):
    """The actor's own checklist named in a form, or None (never a refusal: a pre-entry then starts empty)."""
    key = _uuid(public_id) if public_id else None
    found = Checklist.objects.select_related("life_event").filter(public_id=key).first() if key else None
    return found if found is not None and policy.can(actor, "checklist.view", found) else None


def rows(checklist, *, actor):
    """Checklist items with how, deadline, what to bring, where and when, and the fee."""
    policy.check(actor, "checklist.view", checklist)
    level = actor.assurance_level
    result = []
    for item in checklist.items.select_related("rule").all():
        procedure = procedures.get(item.procedure_slug)
        if procedure is None:
            continue
        rule = item.rule
        offices = [o for o in (municipality.office(code) for code in (rule.where_offices.split() if rule else [])) if o]
        mode = flow.mode_of(procedure)
        result.append(Row(
            item=item, procedure=procedure, mode=mode, due_on=item.due_on,
            deadline_note=rule.deadline_note if rule else {}, bring=rule.bring if rule else {}, when=rule.when if rule else {},
            offices=offices, fee=procedures.fee_for(procedure, {}), fee_per_copy=procedure.fee_kind == "per_copy",
            online_ready=mode == flow.MODE_ONLINE and level >= procedure.assurance_level
            and not any(f.get("required") for _s, f in formschema.all_fields(procedures.live_version(procedure).definition) if f["type"] == "file"),
        ))
    return result


def bundle_choices(rows):
    """(slug, name) of the procedures a bundle can carry: online now and not done yet."""
    return [(row.procedure.slug, tr(row.procedure.name)) for row in rows if row.online_ready and not row.done]


def checklists_of(*, actor):
    if not policy.can(actor, "checklist.list_own"):
        return Checklist.objects.none()
    return Checklist.objects.filter(owner=actor.user).select_related("life_event")


def bundles_of(*, actor):
    if not policy.can(actor, "checklist.list_own"):
        return Bundle.objects.none()
    return Bundle.objects.filter(owner=actor.user).prefetch_related("parts")


def pre_entries_of(*, actor):
    if not policy.can(actor, "checklist.list_own"):
        return PreEntry.objects.none()
    return PreEntry.objects.filter(owner=actor.user)


def latest_shared_answers(checklist, *, actor):
    """The shared answers of the resident's latest bundle from this checklist: a pre-entry starts from them."""
    if checklist is None or not actor.is_resident:
        return {}
    sent = checklist.bundles.filter(owner=actor.user).order_by("-created_at").first()
    return sent.shared_answers if sent else {}


# -- bundles ------------------------------------------------------------------------------------------
def bundle(public_id, *, actor):
    """The actor's own bundle (None when there is none; `Forbidden` when it is someone else's)."""
    key = _uuid(public_id)
    found = Bundle.objects.select_related("checklist", "checklist__life_event").filter(public_id=key).first() if key else None
    if found is not None:
        policy.check(actor, "bundle.view", found)
    return found


@dataclass
class BundlePage:
    key: str
    step: dict
    procedure: object = None


def bundle_pages(bundle, *, actor):
    """(pages, plan): the pages in order — shared details, shared groups, then each procedure's own questions."""
    policy.check(actor, "bundle.view", bundle)
    plan = flow.bundle_plan([procedures.get(part.procedure_slug) for part in bundle.parts.all()])
    pages = [BundlePage("shared", flow.shared_step(plan))] if plan["shared_fields"] else []
    pages += [BundlePage(f"group-{group['id']}", group) for group in plan["shared_groups"]]
    for part in bundle.parts.all():
        procedure = procedures.get(part.procedure_slug)
        pages += [BundlePage(f"{part.procedure_slug}--{step_id}", step, procedure) for step_id, step in plan["parts"][part.procedure_slug]]
    return pages, plan


def page_steps(pages):
    return Steps([page.key for page in pages])


def page_answers(bundle, page):
    """What a bundle's step page shows: saved answers, else what the checklist already knows."""
    shared = bundle.shared_answers
    known = bundle.checklist.answers if bundle.checklist else {}
    context = {"_flat": {**known, **dict(shared.get("shared") or {})}}
    if page.key == "shared":
        saved = shared.get("shared")
        if saved is None and bundle.checklist:
            saved = {f["name"]: known[f["name"]] for f in page.step["fields"] if known.get(f["name"])}
        if saved is not None:
            context["shared"] = saved
    elif page.procedure is None:
        if page.step["id"] in shared:
            context[page.step["id"]] = shared[page.step["id"]]
    else:
        context.update(bundle.parts.get(procedure_slug=page.procedure.slug).answers)
    return context


def bundle_summary(bundle, pages, *, actor):
    """(sections, None) for the check page, or (None, key of the first page not answered yet)."""
    policy.check(actor, "bundle.view", bundle)
    sections = []
    for page in pages:
        saved = page_answers(bundle, page).get("shared" if page.key == "shared" else page.step["id"])
        if saved is None:
            return None, page.key
        sections.append((page.key, page.step, page.procedure, formschema.summary({"steps": [page.step]}, {page.step["id"]: saved})[0][1]))
    return sections, None


def bundle_fees(bundle, plan, *, actor):
    """[(procedure, fee)] of each part, from its full answers."""
    policy.check(actor, "bundle.view", bundle)
    fees = []
    for part in bundle.parts.all():
        procedure = procedures.get(part.procedure_slug)
        full = flow.assemble(plan["definitions"][part.procedure_slug], bundle.shared_answers, part.answers)
        fees.append((procedure, procedures.fee_for(procedure, full)))
    return fees


def part_statuses(bundle, *, actor):
    """[(part, procedure, application or None)]: the resident follows every part of the bundle."""
    policy.check(actor, "bundle.view", bundle)
    references = [p.application_reference for p in bundle.parts.all() if p.application_reference]
    submitted = {a.reference: a for a in applications.for_resident(actor=actor).filter(reference__in=references)}
    return [(part, procedures.get(part.procedure_slug), submitted.get(part.application_reference)) for part in bundle.parts.all()]


def failed_hand_offs(*, actor):
    """How many bundle parts wait for a retry (0 for those who may not see it)."""
    if not policy.can(actor, "bundle.count_failed"):
        return 0
    return BundlePart.objects.filter(hand_off=BundlePart.HandOff.FAILED).count()


# -- pre-entries --------------------------------------------------------------------------------------
def counter_procedure(slug, *, actor=None):
    """A published counter procedure with a live form, that can be pre-entered (None otherwise)."""
    procedure = procedures.get(slug)
    if procedure is None or procedure.is_online or procedures.live_version(procedure) is None:
        return None
    return procedure


def interview_procedures(*, actor):
    """Counter procedures the actor may start an interview for (their own departments)."""
    return [p for p in procedures.published() if not p.is_online and policy.can(actor, "pre_entry.interview", p)]


def entry_steps(procedure):
    """The steps a pre-entry asks (files are left to the counter)."""
    definition = procedures.live_version(procedure).definition
    result = []
    for step in formschema.steps(definition):
        fields = [f for f in step["fields"] if f["type"] not in flow.SKIPPED_TYPES]
        if fields:
            result.append({**step, "fields": fields})
    return result


def pre_entry(public_id, *, actor):
    """The resident's (or guest's) own pre-entry (None when there is none; `Forbidden` otherwise)."""
    key = _uuid(public_id)
    found = PreEntry.objects.filter(public_id=key).first() if key else None
    if found is not None:
        policy.check(actor, "pre_entry.fill", found)
    return found


def entry_for_staff(public_id, *, actor):
    """A pre-entry opened by counter staff (or read by an auditor): checked, and the viewing is audited."""
    key = _uuid(public_id)
    found = PreEntry.objects.filter(public_id=key).select_related("owner", "identity_checked_by").first() if key else None
    if found is not None:
        policy.check(actor, "pre_entry.read", found)
        audit.record("lifeevents.pre_entry_viewed", actor=actor, target=found, department_code=found.department_code)
    return found


def entry_procedure(entry):
    return procedures.get(entry.procedure_slug, include_unpublished=True)


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


def entry_profile(entry, *, actor):
    """Whose verified profile prefills the pages: the resident filling in, or the resident at the desk."""
    if actor.is_resident:
        return actor.profile
    return getattr(entry.owner, "profile", None) if entry.owner_id else None


def entry_summary(entry, *, actor):
    """(procedure, steps, summary) of a pre-entry for its check page, the counter and the printed form."""
    if not (policy.can(actor, "pre_entry.fill", entry) or policy.can(actor, "pre_entry.read", entry)):
        policy.check(actor, "pre_entry.read", entry)
    procedure = entry_procedure(entry)
    steps = entry_steps(procedure)
    answers = {k: v for k, v in entry.answers.items() if not k.startswith("_")}
    return procedure, steps, formschema.summary({"steps": steps}, answers)


def missing_step(entry, steps):
    """The first step a pre-entry still needs (None when complete)."""
    for step in steps:
        if step["id"] in entry.answers or not flow.form_fields({"steps": [step]}):
            continue
        if step.get("repeat") and int(step["repeat"].get("min", 0)) == 0:
            continue
        return step["id"]
    return None


def active_token(entry, code, *, actor):
    """The pre-entry's token for `code` if it still works (unused and not expired), else None."""
    from django.utils import timezone

    from .services import token_hash

    policy.check(actor, "pre_entry.fill", entry)
    if not code:
        return None
    token = CounterToken.objects.filter(pre_entry=entry, token_hash=token_hash(code)).first()
    return token if token is not None and token.used_at is None and token.expires_at > timezone.now() else None

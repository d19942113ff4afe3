"""What can happen: make a checklist and tick it off; fill and send a one-stop bundle (one application per
department, handed off part by part so one failure never loses the others); fill a pre-entry, get a QR token,
and at the counter redeem it, check identity, correct and print. Every write is audited.

Every function takes `actor=` and checks `permissions.policy` first; statuses change only through the
tables in `workflow.py`.
"""

import hashlib
import logging
import secrets
import unicodedata
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from smartkoto.applications import services as applications
from smartkoto.core import audit, guest
from smartkoto.core import workflow as lifecycle
from smartkoto.procedures import queries as procedures
from smartkoto.procedures import formschema

from . import flow
from .models import Bundle, BundlePart, Checklist, ChecklistItem, CounterToken, PreEntry
from .permissions import CHECKLISTS, PRE_ENTRIES, policy
from .workflow import BUNDLE, HAND_OFF, PRE_ENTRY

log = logging.getLogger(__name__)
TOKEN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to type from a phone screen
TOKEN_LENGTH = 10
TOKEN_MINUTES = 30
CARD_TOKEN_MINUTES = 10


# -- checklists ---------------------------------------------------------------------------------------
def make_checklist(life_event, answers, *, actor):
    """A personal checklist: one item per matching rule, with its deadline counted from the key date.
    A guest's checklist is remembered by their browser session (`core.guest`)."""
    policy.check(actor, "checklist.make", life_event)
    with transaction.atomic():
        checklist = Checklist.objects.create(owner=actor.resident, life_event=life_event, answers=answers)
        for index, rule in enumerate(flow.matching_rules(life_event, answers)):
            ChecklistItem.objects.create(checklist=checklist, procedure_slug=rule.procedure_slug, rule=rule,
                                         due_on=flow.due_on(rule, answers), order=index)
        audit.record("lifeevents.checklist_created", actor=actor, target=checklist,
                     detail={"life_event": life_event.code, "items": checklist.items.count()})
    if checklist.owner_id is None:
        guest.claim(actor, CHECKLISTS, checklist.public_id)
    return checklist


def adopt_checklist(checklist, *, actor):
    """A checklist made before signing in, in this browser, goes to the resident's page."""
    policy.check(actor, "checklist.view", checklist)
    if checklist.owner_id is None and actor.is_resident:
        Checklist.objects.filter(pk=checklist.pk, owner__isnull=True).update(owner=actor.user)
        checklist.owner = actor.user
        audit.record("lifeevents.checklist_adopted", actor=actor, target=checklist)
    return checklist


def tick(checklist, item_id, done, *, actor):
    """Tick an item off (or un-tick it). Returns the item, or None when the checklist has no such item."""
    policy.check(actor, "checklist.tick", checklist)
    with transaction.atomic():
        item = checklist.items.filter(pk=item_id).first()
        if item is None:
            return None
        item.done_at = timezone.now() if done else None
        item.save(update_fields=["done_at"])
        audit.record("lifeevents.item_ticked", actor=actor, target=checklist, detail={"procedure": item.procedure_slug, "done": bool(done)})
    return item


# -- bundles ------------------------------------------------------------------------------------------
def start_bundle(checklist, slugs, *, actor):
    """A bundle of the online procedures chosen from the checklist (one draft part per procedure)."""
    policy.check(actor, "bundle.start", checklist)
    with transaction.atomic():
        bundle = Bundle.objects.create(owner=actor.user, checklist=checklist)
        for index, slug in enumerate(slugs):
            procedure = procedures.get(slug)
            BundlePart.objects.create(bundle=bundle, procedure_slug=slug, department_code=procedure.department.code, order=index)
        audit.record("lifeevents.bundle_started", actor=actor, target=bundle, detail={"procedures": list(slugs)})
    return bundle


def bundle_procedures(bundle):
    return [procedures.get(part.procedure_slug) for part in bundle.parts.all()]


def save_bundle_page(bundle, page, value, *, actor):
    """Store one page of a draft bundle (`page` from `queries.bundle_pages`). The shared page is checked for
    contradicting answers first; returns them as [(field name or None, message)] and stores nothing if any."""
    policy.check(actor, "bundle.edit", bundle)
    if page.key == "shared":
        checklist = bundle.checklist
        problems = flow.contradictions(checklist.life_event if checklist else None, checklist.answers if checklist else {}, value, [])
        if problems:
            return problems
    with transaction.atomic():
        locked = Bundle.objects.select_for_update().get(pk=bundle.pk)
        if locked.status != Bundle.Status.DRAFT:
            return []
        if page.procedure is None:
            shared = dict(locked.shared_answers)
            shared["shared" if page.key == "shared" else page.step["id"]] = value
            locked.shared_answers = shared
            locked.save(update_fields=["shared_answers"])
        else:
            part = BundlePart.objects.select_for_update().get(bundle=locked, procedure_slug=page.procedure.slug)
            part.answers = {**part.answers, page.step["id"]: value}
            part.save(update_fields=["answers"])
    return []


def submit_bundle(bundle, *, actor):
    """Send the bundle: mark it sent, then hand each part to its department. A replayed POST sends nothing twice.

    The hand-offs happen after the bundle is stored, each in its own transaction: a part that fails is kept with
    its answers and retried by a background task; the parts already received stay received.
    """
    from . import tasks

    policy.check(actor, "bundle.submit", bundle)
    with transaction.atomic():
        bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
        if bundle.status != Bundle.Status.DRAFT:
            return bundle
        plan = flow.bundle_plan(bundle_procedures(bundle))
        total = written = 0
        written += flow.count_answered({k: v for k, v in bundle.shared_answers.items()})
        for part in bundle.parts.all():
            full = flow.assemble(plan["definitions"][part.procedure_slug], bundle.shared_answers, part.answers)
            total += flow.count_answered(full)
            written += flow.count_answered(part.answers)
        BUNDLE.apply(bundle, Bundle.Status.SUBMITTED, by=lifecycle.RESIDENT)
        bundle.submitted_at = timezone.now()
        bundle.fields_saved = max(total - written, 0)
        bundle.save(update_fields=["status", "submitted_at", "fields_saved"])
        audit.record("lifeevents.bundle_submitted", actor=actor, target=bundle,
                     detail={"parts": bundle.parts.count(), "fields_saved": bundle.fields_saved})
    for part in bundle.parts.all():
        try:
            hand_off(part, actor=actor)
        except Exception:  # noqa: BLE001 - any failure of one department's hand-off is retried, never lost
            log.exception("bundle part %s hand-off failed; retry queued", part.pk)
            transaction.on_commit(lambda pk=part.pk: tasks.retry_hand_off.enqueue(pk))
    return bundle


class HandOffError(Exception):
    pass


def hand_off(part, *, actor):
    """Turn one bundle part into a submitted application of its department, acting as the resident who sent
    the bundle (`actor` is that resident, also in the background retry). Idempotent: a part already received
    is left alone; a failure is recorded on the part (attempts, error) and raised."""
    policy.check(actor, "bundle.hand_off", part.bundle)
    with transaction.atomic():
        part = BundlePart.objects.select_for_update().select_related("bundle").get(pk=part.pk)
        if part.hand_off == BundlePart.HandOff.DONE:
            return part
        part.attempts += 1
        part.save(update_fields=["attempts"])
    try:
        with transaction.atomic():
            procedure = procedures.get(part.procedure_slug)
            definition = procedures.live_version(procedure).definition
            answers = flow.assemble(definition, part.bundle.shared_answers, part.answers)
            application = applications.start(procedure, actor=actor, resume=False, bundle_id=part.bundle.public_id)
            for step in formschema.steps(definition):
                if step["id"] not in answers:
                    continue
                page = formschema.StepPage(step, answers=answers, data=flow.as_post_data(step, answers[step["id"]]), files={})
                if not page.is_valid():
                    raise HandOffError(f"step {step['id']} did not validate")
                application = applications.save_step(application, step["id"], page, actor=actor)
            application = applications.submit(application, actor=actor)
            locked = BundlePart.objects.select_for_update().get(pk=part.pk)
            HAND_OFF.apply(locked, BundlePart.HandOff.DONE, by=lifecycle.SYSTEM)
            locked.last_error, locked.application_public_id = "", application.public_id
            locked.application_reference = application.reference or ""
            locked.save(update_fields=["hand_off", "last_error", "application_public_id", "application_reference"])
            audit.record("lifeevents.part_handed_off", actor=actor, target=part.bundle, department_code=part.department_code,
                         detail={"procedure": part.procedure_slug, "reference": application.reference, "attempt": part.attempts})
    except Exception as exc:
        with transaction.atomic():
            locked = BundlePart.objects.select_for_update().get(pk=part.pk)
            if locked.hand_off != BundlePart.HandOff.FAILED:
                HAND_OFF.apply(locked, BundlePart.HandOff.FAILED, by=lifecycle.SYSTEM)
            locked.last_error = type(exc).__name__[:200]
            locked.save(update_fields=["hand_off", "last_error"])
        audit.record("lifeevents.part_hand_off_failed", actor=actor, target=part.bundle, department_code=part.department_code,
                     detail={"procedure": part.procedure_slug, "attempt": part.attempts, "error": type(exc).__name__})
        raise
    part.refresh_from_db()
    return part


def retry_failed_hand_offs(*, actor):
    """Queue a retry of every failed part now (the staff counter page's button)."""
    from . import tasks

    policy.check(actor, "bundle.retry_failed")
    ids = list(BundlePart.objects.filter(hand_off=BundlePart.HandOff.FAILED).values_list("pk", flat=True))
    audit.record("lifeevents.hand_offs_retried", actor=actor, detail={"parts": len(ids)})
    for part_id in ids:
        tasks.retry_hand_off.enqueue(part_id)
    return len(ids)


# -- pre-entry and tokens -------------------------------------------------------------------------------
def start_pre_entry(procedure, *, actor, checklist=None, prefill=None):
    """A pre-entry for a counter procedure, filled by the resident (or guest) at home or in the lobby.
    `prefill` = answers known already (a bundle's shared answers)."""
    policy.check(actor, "pre_entry.start", procedure)
    if checklist is not None and not policy.can(actor, "checklist.view", checklist):
        checklist = None
    with transaction.atomic():
        entry = PreEntry.objects.create(procedure_slug=procedure.slug, department_code=procedure.department.code, owner=actor.resident,
                                        checklist=checklist, answers={"_prefill": prefill or {}})
        audit.record("lifeevents.pre_entry_started", actor=actor, target=entry, department_code=entry.department_code,
                     detail={"procedure": procedure.slug, "interview": False})
    if entry.owner_id is None:
        guest.claim(actor, PRE_ENTRIES, entry.public_id)
    return entry


def start_interview(procedure, *, actor, resident=None):
    """Staff start a pre-entry with the resident at the desk (`resident` from a redeemed card code)."""
    policy.check(actor, "pre_entry.interview", procedure, department_code=procedure.department.code)
    with transaction.atomic():
        entry = PreEntry.objects.create(procedure_slug=procedure.slug, department_code=procedure.department.code, owner=resident,
                                        interview_by=actor.user, answers={"_prefill": {}})
        audit.record("lifeevents.pre_entry_started", actor=actor, target=entry, department_code=entry.department_code,
                     detail={"procedure": procedure.slug, "interview": True})
    return entry


def save_pre_entry_step(entry, step_id, value, *, actor, at_counter=False):
    """One step of a pre-entry: by its resident, or (`at_counter`) corrected by counter staff, audited with
    the names of the fields changed."""
    policy.check(actor, "pre_entry.serve" if at_counter else "pre_entry.fill", entry)
    staff = at_counter
    with transaction.atomic():
        entry = PreEntry.objects.select_for_update().get(pk=entry.pk)
        answers = dict(entry.answers)
        before = answers.get(step_id)
        answers[step_id] = value
        entry.answers = answers
        entry.save(update_fields=["answers", "updated_at"])
        if staff:
            rows_before = before if isinstance(before, list) else [before or {}]
            rows_after = value if isinstance(value, list) else [value or {}]
            changed = sorted({name for i, row in enumerate(rows_after) for name, v in row.items()
                              if (rows_before[i] if i < len(rows_before) else {}).get(name) != v})
            audit.record("lifeevents.pre_entry_corrected", actor=actor, target=entry, department_code=entry.department_code,
                         detail={"step": step_id, "fields": changed})
    return entry


def finish_pre_entry(entry, *, actor):
    """Ready for the counter: count the fields saved from writing and give the first QR token. Returns (entry, code)."""
    policy.check(actor, "pre_entry.fill", entry)
    with transaction.atomic():
        entry = PreEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == PreEntry.Status.DRAFT:
            PRE_ENTRY.apply(entry, PreEntry.Status.READY, by=lifecycle.RESIDENT)
        entry.fields_saved = flow.count_answered({k: v for k, v in entry.answers.items() if not k.startswith("_")})
        entry.save(update_fields=["status", "fields_saved", "updated_at"])
        audit.record("lifeevents.pre_entry_ready", actor=actor, target=entry, department_code=entry.department_code,
                     detail={"fields_saved": entry.fields_saved})
    _token, code = issue_token(entry, actor=actor)
    return entry, code


def normalize_code(code):
    return "".join(ch for ch in unicodedata.normalize("NFKC", code or "").upper() if ch.isalnum())


def token_hash(code):
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def _new_token(*, entry=None, resident=None, minutes):
    code = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    now = timezone.now()
    stale = CounterToken.objects.filter(used_at__isnull=True)
    stale = stale.filter(pre_entry=entry) if entry is not None else stale.filter(resident=resident, pre_entry__isnull=True)
    stale.update(expires_at=now)
    token = CounterToken.objects.create(token_hash=token_hash(code), pre_entry=entry, resident=resident, expires_at=now + timedelta(minutes=minutes))
    return token, code


def issue_token(entry, *, actor):
    """A new random code for a pre-entry (its previous unused codes stop working). Returns (token, code)."""
    policy.check(actor, "pre_entry.fill", entry)
    with transaction.atomic():
        token, code = _new_token(entry=entry, minutes=TOKEN_MINUTES)
        audit.record("lifeevents.token_issued", actor=actor, target=entry, department_code=entry.department_code,
                     detail={"minutes": TOKEN_MINUTES})
    return token, code


def issue_card_token(*, actor, minutes=CARD_TOKEN_MINUTES):
    """A code a resident signed in with the My Number card gives staff to prefill an interview. Returns (token, code)."""
    policy.check(actor, "card_token.issue")
    with transaction.atomic():
        token, code = _new_token(resident=actor.user, minutes=minutes)
        audit.record("lifeevents.token_issued", actor=actor, target=token, detail={"minutes": minutes})
    return token, code


def format_code(code):
    return f"{code[:5]}-{code[5:]}" if len(code) == TOKEN_LENGTH else code


class TokenRefused(Exception):
    """`reason`: unknown, expired, used or department (the token stays usable by the right counter)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def redeem(code, *, actor, purpose="pre_entry"):
    """Staff use a token once. Returns the pre-entry (or the resident for an interview); raises TokenRefused.

    A refusal is audited outside the transaction that looked at the token, so the record is kept.
    """
    policy.check(actor, "token.redeem")
    refusal = None
    with transaction.atomic():
        token = CounterToken.objects.select_for_update(of=("self",)).select_related("pre_entry").filter(token_hash=token_hash(code)).first()
        department = token.pre_entry.department_code if token is not None and token.pre_entry_id else ""
        if token is None or (purpose == "pre_entry") != (token.pre_entry_id is not None):
            refusal = "unknown"
        elif token.used_at is not None:
            refusal = "used"
        elif token.expires_at <= timezone.now():
            refusal = "expired"
        elif token.pre_entry_id and not policy.can(actor, "pre_entry.serve", token.pre_entry):
            refusal = "department"
        else:
            token.used_at = timezone.now()
            token.used_by = actor.user
            token.save(update_fields=["used_at", "used_by"])
            if token.pre_entry_id:
                entry = token.pre_entry
                if PRE_ENTRY.allowed(entry.status, PreEntry.Status.AT_COUNTER, lifecycle.STAFF):
                    PRE_ENTRY.apply(entry, PreEntry.Status.AT_COUNTER, by=lifecycle.STAFF)
                    entry.save(update_fields=["status", "updated_at"])
                audit.record("lifeevents.token_redeemed", actor=actor, target=entry, department_code=department)
                return entry
            audit.record("lifeevents.card_token_redeemed", actor=actor, target=token.resident)
            return token.resident
    target = (token.pre_entry or token) if token is not None and refusal != "unknown" else None
    audit.record("lifeevents.token_refused", actor=actor, target=target, department_code=department, detail={"reason": refusal})
    raise TokenRefused(refusal)


def check_identity(entry, document, *, actor):
    policy.check(actor, "pre_entry.serve", entry)
    with transaction.atomic():
        entry.identity_checked_by = actor.user
        entry.identity_document = document
        entry.identity_checked_at = timezone.now()
        entry.save(update_fields=["identity_checked_by", "identity_document", "identity_checked_at", "updated_at"])
        audit.record("lifeevents.identity_checked", actor=actor, target=entry, department_code=entry.department_code,
                     detail={"document": document})
    return entry


class IdentityNotChecked(Exception):
    """The official form is printed only after the counter checked the resident's identity."""


def print_form(entry, *, actor):
    """The prefilled official form (A4 PDF bytes) for the counter; marks the pre-entry printed."""
    from . import pdf, queries

    policy.check(actor, "pre_entry.serve", entry)
    if entry.identity_checked_at is None:
        raise IdentityNotChecked
    procedure, _steps, summary = queries.entry_summary(entry, actor=actor)
    content = pdf.official_form(entry, procedure, summary, staff=actor.user)
    with transaction.atomic():
        if entry.status != PreEntry.Status.PRINTED:
            PRE_ENTRY.apply(entry, PreEntry.Status.PRINTED, by=lifecycle.STAFF)
            entry.save(update_fields=["status", "updated_at"])
        audit.record("lifeevents.form_printed", actor=actor, target=entry, department_code=entry.department_code)
    return procedure, content

"""What can happen: make a checklist and tick it off; fill and send a one-stop bundle (one application per
department, handed off part by part so one failure never loses the others); fill a pre-entry, get a QR token,
and at the counter redeem it, check identity, correct and print. Every write is audited."""

import hashlib
import logging
import secrets
import unicodedata
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from smartkoto.applications import services as applications
from smartkoto.core import audit
from smartkoto.procedures import formschema
from smartkoto.procedures import queries as procedures

from . import flow
from .models import Bundle, BundlePart, Checklist, ChecklistItem, CounterToken, PreEntry

log = logging.getLogger(__name__)
TOKEN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to type from a phone screen
TOKEN_LENGTH = 10
TOKEN_MINUTES = 30


# -- checklists ---------------------------------------------------------------------------------------
def make_checklist(life_event, answers, *, request):
    """A personal checklist: one item per matching rule, with its deadline counted from the key date."""
    owner = request.user if request.user.is_authenticated and request.user.kind == "resident" else None
    with transaction.atomic():
        checklist = Checklist.objects.create(owner=owner, life_event=life_event, answers=answers)
        for index, rule in enumerate(flow.matching_rules(life_event, answers)):
            ChecklistItem.objects.create(checklist=checklist, procedure_slug=rule.procedure_slug, rule=rule,
                                         due_on=flow.due_on(rule, answers), order=index)
        audit.record("lifeevents.checklist_created", request=request, target=checklist,
                     detail={"life_event": life_event.code, "items": checklist.items.count()})
    return checklist


def tick(item, done, *, request):
    with transaction.atomic():
        item.done_at = timezone.now() if done else None
        item.save(update_fields=["done_at"])
        audit.record("lifeevents.item_ticked", request=request, target=item.checklist, detail={"procedure": item.procedure_slug, "done": bool(done)})
    return item


# -- bundles ------------------------------------------------------------------------------------------
def start_bundle(checklist, slugs, *, request):
    """A bundle of the online procedures chosen from the checklist (one draft part per procedure)."""
    with transaction.atomic():
        bundle = Bundle.objects.create(owner=request.user, checklist=checklist)
        for index, slug in enumerate(slugs):
            procedure = procedures.get(slug)
            BundlePart.objects.create(bundle=bundle, procedure_slug=slug, department_code=procedure.department.code, order=index)
        audit.record("lifeevents.bundle_started", request=request, target=bundle, detail={"procedures": list(slugs)})
    return bundle


def bundle_procedures(bundle):
    return [procedures.get(part.procedure_slug) for part in bundle.parts.all()]


def save_shared(bundle, key, value):
    with transaction.atomic():
        bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
        if bundle.status != Bundle.Status.DRAFT:
            return bundle
        shared = dict(bundle.shared_answers)
        shared[key] = value
        bundle.shared_answers = shared
        bundle.save(update_fields=["shared_answers"])
    return bundle


def save_part(part, step_id, value):
    with transaction.atomic():
        part = BundlePart.objects.select_for_update().get(pk=part.pk)
        answers = dict(part.answers)
        answers[step_id] = value
        part.answers = answers
        part.save(update_fields=["answers"])
    return part


def submit_bundle(bundle, *, request):
    """Send the bundle: mark it sent, then hand each part to its department. A replayed POST sends nothing twice.

    The hand-offs happen after the bundle is stored, each in its own transaction: a part that fails is kept with
    its answers and retried by a background task; the parts already received stay received.
    """
    from . import tasks

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
        bundle.status = Bundle.Status.SUBMITTED
        bundle.submitted_at = timezone.now()
        bundle.fields_saved = max(total - written, 0)
        bundle.save(update_fields=["status", "submitted_at", "fields_saved"])
        audit.record("lifeevents.bundle_submitted", request=request, target=bundle,
                     detail={"parts": bundle.parts.count(), "fields_saved": bundle.fields_saved})
    for part in bundle.parts.all():
        try:
            hand_off(part, request=request)
        except Exception:  # noqa: BLE001 - any failure of one department's hand-off is retried, never lost
            log.exception("bundle part %s hand-off failed; retry queued", part.pk)
            transaction.on_commit(lambda pk=part.pk: tasks.retry_hand_off.enqueue(pk))
    return bundle


class HandOffError(Exception):
    pass


def hand_off(part, *, request):
    """Turn one bundle part into a submitted application of its department. Idempotent: a part already
    received is left alone; a failure is recorded on the part (attempts, error) and raised."""
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
            application = applications.start(procedure, request=request, resume=False, bundle_id=part.bundle.public_id)
            for step in formschema.steps(definition):
                if step["id"] not in answers:
                    continue
                page = formschema.StepPage(step, answers=answers, data=flow.as_post_data(step, answers[step["id"]]), files={})
                if not page.is_valid():
                    raise HandOffError(f"step {step['id']} did not validate")
                application = applications.save_step(application, step["id"], page, request=request)
            application = applications.submit(application, request=request)
            BundlePart.objects.filter(pk=part.pk).update(hand_off=BundlePart.HandOff.DONE, last_error="",
                                                        application_public_id=application.public_id,
                                                        application_reference=application.reference or "")
            audit.record("lifeevents.part_handed_off", request=request, target=part.bundle, department_code=part.department_code,
                         detail={"procedure": part.procedure_slug, "reference": application.reference, "attempt": part.attempts})
    except Exception as exc:
        BundlePart.objects.filter(pk=part.pk).update(hand_off=BundlePart.HandOff.FAILED, last_error=type(exc).__name__[:200])
        audit.record("lifeevents.part_hand_off_failed", request=request, target=part.bundle, department_code=part.department_code,
                     detail={"procedure": part.procedure_slug, "attempt": part.attempts, "error": type(exc).__name__})
        raise
    part.refresh_from_db()
    return part


# -- pre-entry and tokens -------------------------------------------------------------------------------
def start_pre_entry(procedure, *, request, owner=None, checklist=None, interview=False, prefill=None):
    """A pre-entry for a counter procedure; `prefill` = answers known already (a bundle's shared answers)."""
    with transaction.atomic():
        entry = PreEntry.objects.create(procedure_slug=procedure.slug, department_code=procedure.department.code, owner=owner,
                                        checklist=checklist, interview_by=request.user if interview else None,
                                        answers={"_prefill": prefill or {}})
        audit.record("lifeevents.pre_entry_started", request=request, target=entry, department_code=entry.department_code,
                     detail={"procedure": procedure.slug, "interview": interview})
    return entry


def save_pre_entry_step(entry, step_id, value, *, request, staff=False):
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
            audit.record("lifeevents.pre_entry_corrected", request=request, target=entry, department_code=entry.department_code,
                         detail={"step": step_id, "fields": changed})
    return entry


def missing_step(entry, definition):
    for step in formschema.steps(definition):
        if step["id"] in entry.answers or not flow.form_fields({"steps": [step]}):
            continue
        if step.get("repeat") and int(step["repeat"].get("min", 0)) == 0:
            continue
        return step["id"]
    return None


def finish_pre_entry(entry, *, request):
    """Ready for the counter: count the fields saved from writing and give the first QR token."""
    with transaction.atomic():
        entry = PreEntry.objects.select_for_update().get(pk=entry.pk)
        entry.status = PreEntry.Status.READY if entry.status == PreEntry.Status.DRAFT else entry.status
        entry.fields_saved = flow.count_answered({k: v for k, v in entry.answers.items() if not k.startswith("_")})
        entry.save(update_fields=["status", "fields_saved", "updated_at"])
        audit.record("lifeevents.pre_entry_ready", request=request, target=entry, department_code=entry.department_code,
                     detail={"fields_saved": entry.fields_saved})
    return entry


def normalize_code(code):
    return "".join(ch for ch in unicodedata.normalize("NFKC", code or "").upper() if ch.isalnum())


def _hash(code):
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def issue_token(*, request, entry=None, resident=None, minutes=TOKEN_MINUTES):
    """A new random code (the previous unused ones of the same pre-entry stop working). Returns (token, code)."""
    code = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        stale = CounterToken.objects.filter(used_at__isnull=True)
        stale = stale.filter(pre_entry=entry) if entry is not None else stale.filter(resident=resident, pre_entry__isnull=True)
        stale.update(expires_at=now)
        token = CounterToken.objects.create(token_hash=_hash(code), pre_entry=entry, resident=resident, expires_at=now + timedelta(minutes=minutes))
        audit.record("lifeevents.token_issued", request=request, target=entry or token,
                     department_code=entry.department_code if entry else "", detail={"minutes": minutes})
    return token, code


def format_code(code):
    return f"{code[:5]}-{code[5:]}" if len(code) == TOKEN_LENGTH else code


class TokenRefused(Exception):
    """`reason`: unknown, expired, used or department (the token stays usable by the right counter)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def can_serve(user, department_code):
    return user.has_staff_role("dx_admin") or department_code in user.department_codes()


def redeem(code, *, request, purpose="pre_entry"):
    """Staff use a token once. Returns the pre-entry (or the resident for an interview); raises TokenRefused.

    A refusal is audited outside the transaction that looked at the token, so the record is kept.
    """
    refusal = None
    with transaction.atomic():
        token = CounterToken.objects.select_for_update(of=("self",)).select_related("pre_entry").filter(token_hash=_hash(code)).first()
        department = token.pre_entry.department_code if token is not None and token.pre_entry_id else ""
        if token is None or (purpose == "pre_entry") != (token.pre_entry_id is not None):
            refusal = "unknown"
        elif token.used_at is not None:
            refusal = "used"
        elif token.expires_at <= timezone.now():
            refusal = "expired"
        elif token.pre_entry_id and not can_serve(request.user, department):
            refusal = "department"
        else:
            token.used_at = timezone.now()
            token.used_by = request.user
            token.save(update_fields=["used_at", "used_by"])
            if token.pre_entry_id:
                entry = token.pre_entry
                if entry.status in (PreEntry.Status.READY, PreEntry.Status.DRAFT):
                    entry.status = PreEntry.Status.AT_COUNTER
                    entry.save(update_fields=["status", "updated_at"])
                audit.record("lifeevents.token_redeemed", request=request, target=entry, department_code=department)
                return entry
            audit.record("lifeevents.card_token_redeemed", request=request, target=token.resident)
            return token.resident
    target = (token.pre_entry or token) if token is not None and refusal != "unknown" else None
    audit.record("lifeevents.token_refused", request=request, target=target, department_code=department, detail={"reason": refusal})
    raise TokenRefused(refusal)


def check_identity(entry, document, *, request):
    with transaction.atomic():
        entry.identity_checked_by = request.user
        entry.identity_document = document
        entry.identity_checked_at = timezone.now()
        entry.save(update_fields=["identity_checked_by", "identity_document", "identity_checked_at", "updated_at"])
        audit.record("lifeevents.identity_checked", request=request, target=entry, department_code=entry.department_code,
                     detail={"document": document})
    return entry


def printed(entry, *, request):
    with transaction.atomic():
        if entry.status != PreEntry.Status.PRINTED:
            entry.status = PreEntry.Status.PRINTED
            entry.save(update_fields=["status", "updated_at"])
        audit.record("lifeevents.form_printed", request=request, target=entry, department_code=entry.department_code)
    return entry

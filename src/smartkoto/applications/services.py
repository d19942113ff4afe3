"""What can happen to an application: start, save a step, submit, withdraw, answer a request; and in the
back office: change status (through workflow.py), assign, message, note. Each write is one transaction
with its audit record; emails and PDFs go to background tasks after commit.

Every public function takes `actor=` and checks `permissions.policy` before it changes anything; every
status change is `workflow.WF.apply(...)` (submit and payment success too)."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from django.utils.translation import gettext as _

from smartkoto.core import audit, guest, throttle
from smartkoto.core import tasks as core_tasks
from smartkoto.core.mynumber import redact_individual_numbers
from smartkoto.core.roles import CASE_ROLES
from smartkoto.core.steps import Steps
from smartkoto.identity import queries as identity
from smartkoto.municipality import queries as municipality
from smartkoto.municipality.calendar import add_business_days
from smartkoto.procedures import queries as procedures
from smartkoto.procedures import formschema

from . import attachments
from .models import Application, CaseEvent, ReferenceCounter
from .permissions import GUEST_KIND, policy
from .workflow import AFTER_APPROVAL, PAYMENT, RESIDENT, STAFF, WF, Status, TransitionNotAllowed, fee_open

AT_SUBMISSION = "at_submission"


class NotAvailable(Exception):
    """The procedure has no live form, or the applicant's sign-in is not strong enough."""


class Incomplete(Exception):
    def __init__(self, step_id):
        super().__init__(step_id)
        self.step_id = step_id


def start(procedure, *, actor, resume=True, bundle_id=None):
    """A draft on the live form version; a signed-in resident's existing draft is resumed instead
    (unless `resume` is False: a one-stop bundle must never overwrite a draft the resident started alone).
    A guest's draft is remembered in their session (`core.guest`), the only way back to it."""
    policy.check(actor, "application.start", procedure)
    user = actor.resident
    if actor.assurance_level < procedure.assurance_level:
        raise NotAvailable("assurance")
    if user is not None and resume:
        existing = Application.objects.filter(applicant=user, procedure=procedure, status=Status.DRAFT).order_by("-created_at").first()
        if existing:
            return existing
    version = procedures.live_version(procedure)
    if version is None:
        raise NotAvailable("no form")
    with transaction.atomic():
        application = Application.objects.create(procedure=procedure, form_version=version, department_code=procedure.department.code,
                                                 applicant=user, bundle_id=bundle_id)
        audit.record("applications.draft_started", actor=actor, target=application, department_code=application.department_code,
                     detail={"procedure": procedure.slug, "version": version.number})
    if user is None:
        guest.claim(actor, GUEST_KIND, application.public_id)
    return application


def _locked_draft(application, actor):
    policy.check(actor, "draft.edit", application)
    return Application.objects.select_for_update().get(pk=application.pk)


def save_step(application, step_id, page, *, actor):
    """Store one validated step page (and its files). Raises ValidationError for a refused file."""
    with transaction.atomic():
        application = _locked_draft(application, actor)
        if not application.is_draft:
            return application
        answers = dict(application.answers)
        old = answers.get(step_id)
        value = page.cleaned_answers()
        rows = value if isinstance(value, list) else [value]
        old_rows = old if isinstance(old, list) else [old or {}]
        for index, row in enumerate(rows):
            for field in page.step["fields"]:
                if field["type"] == "file" and index < len(old_rows) and old_rows[index].get(field["name"]):
                    row[field["name"]] = old_rows[index][field["name"]]
        for row_index, name, upload in page.uploads():
            stored = attachments.store(application, upload, field_name=name, row=row_index)
            rows[row_index or 0][name] = {"attachment": str(stored.public_id), "name": stored.original_name}
        answers[step_id] = rows if page.repeat else rows[0]
        answers.get("_partial", {}).pop(step_id, None)
        application.answers = answers
        application.save(update_fields=["answers", "updated_at"])
    return application


def autosave(application, step_id, raw, *, actor):
    """Keep what was typed on a step that is not complete yet, so a closed tab loses nothing."""
    with transaction.atomic():
        application = _locked_draft(application, actor)
        if not application.is_draft:
            return application
        answers = dict(application.answers)
        # Not validated yet, so the My Number guard of the form has not run: redact here.
        raw = {key: redact_individual_numbers(str(value))[:2000] for key, value in raw.items()}
        answers.setdefault("_partial", {})[step_id] = raw
        application.answers = answers
        application.save(update_fields=["answers", "updated_at"])
    return application


def _missing_step(application):
    """The first step that still needs answers (None when all are done); optional repeated groups count as done."""
    step_list = formschema.steps(application.form_version.definition)
    done = set(application.answers) | {s["id"] for s in step_list if s.get("repeat") and int(s["repeat"].get("min", 0)) == 0}
    return Steps([s["id"] for s in step_list]).first_missing(done)


def _next_reference():
    """KT-2026-000123: the year and a counter taken under a row lock (serialised by the database)."""
    year = timezone.localdate().year
    prefix = str(year)
    ReferenceCounter.objects.get_or_create(prefix=prefix)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"KT-{year}-{counter.value:06d}"


def submit(application, *, actor):
    """Submit once. A replayed or double-clicked submit returns the application already submitted."""
    from . import tasks

    policy.check(actor, "application.submit", application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not application.is_draft:
            return application
        missing = _missing_step(application)
        if missing:
            raise Incomplete(missing)
        procedure = application.procedure
        answers = {k: v for k, v in application.answers.items() if not k.startswith("_")}
        flat = formschema.flat_answers(answers)
        profile = getattr(application.applicant, "profile", None) if application.applicant_id else None
        application.answers = answers
        application.fee_amount = procedures.fee_for(procedure, answers)
        timing = procedures.fee_timing(procedure) if application.fee_amount else ""
        application.fee_timing = timing if timing in (AT_SUBMISSION, AFTER_APPROVAL) else ""
        # a fee paid when sending: the ward receives the application once the payment is captured
        WF.apply(application, Status.AWAITING_PAYMENT if application.fee_timing == AT_SUBMISSION else Status.RECEIVED, by=RESIDENT)
        application.reference = _next_reference()
        application.submitted_at = timezone.now()
        application.applicant_name = (flat.get("full_name") or (profile.full_name if profile else "") or "")[:200]
        application.applicant_email = flat.get("email") or (profile.email if profile else "") or application.guest_email
        application.due_on = add_business_days(timezone.localdate(), max(procedure.processing_days, 1))
        application.save()
        CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.SUBMITTED, from_status=Status.DRAFT, to_status=application.status,
                                 actor=application.applicant)
        audit.record("applications.submitted", actor=actor, target=application, department_code=application.department_code,
                     detail={"reference": application.reference, "procedure": procedure.slug, "version": application.form_version.number,
                             "fee": application.fee_amount, "fee_timing": application.fee_timing})
        pk = application.pk
        # a guest's typed address is not confirmed: its receipt counts against the guest mail limits
        application.receipt_mail_refused = bool(application.applicant_email and application.applicant_id is None
                                                and not _count_guest_mail(application.applicant_email, actor))
        if not application.receipt_mail_refused:
            core_tasks.enqueue_in_transaction(tasks.send_receipt, pk)
    return application


def withdraw(application, *, actor):
    """The resident withdraws a case the ward has not started on (the workflow table says when)."""
    policy.check(actor, "application.withdraw", application)
    return _move(application, Status.WITHDRAWN, RESIDENT, actor=actor)


def respond(application, text, uploads, *, actor):
    """The resident answers a request for more information, with documents; the case goes back to review.
    Raises ValidationError (nothing stored) for a refused file."""
    policy.check(actor, "application.answer", application)
    if len(uploads) > attachments.MAX_PER_APPLICATION:
        raise ValidationError(_("An application can have at most %(n)s files.") % {"n": attachments.MAX_PER_APPLICATION}, code="count")
    for upload in uploads:
        attachments.check(upload)
        upload.seek(0)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        previous = WF.apply(application, Status.IN_REVIEW, by=RESIDENT)
        event = CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.MESSAGE_FROM_RESIDENT, text=text,
                                         from_status=previous, to_status=Status.IN_REVIEW, actor=application.applicant)
        for upload in uploads:
            attachments.store(application, upload, event=event)
        application.save(update_fields=["status", "updated_at"])
        audit.record("applications.resident_responded", actor=actor, target=application, department_code=application.department_code,
                     detail={"files": len(uploads)})
    return application


def _move(application, target, party, *, actor, text=""):
    from . import tasks

    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if target == Status.AWAITING_PAYMENT and application.fee_amount <= 0:  # no fee to pay: set the amount first
            raise TransitionNotAllowed(WF.name, application.status, target, party)
        previous = WF.apply(application, target, by=party)
        if target in (Status.APPROVED, Status.REJECTED):
            application.decided_at = timezone.now()
        if target in (Status.COMPLETED, Status.WITHDRAWN):
            application.completed_at = timezone.now()
        application.save()
        event = CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.STATUS, from_status=previous, to_status=target, text=text,
                                         actor=actor.user)
        audit.record("applications.status_changed", actor=actor, target=application, department_code=application.department_code,
                     detail={"from": previous, "to": target})
        if party == STAFF:
            event_id = event.pk
            core_tasks.enqueue_in_transaction(tasks.notify_resident, event_id)
    return application


def transition(application, target, *, actor, text=""):
    """Staff move a case along the workflow table (review, ask, approve, reject, complete, ask to pay)."""
    policy.check(actor, "case.change_status", application)
    return _move(application, target, STAFF, actor=actor, text=text)


def assign(application, staff_user, *, actor):
    """Assign the case to a case worker or manager of its department (None: unassign)."""
    policy.check(actor, "case.assign", application)
    if staff_user is not None and not identity.staff_in_department(application.department_code, *CASE_ROLES).filter(pk=staff_user.pk).exists():
        raise ValidationError("assignee", code="assignee")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        application.assigned_to = staff_user
        application.save(update_fields=["assigned_to", "updated_at"])
        CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.ASSIGNED, actor=actor.user,
                                 text=staff_user.get_full_name() or staff_user.username if staff_user else "")
        audit.record("applications.assigned", actor=actor, target=application, department_code=application.department_code,
                     detail={"assignee": staff_user.username if staff_user else None})
    return application


def message(application, text, *, actor):
    from . import tasks

    policy.check(actor, "case.message", application)
    with transaction.atomic():
        event = CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.MESSAGE_TO_RESIDENT, text=text, actor=actor.user)
        audit.record("applications.message_sent", actor=actor, target=application, department_code=application.department_code)
        event_id = event.pk
        core_tasks.enqueue_in_transaction(tasks.notify_resident, event_id)
    return event


def note(application, text, *, actor):
    policy.check(actor, "case.note", application)
    with transaction.atomic():
        event = CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.NOTE, text=text, actor=actor.user)
        audit.record("applications.note_added", actor=actor, target=application, department_code=application.department_code)
    return event


# -- guests ----------------------------------------------------------------------------------------
def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class TooManyEmails(Exception):
    """A guest asked the ward to email more than the hourly limit (per address or per client address)."""


def _guest_mail_limits():
    from django.conf import settings

    per_address = int(getattr(settings, "GUEST_MAILS_PER_HOUR", settings.EMAIL_LINKS_PER_HOUR))
    return per_address, per_address * 10


def _count_guest_mail(email, actor):
    """One more email a guest causes to `email`: True if within the hourly limits per address and per client
    address (core.throttle: one conditional increment each, so parallel requests cannot pass together)."""
    per_address, per_client = _guest_mail_limits()
    allowed = True
    for key, limit in ((f"guest-mail:to:{_hash(email.strip().lower())}", per_address),
                       (f"guest-mail:ip:{actor.client_address or '-'}"[:150], per_client)):
        if not throttle.take(key, limit, 3600):
            allowed = False
    if not allowed:
        audit.record("applications.guest_mail_throttled", actor=actor)
    return allowed


def send_resume_link(application, email, *, actor, build_url):
    """Email a guest a one-time link to continue their draft. Only a hash of the token is kept."""
    from django.core.mail import send_mail

    from smartkoto.core.i18n import tr

    policy.check(actor, "draft.edit", application)
    if not _count_guest_mail(email, actor):
        raise TooManyEmails
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        application.guest_email = email
        application.guest_resume_hash = _hash(token)
        application.save(update_fields=["guest_email", "guest_resume_hash", "updated_at"])
        audit.record("applications.resume_link_sent", actor=actor, target=application, department_code=application.department_code)
    send_mail(
        _("Continue your application: %(name)s") % {"name": tr(application.procedure.name)},
        _("Open this link to continue your application. It works once.\n\n%(url)s\n\n%(municipality)s")
        % {"url": build_url(token), "municipality": municipality.name()},
        None, [email],
    )


def resume(token, *, actor):
    """Use a one-time link: returns the draft (now owned by this browser session), and the link stops working.
    The token is the permission: whoever holds it may continue the draft, once."""
    if not token:
        return None
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(guest_resume_hash=_hash(token), status=Status.DRAFT).first()
        if application is None:
            return None
        application.guest_resume_hash = ""
        application.save(update_fields=["guest_resume_hash", "updated_at"])
        audit.record("applications.resumed_by_link", actor=actor, target=application, department_code=application.department_code)
    if application.applicant_id is None:
        guest.claim(actor, GUEST_KIND, application.public_id)
    return application


# -- fees and payment (payments app, floor 3: called here, heard back through its signals) ---------------
class PaymentNotPossible(Exception):
    pass


def set_fee(application, amount_yen, *, actor):
    """Staff set the final fee of a pay-after-approval case (e.g. 粗大ごみ by item) before asking for payment."""
    policy.check(actor, "case.set_fee", application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not fee_open(application):
            raise PaymentNotPossible("the fee can only be set on an open pay-after-approval case")
        if not isinstance(amount_yen, int) or amount_yen <= 0:
            raise PaymentNotPossible("amount")
        previous = application.fee_amount
        application.fee_amount = amount_yen
        application.save(update_fields=["fee_amount", "updated_at"])
        CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.PAYMENT, payment_outcome="fee_set", amount_yen=amount_yen,
                                 actor=actor.user, text=f"{previous} → {amount_yen}")
        audit.record("applications.fee_set", actor=actor, target=application, department_code=application.department_code,
                     detail={"from": previous, "to": amount_yen})
    return application


def _payment_description(application):
    name = application.procedure.name or {}
    return {"ja": f"{name.get('ja', '')}（{application.reference}）", "en": f"{name.get('en') or name.get('ja', '')} ({application.reference})"}


def pay(application, *, actor):
    """The payment to send the resident to: the unfinished one for this case, or a new one.

    The amount is the case's own `fee_amount` (computed on the server, or set by staff), never anything from
    the browser. The idempotency key is derived from the case, the amount and how many of its payments were
    closed without money (expired, cancelled), so a replayed, double or parallel "Pay" creates no second
    payment, and a new attempt after an expired or cancelled one gets a new key.
    """
    from smartkoto.core.actor import Actor
    from smartkoto.payments import queries as payments, services as payment_services

    policy.check(actor, "application.pay", application)
    if application.status != Status.AWAITING_PAYMENT or application.fee_amount <= 0:
        raise PaymentNotPossible("not waiting for payment")
    if payments.is_paid(application.reference, actor=Actor.system("applications")):
        raise PaymentNotPossible("already paid")
    payer = application.applicant
    existing = payments.open_payment_for_reference(application.reference, payer, actor=Actor.system("applications"))
    if existing is not None and existing.amount_yen == application.fee_amount:
        return existing
    # counts only payments closed without money (expired, cancelled), so parallel requests that race with the
    # creation of the open payment still derive the same key
    attempt = sum(1 for p in payments.payments_for_reference(application.reference, actor=Actor.system("applications")) if p.status in ("expired", "cancelled"))
    return payment_services.request_payment(
        actor=actor, payer=payer, reference=application.reference, amount_yen=application.fee_amount, description=_payment_description(application),
        fee_code=application.procedure.slug, department_code=application.department_code,
        return_url=reverse("applications:detail", args=[application.public_id]),
        idempotency_key=f"application-{application.pk}-fee-{application.fee_amount}-{attempt}")


def _payment_event(application, payment, outcome, amount):
    """Record a payment outcome on the case once (signals may repeat)."""
    if CaseEvent.objects.filter(application=application, kind=CaseEvent.Kind.PAYMENT, payment_id=str(payment.public_id),
                                payment_outcome=outcome, amount_yen=amount).exists():
        return None
    return CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.PAYMENT, payment_id=str(payment.public_id),
                                    payment_outcome=outcome, amount_yen=amount)


def _signalled(reference, actor):
    """The case a payment signal is about, locked; only the system actor of the verified signal may apply it."""
    application = Application.objects.select_for_update().filter(reference=reference).first()
    if application is not None:
        policy.check(actor, "case.payment_signal", application)
    return application


def payment_succeeded(payment, reference, *, actor):
    """payments.signals.payment_succeeded: the provider captured the money (verified webhook or poll)."""
    from smartkoto.core.actor import Actor
    from smartkoto.payments import queries as payments

    with transaction.atomic():
        application = _signalled(reference, actor)
        if application is None or not payments.is_paid(reference, actor=Actor.system("applications")):
            return None
        _payment_event(application, payment, "succeeded", payment.captured_yen or payment.amount_yen)
        if application.status == Status.AWAITING_PAYMENT and payments.paid_amount(reference, actor=Actor.system("applications")) >= application.fee_amount:
            target = Status.COMPLETED if application.decided_at else Status.RECEIVED
            previous = WF.apply(application, target, by=PAYMENT)
            application.paid_at = timezone.now()
            if target == Status.COMPLETED:
                application.completed_at = timezone.now()
            application.save(update_fields=["status", "paid_at", "completed_at", "updated_at"])
            CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.STATUS, from_status=previous, to_status=target,
                                     payment_id=str(payment.public_id))
            audit.record("applications.paid", actor=actor, target=application, department_code=application.department_code,
                          detail={"payment": str(payment.public_id), "amount_yen": payment.captured_yen, "to": target})
        elif application.paid_at is None:
            application.paid_at = timezone.now()
            application.save(update_fields=["paid_at", "updated_at"])
    return application


def payment_failed(payment, reference, *, actor):
    with transaction.atomic():
        application = _signalled(reference, actor)
        if application is None:
            return None
        last = application.events.filter(kind=CaseEvent.Kind.PAYMENT, payment_id=str(payment.public_id)).order_by("-created_at", "-pk").first()
        if last is None or last.payment_outcome != "failed":
            CaseEvent.objects.create(application=application, kind=CaseEvent.Kind.PAYMENT, payment_id=str(payment.public_id),
                                     payment_outcome="failed", amount_yen=payment.amount_yen)
    return application


def payment_refunded(payment, reference, *, actor):
    with transaction.atomic():
        application = _signalled(reference, actor)
        if application is None:
            return None
        # one event per refunded total of this payment, so a repeated signal adds nothing
        if _payment_event(application, payment, "refunded", payment.refunded_yen):
            audit.record("applications.payment_refunded", actor=actor, target=application, department_code=application.department_code,
                          detail={"payment": str(payment.public_id), "refunded_yen": payment.refunded_yen})
    return application

"""Applications (申請) and their case history (案件履歴).

An application starts as a draft bound to one published form version and keeps that version for life.
Submitting gives it a reference number from `ReferenceCounter` (one row per year, locked while counting)
and a unique constraint, so no two applications share a number even under parallel submissions.
History rows (`CaseEvent`) are appended, never edited.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .workflow import Status


class Application(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference number"), max_length=20, null=True, blank=True, unique=True)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="+")
    form_version = models.ForeignKey("procedures.FormVersion", on_delete=models.PROTECT, related_name="applications")
    department_code = models.CharField(max_length=40, db_index=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications")
    guest_email = models.EmailField(blank=True)
    guest_resume_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    answers = models.JSONField(default=dict)
    applicant_name = models.CharField(max_length=200, blank=True)
    applicant_email = models.EmailField(blank=True)
    fee_amount = models.PositiveIntegerField(_("fee in yen"), default=0)
    # The one-stop bundle (lifeevents) this application was sent in, if any; its other parts share the id.
    bundle_id = models.UUIDField(null=True, blank=True, db_index=True)
    # when the fee is paid, fixed at submission from the procedure: "" (free or at the counter),
    # "at_submission" or "after_approval" (procedures.models.FeeTiming)
    fee_timing = models.CharField(max_length=16, blank=True, default="")
    paid_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    receipt_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [models.Index(fields=["department_code", "status", "due_on"])]

    def __str__(self):
        return self.reference or f"draft {self.public_id}"

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    def is_overdue(self, today=None):
        """Past its due date and still open."""
        from django.utils import timezone

        from .workflow import OPEN

        today = today or timezone.localdate()
        return bool(self.due_on and self.due_on < today and self.status in OPEN)

    @property
    def awaiting_payment(self):
        return self.status == Status.AWAITING_PAYMENT

    @property
    def pays_online(self):
        return bool(self.fee_timing) and self.fee_amount > 0


class ReferenceCounter(models.Model):
    """The last number given per prefix (e.g. "2026"): the row is locked while a number is taken."""

    prefix = models.CharField(max_length=10, primary_key=True)
    value = models.PositiveIntegerField(default=0)


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        STATUS = "status", _("status changed")
        MESSAGE_TO_RESIDENT = "message_to_resident", _("message to the resident")
        MESSAGE_FROM_RESIDENT = "message_from_resident", _("reply from the resident")
        NOTE = "note", _("internal note")
        ASSIGNED = "assigned", _("assigned")
        PAYMENT = "payment", pgettext_lazy("case event", "payment")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    from_status = models.CharField(max_length=24, blank=True, choices=Status.choices)
    to_status = models.CharField(max_length=24, blank=True, choices=Status.choices)
    text = models.TextField(blank=True)
    # payment events: the payment's public id, what happened ("succeeded", "failed", "refunded", "fee_set")
    # and the amount in yen, so a repeated signal is recorded once
    payment_id = models.CharField(max_length=40, blank=True)
    payment_outcome = models.CharField(max_length=16, blank=True)
    amount_yen = models.IntegerField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # claimed by tasks.notify_resident before it sends, so a task run twice emails once
    resident_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def visible_to_resident(self):
        return self.kind != self.Kind.NOTE and self.kind != self.Kind.ASSIGNED


class Attachment(models.Model):
    """A file a resident gave. Stored through Django storage under a random name; only served by permission-checked views."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    field_name = models.CharField(max_length=60, blank=True)
    row = models.PositiveSmallIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="applications/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)


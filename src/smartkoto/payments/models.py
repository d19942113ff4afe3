"""Payments (納付): what a resident owes and paid, its append-only history, refunds, the ledger.

Money is integer yen. No card data is ever stored here: the provider keeps it on its own page.
The simulated provider's own records (its "side") live in `providers/simulated.py`'s models below,
kept apart from ours and touched only through the provider interface.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .workflow import RefundState, SlipState, Status


def _event_id():
    return "evt_" + uuid.uuid4().hex[:24]


def _public_id():
    return secrets.token_urlsafe(12)


class Payment(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=_public_id, editable=False)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))
    description = models.JSONField(_("description"), default=dict)
    fee_code = models.CharField(_("fee code"), max_length=64)
    department_code = models.CharField(_("department code"), max_length=32)
    return_url = models.CharField(max_length=500)
    idempotency_key = models.CharField(max_length=200, unique=True)
    request_hash = models.CharField(max_length=64)
    provider = models.CharField(max_length=32)
    provider_ref = models.CharField(max_length=200, blank=True, db_index=True)
    provider_url = models.CharField(max_length=1000, blank=True)
    provider_seen_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CREATED)
    captured_yen = models.PositiveIntegerField(default=0)
    refunded_yen = models.PositiveIntegerField(default=0)
    refund_reserved_yen = models.PositiveIntegerField(default=0)
    provider_fee_yen = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(refund_reserved_yen__lte=F("amount_yen")), name="payment_refunds_within_amount"),
            models.CheckConstraint(condition=Q(refunded_yen__lte=F("refund_reserved_yen")), name="payment_refunded_within_reserved"),
            models.CheckConstraint(condition=Q(amount_yen__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.reference} {self.amount_yen} {self.status}"

    @property
    def refundable_yen(self):
        return max(0, self.captured_yen - self.refund_reserved_yen)

    @property
    def is_paid(self):
        return self.status in Status.PAID


class PaymentEvent(models.Model):
    """One line of a payment's history. Rows are appended, never changed."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=20)  # service, webhook, poll, staff
    note = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("payment history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("payment history is append-only")


class Refund(models.Model):
    State = RefundState

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    provider_ref = models.CharField(max_length=200, blank=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_yen__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")), name="refund_four_eyes"),
        ]


class LedgerEntry(models.Model):
    """The accounting office's book (収納簿): one entry per captured payment and per refund."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger_entries")
    refund = models.OneToOneField(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entry")
    amount_yen = models.IntegerField()  # refunds negative
    fee_code = models.CharField(max_length=64)
    department_code = models.CharField(max_length=32)
    provider = models.CharField(max_length=32)
    provider_ref = models.CharField(max_length=200)
    booked_on = models.DateField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booked_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["payment"], condition=Q(kind="payment"), name="one_ledger_entry_per_payment"),
        ]


class IdempotencyRecord(models.Model):
    """Our own API's replies, kept by key so a replay returns the first reply (standards §6)."""

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="unique_idempotency_key")]


class WebhookReceipt(models.Model):
    """Each provider event applied once: a replay of the same event id is acknowledged and skipped."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="unique_webhook_event")]


class PendingSignal(models.Model):
    """A payment signal to deliver (transactional outbox): written in the same transaction as the status change it
    announces, delivered right after commit and, if the process died before that or a receiver failed, again by
    the sweep. At-least-once: receivers must be idempotent."""

    class Kind(models.TextChoices):
        SUCCEEDED = "payment_succeeded"
        FAILED = "payment_failed"
        REFUNDED = "payment_refunded"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="pending_signals")
    signal = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="payments_signal_pending")]


class ReconciliationRun(models.Model):
    """A reconciliation (消込) of the ledger against a provider's settlement report; findings are kept, not fixed."""

    provider = models.CharField(max_length=32)
    period_start = models.DateField()
    period_end = models.DateField()
    run_at = models.DateTimeField(auto_now_add=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(default=dict)
    items = models.JSONField(default=list)

    class Meta:
        ordering = ["-run_at"]


class PaymentSlip(models.Model):
    """A payment slip (納付書) issued by staff: 納付番号 (16 digits) + 確認番号 (6 digits)."""

    State = SlipState

    number = models.CharField(_("payment number"), max_length=16, unique=True)
    check_code = models.CharField(_("confirmation number"), max_length=6)
    fee_code = models.CharField(max_length=64)
    department_code = models.CharField(max_length=32)
    description = models.JSONField(default=dict)
    quantity = models.PositiveIntegerField(default=1)
    amount_yen = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    failed_attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-issued_at"]


class Fee(models.Model):
    """A ward fee (手数料) staff issue payment slips for: data the fee table page edits, not code."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    department_code = models.CharField(_("department code"), max_length=32)
    name = models.JSONField(_("name"), default=dict)  # {"ja": ..., "en": ...}
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))
    unit = models.JSONField(_("unit"), default=dict)  # {"ja": "通", "en": "copy"}
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department_code", "code"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self):
        return self.code


class FeeChange(models.Model):
    """One change of a fee's amount: who, when, old → new. Rows are appended, never changed."""

    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changed_by_label = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    old_amount_yen = models.PositiveIntegerField()
    new_amount_yen = models.PositiveIntegerField()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("fee history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("fee history is append-only")


# --- the simulated provider's side: its own records, never read by our payment code directly ---
class SimIntent(models.Model):
    id = models.CharField(primary_key=True, max_length=40)
    idempotency_key = models.CharField(max_length=200, unique=True)
    request_hash = models.CharField(max_length=64)
    amount = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    reference = models.CharField(max_length=64)
    return_url = models.CharField(max_length=1000)
    status = models.CharField(max_length=32, default="requires_payment_method")
    amount_captured = models.PositiveIntegerField(default=0)
    amount_refunded = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=64, blank=True)
    card_brand_last4 = models.CharField(max_length=20, blank=True)  # e.g. "visa 4242" as real providers show
    settles_at = models.DateTimeField(null=True, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()


class SimRefund(models.Model):
    id = models.CharField(primary_key=True, max_length=40)
    intent = models.ForeignKey(SimIntent, on_delete=models.PROTECT, related_name="refunds")
    idempotency_key = models.CharField(max_length=200, unique=True)
    request_hash = models.CharField(max_length=64)
    amount = models.PositiveIntegerField()
    status = models.CharField(max_length=20, default="succeeded")
    created_at = models.DateTimeField(auto_now_add=True)


class SimWebhook(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_event_id)
    intent = models.ForeignKey(SimIntent, on_delete=models.PROTECT, related_name="webhooks")
    event_type = models.CharField(max_length=64)
    body = models.TextField()
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

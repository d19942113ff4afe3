"""The payment and refund lifecycles, each one table of moves with the party that may make it.

created → started → (authorised) → succeeded | failed | cancelled | expired; succeeded → refunded in part
or in full. Failed is not final: the resident may try again (failed → started) and a provider may still
capture (failed/cancelled/expired → succeeded), because money taken must always show as paid.
Outcome statuses change only on the provider's verified report (a signed webhook, or its answer to a poll or
to a call we made): the PROVIDER party, applied in `services.apply_snapshot`. The resident (or a guest) starts
and retries; the system expires a payment that never reached the provider.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkoto.core import workflow
from smartkoto.core.workflow import PAYMENT as PAYMENT_SIGNAL, PROVIDER, RESIDENT, STAFF, SYSTEM, TransitionNotAllowed, Workflow  # noqa: F401


class Status(models.TextChoices):
    CREATED = "created", _("Not started")
    STARTED = "started", _("In progress")
    AUTHORISED = "authorised", _("Authorised")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Not paid (declined or failed)")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    PARTIALLY_REFUNDED = "partially_refunded", _("Paid, partly refunded")
    REFUNDED = "refunded", _("Refunded")


Status.PAID = {Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED}
Status.OPEN = {Status.CREATED, Status.STARTED, Status.AUTHORISED, Status.FAILED}
Status.RESUMABLE = {Status.CREATED, Status.STARTED, Status.FAILED}


class RefundState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    REJECTED = "rejected", _("Rejected")
    SUBMITTED = "submitted", _("Sent to the provider")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Refund failed")


class SlipState(models.TextChoices):
    ISSUED = "issued", _("Not paid yet")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


S = Status
_OPEN = (S.CREATED, S.STARTED, S.AUTHORISED, S.FAILED)

PAYMENT = Workflow("payment", {
    (S.CREATED, S.STARTED): RESIDENT,
    (S.FAILED, S.STARTED): RESIDENT,
    **{(s, S.AUTHORISED): PROVIDER for s in (S.CREATED, S.STARTED, S.FAILED)},
    **{(s, S.SUCCEEDED): PROVIDER for s in (*_OPEN, S.CANCELLED, S.EXPIRED)},
    **{(s, S.FAILED): PROVIDER for s in (S.CREATED, S.STARTED, S.AUTHORISED)},
    **{(s, S.CANCELLED): PROVIDER for s in _OPEN},
    **{(s, S.EXPIRED): {PROVIDER, SYSTEM} for s in _OPEN},
    (S.SUCCEEDED, S.PARTIALLY_REFUNDED): PROVIDER,
    (S.SUCCEEDED, S.REFUNDED): PROVIDER,
    (S.PARTIALLY_REFUNDED, S.REFUNDED): PROVIDER,
})

R = RefundState
REFUND = Workflow("refund", {
    (R.REQUESTED, R.SUBMITTED): STAFF,   # approved by a second staff member
    (R.REQUESTED, R.REJECTED): STAFF,
    (R.SUBMITTED, R.SUCCEEDED): PROVIDER,
    (R.SUBMITTED, R.FAILED): PROVIDER,
}, field="state")

SLIP = Workflow("payment_slip", {
    (SlipState.ISSUED, SlipState.PAID): PAYMENT_SIGNAL,   # only the verified payment signal (payment_succeeded)
    (SlipState.ISSUED, SlipState.CANCELLED): STAFF,
}, field="state")

workflow.register(PAYMENT, states=Status.values)
workflow.register(SLIP, states=SlipState.values)
workflow.register(REFUND, states=RefundState.values)

# How far along a status is; a stale provider report never moves a payment back down this order,
# except that failed → started is a resident's own retry.
RANK = {S.CREATED: 0, S.STARTED: 1, S.FAILED: 1, S.AUTHORISED: 2, S.CANCELLED: 3, S.EXPIRED: 3,
        S.SUCCEEDED: 4, S.PARTIALLY_REFUNDED: 5, S.REFUNDED: 6}

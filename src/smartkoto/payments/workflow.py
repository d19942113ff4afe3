"""The payment lifecycle as a table (standards.md §6).

created → started → (authorised) → succeeded | failed | cancelled | expired; succeeded → refunded in part
or in full. Failed is not final: the resident may try again (failed → started) and a provider may still
capture (failed/cancelled/expired → succeeded), because money taken must always show as paid.
Outcome statuses change only on a verified webhook or a poll of the provider (services.apply_snapshot).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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

S = Status
TRANSITIONS = {
    S.CREATED: {S.STARTED, S.AUTHORISED, S.SUCCEEDED, S.FAILED, S.CANCELLED, S.EXPIRED},
    S.STARTED: {S.AUTHORISED, S.SUCCEEDED, S.FAILED, S.CANCELLED, S.EXPIRED},
    S.AUTHORISED: {S.SUCCEEDED, S.FAILED, S.CANCELLED, S.EXPIRED},
    S.FAILED: {S.STARTED, S.AUTHORISED, S.SUCCEEDED, S.CANCELLED, S.EXPIRED},
    S.CANCELLED: {S.SUCCEEDED},
    S.EXPIRED: {S.SUCCEEDED},
    S.SUCCEEDED: {S.PARTIALLY_REFUNDED, S.REFUNDED},
    S.PARTIALLY_REFUNDED: {S.REFUNDED},
    S.REFUNDED: set(),
}

# How far along a status is; a stale provider report never moves a payment back down this order,
# except that failed → started is a resident's own retry.
RANK = {S.CREATED: 0, S.STARTED: 1, S.FAILED: 1, S.AUTHORISED: 2, S.CANCELLED: 3, S.EXPIRED: 3,
        S.SUCCEEDED: 4, S.PARTIALLY_REFUNDED: 5, S.REFUNDED: 6}


def can_move(from_status, to_status):
    return to_status in TRANSITIONS[Status(from_status)]

"""Which status may follow which (申請の状態遷移), as one table. Every change is appended to the case history."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING_PAYMENT = "awaiting_payment", _("payment needed")
    RECEIVED = "received", _("received")
    IN_REVIEW = "in_review", _("in review")
    WAITING_FOR_RESIDENT = "waiting_for_resident", _("waiting for you")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    COMPLETED = "completed", _("completed")
    WITHDRAWN = "withdrawn", _("withdrawn")


STAFF = "staff"
RESIDENT = "resident"
PAYMENT = "payment"  # only the verified payment signal (payments.signals.payment_succeeded)

# (from, to): who may make the move
TRANSITIONS = {
    (Status.DRAFT, Status.RECEIVED): RESIDENT,
    (Status.RECEIVED, Status.IN_REVIEW): STAFF,
    (Status.RECEIVED, Status.WITHDRAWN): RESIDENT,
    (Status.IN_REVIEW, Status.WAITING_FOR_RESIDENT): STAFF,
    (Status.WAITING_FOR_RESIDENT, Status.IN_REVIEW): RESIDENT,  # the resident answered
    (Status.IN_REVIEW, Status.APPROVED): STAFF,
    (Status.IN_REVIEW, Status.REJECTED): STAFF,
    (Status.APPROVED, Status.COMPLETED): STAFF,
    (Status.REJECTED, Status.COMPLETED): STAFF,
    # fees (see docs/applications.md "Payment"): paid when sent, or after approval once staff set the amount
    (Status.DRAFT, Status.AWAITING_PAYMENT): RESIDENT,
    (Status.AWAITING_PAYMENT, Status.RECEIVED): PAYMENT,
    (Status.APPROVED, Status.AWAITING_PAYMENT): STAFF,
    (Status.AWAITING_PAYMENT, Status.COMPLETED): PAYMENT,
}
DECIDED = (Status.APPROVED, Status.REJECTED, Status.COMPLETED)
OPEN = (Status.RECEIVED, Status.IN_REVIEW, Status.WAITING_FOR_RESIDENT)
WAITING_FOR_PAYMENT = (Status.AWAITING_PAYMENT,)
ACTION_LABELS = {
    Status.IN_REVIEW: _("Start review"),
    Status.WAITING_FOR_RESIDENT: _("Ask the resident for more information"),
    Status.APPROVED: _("Approve"),
    Status.REJECTED: pgettext_lazy("application", "Reject"),
    Status.COMPLETED: _("Mark as completed"),
    Status.AWAITING_PAYMENT: _("Ask the resident to pay"),
}


class TransitionNotAllowed(Exception):
    pass


def allowed(current, target, actor):
    return TRANSITIONS.get((current, target)) == actor


def next_for_staff(current):
    return [to for (frm, to), who in TRANSITIONS.items() if frm == current and who == STAFF]


def check(current, target, actor):
    if not allowed(current, target, actor):
        raise TransitionNotAllowed(f"{current} → {target} is not allowed for {actor}")

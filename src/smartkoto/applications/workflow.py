"""Which status may follow which (申請の状態遷移), as one table with the party that may make each move.
`WF.apply` (inside a service) is the only code that changes an application's status; every change is
appended to the case history."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartkoto.core import workflow
from smartkoto.core.workflow import PAYMENT, RESIDENT, STAFF, TransitionNotAllowed  # noqa: F401  (part of this module's surface)


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


# PAYMENT: only the verified payment signal (payments.signals.payment_succeeded)
WF = workflow.register(workflow.Workflow("application", {
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
}), states=Status.values)

DECIDED = (Status.APPROVED, Status.REJECTED, Status.COMPLETED)
OPEN = (Status.RECEIVED, Status.IN_REVIEW, Status.WAITING_FOR_RESIDENT)
WAITING_FOR_PAYMENT = (Status.AWAITING_PAYMENT,)
FEE_CAN_BE_SET = (Status.RECEIVED, Status.IN_REVIEW, Status.WAITING_FOR_RESIDENT, Status.APPROVED)
"""A pay-after-approval case's fee may be set (or changed) while the case is open or approved, before payment."""
AFTER_APPROVAL = "after_approval"

ACTION_LABELS = {
    Status.IN_REVIEW: _("Start review"),
    Status.WAITING_FOR_RESIDENT: _("Ask the resident for more information"),
    Status.APPROVED: _("Approve"),
    Status.REJECTED: pgettext_lazy("application", "Reject"),
    Status.COMPLETED: _("Mark as completed"),
    Status.AWAITING_PAYMENT: _("Ask the resident to pay"),
}


def fee_open(application):
    """The state part of "staff may set the fee": a pay-after-approval case not yet paid or closed."""
    return application.fee_timing == AFTER_APPROVAL and application.status in FEE_CAN_BE_SET

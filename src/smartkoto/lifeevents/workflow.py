"""Lifecycles of a one-stop bundle, of each part's hand-off to its department, and of a counter pre-entry.

Counter tokens have no status: a token is spent (`used_at`) or past `expires_at`, checked in `services.redeem`.
"""

from smartkoto.core import workflow
from smartkoto.core.workflow import RESIDENT, STAFF, SYSTEM, Workflow

from .models import Bundle, BundlePart, PreEntry

BUNDLE = workflow.register(Workflow("lifeevents.bundle", {
    (Bundle.Status.DRAFT, Bundle.Status.SUBMITTED): RESIDENT,
}), states=Bundle.Status.values)

HAND_OFF = workflow.register(Workflow("lifeevents.hand_off", {
    (BundlePart.HandOff.PENDING, BundlePart.HandOff.DONE): SYSTEM,
    (BundlePart.HandOff.PENDING, BundlePart.HandOff.FAILED): SYSTEM,
    (BundlePart.HandOff.FAILED, BundlePart.HandOff.DONE): SYSTEM,
}, field="hand_off"), states=BundlePart.HandOff.values)

PRE_ENTRY = workflow.register(Workflow("lifeevents.pre_entry", {
    (PreEntry.Status.DRAFT, PreEntry.Status.READY): RESIDENT,
    (PreEntry.Status.DRAFT, PreEntry.Status.AT_COUNTER): STAFF,
    (PreEntry.Status.READY, PreEntry.Status.AT_COUNTER): STAFF,
    (PreEntry.Status.DRAFT, PreEntry.Status.PRINTED): STAFF,  # interview mode: filled and printed at the desk
    (PreEntry.Status.READY, PreEntry.Status.PRINTED): STAFF,
    (PreEntry.Status.AT_COUNTER, PreEntry.Status.PRINTED): STAFF,
}), states=PreEntry.Status.values)

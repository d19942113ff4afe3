"""Background work: retry a bundle part whose hand-off to its department failed (the other parts are kept)."""

import logging
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone
from django_tasks import default_task_backend, task

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def _as_owner(user):
    """The hand-off acts for the resident who sent the bundle (audited as them, with no request address)."""
    return SimpleNamespace(user=user, META={}, request_id="", session={})


@task()
def retry_hand_off(part_id):
    from . import services
    from .models import BundlePart

    part = BundlePart.objects.select_related("bundle", "bundle__owner").filter(pk=part_id).first()
    if part is None or part.hand_off == BundlePart.HandOff.DONE:
        return "skipped"
    try:
        services.hand_off(part, request=_as_owner(part.bundle.owner))
    except Exception:  # noqa: BLE001
        part.refresh_from_db()
        log.warning("bundle part %s hand-off failed again (attempt %s)", part.pk, part.attempts)
        if part.attempts < MAX_ATTEMPTS and default_task_backend.supports_defer:
            delay = timedelta(minutes=2 ** part.attempts)
            retry_hand_off.using(run_after=timezone.now() + delay).enqueue(part.pk)
        return "failed"
    return "handed off"


def retry_failed():
    """Retry every failed part now (used by the staff bundle page and the tests)."""
    from .models import BundlePart

    for part_id in BundlePart.objects.filter(hand_off=BundlePart.HandOff.FAILED).values_list("pk", flat=True):
        retry_hand_off.enqueue(part_id)

"""Background work: retry a bundle part whose hand-off to its department failed (the other parts are kept).

The retry acts as the resident who sent the bundle — `Actor.for_user(owner)`, not a system actor: the
application it creates is the resident's own (the applications app makes the signed-in resident the
applicant, and its policy lets a resident submit only their own), and the audit log shows the hand-off as
theirs, as when it ran during their request. `request_id` names the task so the audit trail tells the two apart.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from smartkoto.core.actor import Actor

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


@task()
def retry_hand_off(part_id):
    from . import services
    from .models import BundlePart

    part = BundlePart.objects.select_related("bundle", "bundle__owner").filter(pk=part_id).first()
    if part is None or part.hand_off == BundlePart.HandOff.DONE:
        return "skipped"
    actor = Actor.for_user(part.bundle.owner, request_id=f"task:lifeevents.retry_hand_off:{part.pk}")
    try:
        services.hand_off(part, actor=actor)
    except Exception:  # noqa: BLE001
        part.refresh_from_db()
        log.warning("bundle part %s hand-off failed again (attempt %s)", part.pk, part.attempts)
        if part.attempts < MAX_ATTEMPTS and default_task_backend.supports_defer:
            delay = timedelta(minutes=2 ** part.attempts)
            retry_hand_off.using(run_after=timezone.now() + delay).enqueue(part.pk)
        return "failed"
    return "handed off"

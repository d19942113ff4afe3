"""Periodic background work. The Tasks API has no scheduler, so each worker process runs this small one:
every few seconds it enqueues the entries of settings.PERIODIC_TASKS that are due. A row per entry,
claimed with a conditional UPDATE, makes sure that many workers together enqueue each run once.

    PERIODIC_TASKS = [("payments-sweep", 300, "smartkoto.payments.tasks.sweep"),
                      ("opendata-live", 3600, "command:opendata_refresh_live", "bulk")]   # optional queue
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

log = logging.getLogger(__name__)


def entries():
    return list(getattr(settings, "PERIODIC_TASKS", []))


def _claim(name, every_seconds, now):
    due_before = now - timedelta(seconds=every_seconds)
    if ScheduledRun.objects.filter(name=name, last_enqueued_at__lte=due_before).update(last_enqueued_at=now):
        return True
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=name, last_enqueued_at=now)
        return True
    except IntegrityError:
        return False


def run_due(now=None):
    """Enqueue every entry that is due. Returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for name, every_seconds, target, *rest in entries():
        queue = rest[0] if rest else None
        if not _claim(name, every_seconds, now):
            continue
        try:
            if target.startswith("command:"):
                from .tasks import run_management_command

                task, args = run_management_command, [target.removeprefix("command:")]
            else:
                task, args = import_string(target), []
            if queue:
                task = task.using(queue_name=queue)
            task.enqueue(*args)
            enqueued.append(name)
        except Exception:  # noqa: BLE001 - one broken entry must not stop the others
            log.exception("periodic task could not be enqueued", extra={"periodic_task": name})
    return enqueued

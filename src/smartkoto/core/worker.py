"""The background worker: Django Tasks' database worker plus a heartbeat that /readyz reads."""

import logging
import os
import socket
import threading
import time

from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

HEARTBEAT_SECONDS = 10
log = logging.getLogger(__name__)


def _heartbeat(name, stop):
    """Every few seconds: tell /readyz this worker lives, and enqueue the periodic tasks that are due."""
    from . import schedule
    from .models import WorkerHeartbeat

    while not stop.is_set():
        try:
            WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
            schedule.run_due()
        except Exception:  # noqa: BLE001 - a missed beat shows up in /readyz; the worker keeps going
            log.exception("worker heartbeat failed")
        finally:
            close_old_connections()
        stop.wait(HEARTBEAT_SECONDS)


def run(queue="*", interval=1.0):
    name = f"{socket.gethostname()}:{os.getpid()}"
    stop = threading.Event()
    threading.Thread(target=_heartbeat, args=(name, stop), daemon=True).start()
    try:
        call_command("db_worker", queue_name=queue, interval=interval, reload=False)
    finally:
        stop.set()
        time.sleep(0)

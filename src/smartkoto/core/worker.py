"""The background worker: Django Tasks' database worker, a heartbeat that /readyz reads, and the audit
sealer (every worker tries each second; one at a time gets to seal, see core/audit.py)."""

import logging
import os
import signal
import socket
import threading
import time

from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

HEARTBEAT_SECONDS = 10
SEAL_SECONDS = 1
log = logging.getLogger(__name__)


def _parent_gone(parent_pid):
    """A worker started by `smartkoto run` stops when that `run` is gone (killed with SIGKILL): it was
    re-parented, so its parent is no longer the `run` that started it."""
    return bool(parent_pid) and os.getppid() != parent_pid


def _heartbeat(name, stop, parent_pid=None):
    """Every few seconds: tell /readyz this worker lives, and enqueue the periodic tasks that are due."""
    from . import schedule
    from .models import WorkerHeartbeat

    while not stop.is_set():
        if _parent_gone(parent_pid):
            log.warning("smartkoto run is gone: this worker stops", extra={"parent_pid": parent_pid})
            os.kill(os.getpid(), signal.SIGTERM)  # the database worker finishes its current task and exits
            return
        try:
            WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
            schedule.run_due()
        except Exception:  # noqa: BLE001 - a missed beat shows up in /readyz; the worker keeps going
            log.exception("worker heartbeat failed")
        finally:
            close_old_connections()
        stop.wait(HEARTBEAT_SECONDS)


def _sealer(stop):
    """Seal committed audit records into the chain every second."""
    from . import audit

    while not stop.is_set():
        try:
            audit.seal()
        except Exception:  # noqa: BLE001 - records left unsealed show up in /readyz; the next round retries
            log.exception("audit sealing failed")
        finally:
            close_old_connections()
        stop.wait(SEAL_SECONDS)


QUEUES = ("default", "bulk")  # settings.TASKS["default"]["QUEUES"]; `smartkoto run` starts one worker for each


def run(queue="default", interval=1.0, parent_pid=None):
    """Work the tasks of `queue` ("default": payments, mail, scheduled work; "bulk": long open-data loads;
    a comma-separated list, or "*" for all queues) until SIGTERM/SIGINT."""
    name = f"{socket.gethostname()}:{os.getpid()}:{queue}"[:200]
    stop = threading.Event()
    threading.Thread(target=_heartbeat, args=(name, stop, parent_pid), daemon=True).start()
    threading.Thread(target=_sealer, args=(stop,), daemon=True, name="audit-sealer").start()
    try:
        call_command("db_worker", queue_name=queue, interval=interval, reload=False)
    finally:
        stop.set()
        time.sleep(0)

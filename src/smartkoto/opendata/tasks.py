"""Background work: loading an uploaded version into the datastore (Django Tasks API).

Loads are long (a large file takes minutes), so they run on their own queue, `bulk`, served by its own
worker: payments, mail and scheduled work on the default queue never wait behind them. The task
backend must accept the queue (settings.TASKS["default"]["QUEUES"] lists "bulk", or lists none); until
it does, loads fall back to the default queue with a warning in the log.
"""

import logging

from django_tasks import DEFAULT_TASK_QUEUE_NAME, task, task_backends

BULK_QUEUE = "bulk"
log = logging.getLogger(__name__)


@task()
def load_resource_file(file_id: int):
    from . import datastore
    from .models import ResourceFile

    version = ResourceFile.objects.select_related("resource").filter(pk=file_id).first()
    if version is None or version.load_state not in (ResourceFile.Load.QUEUED, ResourceFile.Load.LOADING):
        return "skipped"
    return datastore.load(version).load_state


def bulk_queue():
    """The queue for long loads: "bulk" when the backend accepts it, else the default queue."""
    queues = task_backends[load_resource_file.backend].queues
    if not queues or BULK_QUEUE in queues:
        return BULK_QUEUE
    log.warning("the task backend does not accept the %r queue (settings.TASKS QUEUES); open-data loads run on %r",
                BULK_QUEUE, DEFAULT_TASK_QUEUE_NAME)
    return DEFAULT_TASK_QUEUE_NAME


def enqueue_load(file_id: int):
    """Enqueue the datastore load of one version on the bulk queue."""
    return load_resource_file.using(queue_name=bulk_queue()).enqueue(file_id)

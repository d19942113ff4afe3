"""Core background work, and the one way to enqueue follow-up work with the change it follows."""

from django.core.management import call_command
from django.db import transaction
from django_tasks import task


def in_same_database(task_):
    """True when `task_`'s backend stores tasks in this database (django-tasks-db, the default and production):
    a task enqueued inside a transaction then commits or rolls back with it (a transactional outbox)."""
    from django_tasks_db import DatabaseBackend

    return isinstance(task_.get_backend(), DatabaseBackend)


def enqueue_in_transaction(task_, *args):
    """Enqueue follow-up work so that a crash can lose neither the change nor its task: inside the current
    transaction when tasks live in this database; other backends (the tests' immediate one, a broker) get the
    task after commit. Handlers must be idempotent: delivery is at least once."""
    if in_same_database(task_):
        return task_.enqueue(*args)
    transaction.on_commit(lambda: task_.enqueue(*args))
    return None


@task()
def run_management_command(name):
    """Lets the scheduler (core/schedule.py) run maintenance commands on a worker."""
    call_command(name)
    return name


@task()
def purge_throttles():
    """Drop rate-limit rows nobody has touched for a day (core/throttle.py); scheduled hourly."""
    from . import throttle

    return throttle.purge()

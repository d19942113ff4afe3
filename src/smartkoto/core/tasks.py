from django.core.management import call_command
from django_tasks import task


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

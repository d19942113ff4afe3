"""The worker's scheduler enqueues each periodic task once per interval, however many workers run."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import task

from smartkoto.core import schedule

RUNS = []


@task()
def tick():
    RUNS.append(1)
    return "ticked"


@pytest.fixture
def one_entry(settings):
    RUNS.clear()
    settings.PERIODIC_TASKS = [("tick", 60, "tests.core.test_schedule.tick")]


@pytest.mark.django_db
def test_due_task_is_enqueued_once_per_interval(one_entry):
    now = timezone.now()
    assert schedule.run_due(now) == ["tick"]
    assert schedule.run_due(now + timedelta(seconds=30)) == []
    assert schedule.run_due(now + timedelta(seconds=61)) == ["tick"]
    assert len(RUNS) == 2


@pytest.mark.django_db
def test_management_commands_can_be_scheduled(settings):
    settings.PERIODIC_TASKS = [("check", 60, "command:check")]
    assert schedule.run_due() == ["check"]


@pytest.mark.django_db
def test_an_entry_may_name_its_queue(settings, monkeypatch):
    from django_tasks.backends.immediate import ImmediateBackend

    queues = []
    original = ImmediateBackend.enqueue

    def spy(self, task, args, kwargs):
        queues.append((task.name, task.queue_name))
        return original(self, task, args, kwargs)

    monkeypatch.setattr(ImmediateBackend, "enqueue", spy)
    settings.PERIODIC_TASKS = [("check", 60, "command:check", "bulk"), ("tick", 60, "tests.core.test_schedule.tick")]
    assert schedule.run_due() == ["check", "tick"]
    assert queues == [("run_management_command", "bulk"), ("tick", "default")]


@pytest.mark.django_db
def test_a_broken_entry_does_not_stop_the_others(settings):
    RUNS.clear()
    settings.PERIODIC_TASKS = [("broken", 60, "tests.core.test_schedule.missing"), ("tick", 60, "tests.core.test_schedule.tick")]
    assert schedule.run_due() == ["tick"]
    assert RUNS == [1]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_enqueue_a_run_once(one_entry):
    now = timezone.now()
    results, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        try:
            results.append(schedule.run_due(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0] * 7 + [1]
    assert len(RUNS) == 1

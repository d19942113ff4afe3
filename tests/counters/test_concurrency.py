"""Kiosks and clerks in parallel: numbers are never given twice, a ticket is never called by two clerks."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from smartkoto.core.actor import Actor
from smartkoto.counters import services
from smartkoto.counters.models import Ticket

AT_KIOSK = {"actor": Actor.anonymous(), "kiosk": "honchosha"}  # the enrolled lobby kiosk of the main office

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _race(count, work):
    barrier = Barrier(count)

    def run(index):
        try:
            barrier.wait()
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_twenty_kiosk_presses_give_twenty_different_numbers(ido):
    tickets = _race(20, lambda i: services.issue_ticket(ido, **AT_KIOSK))
    assert sorted(t.number for t in tickets) == list(range(1, 21))


def test_five_clerks_calling_three_tickets_call_each_once(ido, clerk):
    for _ in range(3):
        services.issue_ticket(ido, **AT_KIOSK)
    results = _race(5, lambda i: services.call_next([ido], str(i + 1), actor=clerk))
    called = [t.pk for t in results if t is not None]
    assert len(called) == len(set(called)) == 3
    assert Ticket.objects.filter(status="called").count() == 3

"""Throttles hold under parallel requests (one conditional increment in the database, not read-then-write),
and a staff lockout is per (staff ID, client address) with growing delays: a stranger elsewhere cannot
lock a clerk out of the counter."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from smartkoto.core import throttle
from smartkoto.core.models import AuditRecord, Throttle
from smartkoto.identity.models import User

PASSWORD = "correct horse battery staple"


def _parallel(count, work):
    """Run work(i) in `count` threads at once, each with its own database connection."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            barrier.wait(10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_wrong_passwords_evaluate_at_most_five(make_staff, settings, monkeypatch):
    settings.STAFF_LOGIN_MAX_FAILURES = 5
    clerk = make_staff(username="counter-clerk")
    evaluated = []
    original = User.check_password

    def slow_check(self, raw):  # a real hash takes time: that is the window a read-then-write throttle loses
        evaluated.append(raw)
        time.sleep(0.05)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", slow_check)

    def attempt(i):
        response = Client(REMOTE_ADDR="203.0.113.50").post(
            "/en/staff/sign-in/", {"username": clerk.username, "password": f"wrong password {i}!"})
        return response.content.decode()

    pages = _parallel(20, attempt)
    assert len(evaluated) <= 5, f"{len(evaluated)} passwords evaluated"
    assert len(evaluated) == 5  # and no attempt below the limit was lost either
    assert sum("Too many failed attempts" in page for page in pages) == 15
    assert AuditRecord.objects.filter(action="identity.staff_sign_in_failed").count() == 5
    # locked now, even with the right password
    page = Client(REMOTE_ADDR="203.0.113.50").post("/en/staff/sign-in/", {"username": clerk.username, "password": PASSWORD})
    assert "Too many failed attempts" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_sign_in_link_requests_send_no_more_than_the_limit(settings):
    from smartkoto.notifications.models import OutboxEmail

    settings.EMAIL_BACKEND = "smartkoto.notifications.backends.OutboxBackend"
    settings.EMAIL_LINKS_PER_HOUR = 3

    def ask(i):
        return Client(REMOTE_ADDR=f"198.51.100.{i + 1}").post("/en/sign-in/", {"email": "flood@example.jp"}).status_code

    assert set(_parallel(12, ask)) == {200}
    assert OutboxEmail.objects.filter(to__icontains="flood@example.jp").count() == 3


@pytest.mark.django_db
def test_a_stranger_elsewhere_cannot_lock_a_clerk_out(make_staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 5
    clerk = make_staff(username="counter-clerk")
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(8):
        stranger.post("/en/staff/sign-in/", {"username": clerk.username, "password": "wrong password!"})
    assert "Too many failed attempts" in stranger.post(
        "/en/staff/sign-in/", {"username": clerk.username, "password": PASSWORD}).content.decode()
    at_the_counter = Client(REMOTE_ADDR="10.20.0.15")
    response = at_the_counter.post("/en/staff/sign-in/", {"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].endswith("/staff/sign-in/code/")


@pytest.mark.django_db
def test_each_further_lock_lasts_twice_as_long(make_staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    settings.STAFF_LOGIN_LOCK_SECONDS = 60
    settings.STAFF_LOGIN_MAX_LOCK_SECONDS = 200
    clerk = make_staff(username="counter-clerk")
    client = Client(REMOTE_ADDR="10.20.0.15")
    lengths = []
    for _round in range(4):
        for _ in range(3):
            client.post("/en/staff/sign-in/", {"username": clerk.username, "password": "wrong password!"})
        row = Throttle.objects.get(key__startswith="stafflogin:user:")
        lengths.append(round((row.locked_until - timezone.now()).total_seconds() / 10) * 10)
        page = client.post("/en/staff/sign-in/", {"username": clerk.username, "password": PASSWORD}).content.decode()
        assert "Too many failed attempts" in page
        Throttle.objects.filter(pk=row.pk).update(locked_until=timezone.now() - timedelta(seconds=1))  # the lock ran out
    assert lengths == [60, 120, 200, 200]  # growing, up to the longest
    assert "Wait 4 minutes" in page or "Wait 3 minutes" in page  # the page says how long (200 s)
    # after the last lock ran out the right password works, and a full sign-in forgets the level
    assert client.post("/en/staff/sign-in/", {"username": clerk.username, "password": PASSWORD}).status_code == 302


def test_lockout_arithmetic():
    lock = throttle.Lockout("k", 5, 60, 3600)
    assert [lock.delay(level) for level in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.django_db
def test_old_rows_are_purged_and_running_locks_kept():
    from smartkoto.core.tasks import purge_throttles

    long_ago = timezone.now() - timedelta(days=3)
    Throttle.objects.create(key="old", count=3, window_ends=long_ago)
    Throttle.objects.create(key="old-but-locked", count=5, window_ends=long_ago, locked_until=timezone.now() + timedelta(hours=1))
    Throttle.objects.create(key="fresh", count=1, window_ends=timezone.now() + timedelta(hours=1))
    purge_throttles.enqueue()
    assert set(Throttle.objects.values_list("key", flat=True)) == {"old-but-locked", "fresh"}

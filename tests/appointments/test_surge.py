"""The rush: 1,000 concurrent clients for 100 places, against the production server over real HTTP.

Each client is a signed-in resident's browser: it reads the free times, posts a hold for one of them,
confirms it, and tries other times while any are left. 100 of the 900 residents use two tabs at once.
Expected: exactly 100 confirmed bookings, nobody with two, no 5xx other than the waiting room's 503
(which clients answer by retrying after Retry-After). Runs on whichever database the suite uses
(SQLite or PostgreSQL).
"""

import http.client
import json
import os
import random
import re
import secrets
import threading
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db.models import Count
from django.utils import timezone

from smartkoto.appointments import services
from smartkoto.appointments.models import Booking, Service, Slot
from smartkoto.identity.models import AssuranceLevel, ResidentProfile, User

from smartkoto.core.actor import Actor

from .liveserver import Server

PUBLIC = Actor.anonymous()

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CLIENTS = int(os.environ.get("SMARTKOTO_SURGE_CLIENTS", 1000))  # smaller only for local debugging
RESIDENTS = CLIENTS * 9 // 10
PLACES_PER_SLOT = 4  # 25 slots of 20 minutes between 8:30 and 17:00 -> 100 places
DEADLINE_SECONDS = 300  # the whole rush must be over by then
SERVERS = 2
REQUEST_TIMEOUT = 200  # a client waits this long at most for one answer (queued in the server's backlog)
CSRF = "surgeCSRFtoken0123456789abcdefgh"  # 32 allowed characters: cookie and form field agree


def _setup(honchosha):
    service = Service.objects.create(
        code="surge-test", kind="counter", name={"ja": "集中テスト", "en": "Surge test"}, department_code="kumin",
        capacity=PLACES_PER_SLOT, slot_minutes=20, min_notice_hours=0, horizon_days=60, max_active_per_person=5)
    service.offices.add(honchosha)
    day = services.today() + timedelta(days=1)
    while not services.slot_times(service, honchosha, day):
        day += timedelta(days=1)
    slots = list(services.ensure_slots(service, honchosha, day, actor=PUBLIC))
    assert sum(s.capacity for s in slots) == 100
    users = User.objects.bulk_create([User(username=f"surge-{i}", kind=User.Kind.RESIDENT) for i in range(RESIDENTS)])
    ResidentProfile.objects.bulk_create([
        ResidentProfile(user=u, provider="development", subject=f"surge-{i}", assurance_level=AssuranceLevel.CARD,
                        full_name=f"住民{i}", email=f"surge{i}@example.jp") for i, u in enumerate(users)])
    sessions, keys = [], []
    for user in users:
        store = SessionStore()
        key = secrets.token_hex(16)
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=timezone.now() + timedelta(hours=2)))
        keys.append(key)
    Session.objects.bulk_create(sessions)
    return service, day, keys


class Client(threading.Thread):
    def __init__(self, index, server, day, session_key, start, deadline):
        super().__init__(daemon=True)
        self.index, self.server, self.day, self.start_event, self.deadline = index, server, day, start, deadline
        self.cookie = f"sessionid={session_key}; csrftoken={CSRF}"
        self.result = None
        self.statuses = Counter()
        self.rng = random.Random(index)
        self.waited = 0

    def request(self, method, path, body=None, cookie=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=REQUEST_TIMEOUT)
        headers = {"Connection": "close"}
        if cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def run(self):
        self.start_event.wait()
        day = self.day.isoformat()
        try:
            status, _h, body = self.request("GET", f"/api/appointments/services/surge-test/availability?office=honchosha&date={day}", cookie=False)
            self.statuses[status] += 1
            if status != 200:
                self.result = f"http {status}"
                return
            free = [s["id"] for s in json.loads(body)["slots"] if s["remaining"] > 0]
            while time.monotonic() < self.deadline:
                if not free:
                    self.result = "sold_out"
                    return
                chosen = self.rng.choice(free)
                form = urlencode({"csrfmiddlewaretoken": CSRF, "slot": chosen, "key": secrets.token_urlsafe(16)})
                while True:
                    status, headers, body = self.request("POST", f"/appointments/s/surge-test/honchosha/{day}/", form)
                    self.statuses[status] += 1
                    if status != 503:
                        break
                    self.waited += 1
                    time.sleep(float(headers.get("retry-after", 1)) * self.rng.uniform(0.3, 1.0))
                if status == 302:
                    confirm = re.sub(r"^https?://[^/]+", "", headers["location"])
                    status, headers, body = self.request("POST", confirm, urlencode({"csrfmiddlewaretoken": CSRF, "email": f"c{self.index}@example.jp"}))
                    self.statuses[status] += 1
                    self.result = "booked" if status == 302 else f"confirm {status}"
                    return
                refusal = headers.get("x-booking-refused", "")
                if status == 409 and refusal == "already_booked":
                    self.result = "already_booked"
                    return
                if status != 409 or refusal != "full":
                    self.result = f"http {status} {refusal}"
                    return
                # like a person: pick another of the times the page still offers
                free = [int(v) for v in re.findall(r'name="slot" value="(\d+)"', body) if int(v) != chosen]
            self.result = "timeout"
        except Exception as exc:  # noqa: BLE001  a refused connection must show in the result, not kill the thread silently
            self.result = f"error {type(exc).__name__}: {exc}"


def test_thousand_clients_for_hundred_places_make_exactly_hundred_bookings(koto, honchosha):
    service, day, keys = _setup(honchosha)
    env = {"SMARTKOTO_BOOKING_CONCURRENCY": "4", "SMARTKOTO_BOOKING_QUEUE": "2",
           "SMARTKOTO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    # two production server processes, as behind a load balancer; clients alternate between them
    servers = [Server(threads=12, extra_env=env) for _ in range(SERVERS)]
    try:
        for server in servers:
            server.wait_ready()
        start = threading.Event()
        deadline = time.monotonic() + DEADLINE_SECONDS
        clients = [Client(i, servers[i % SERVERS], day, keys[i % RESIDENTS], start, deadline) for i in range(CLIENTS)]
        for client in clients:
            client.start()
        began = time.monotonic()
        start.set()
        for client in clients:
            client.join(max(deadline - time.monotonic(), 0) + 30)
        elapsed = time.monotonic() - began
        output = "\n".join(server.output() for server in servers)
    finally:
        for server in servers:
            server.stop()
    results = Counter(client.result for client in clients)
    statuses = sum((client.statuses for client in clients), Counter())
    waited = sum(client.waited for client in clients)
    print(f"\nsurge: {CLIENTS} clients in {elapsed:.1f}s; results {dict(results)}; HTTP {dict(statuses)}; "
          f"waiting-room answers {waited}")
    assert not [s for s in statuses if s >= 500 and s != 503], f"server errors: {statuses}\n{output}"
    assert set(results) <= {"booked", "sold_out", "already_booked"}, results
    assert results["booked"] == 100
    confirmed = Booking.objects.filter(service=service, status="confirmed")
    assert confirmed.count() == 100
    assert not Booking.objects.filter(service=service, status="held").exists()
    per_person = confirmed.values("user").annotate(n=Count("id")).order_by("-n")
    assert per_person[0]["n"] == 1 and per_person.count() == 100
    assert all(slot.booked == slot.capacity == slot.bookings.filter(status="confirmed").count()
               for slot in Slot.objects.filter(service=service))

"""Booking throughput during a surge, as a ratio of /healthz through the same server in the same run.

    .venv/bin/python bench/bench_appointments.py [--clients 1000] [--threads 16]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/bench_appointments.py

Starts `smartkoto serve` (waitress) on a free 127.0.0.1 port with its own SMARTKOTO_DATA_DIR (or the
given DATABASE_URL, which it migrates and fills), creates 100 places and signed-in residents, then:
1. floor: /healthz with 32 parallel clients;
2. surge: N parallel residents each read the free times, hold one, confirm it, try other times while
   any are left (the refused ones get 409 with the remaining times; the waiting room answers 503).
Prints requests per second of each and the ratio surge/floor. No thresholds: a number to watch.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
CSRF = "benchCSRFtoken0123456789abcdefgh"

SETUP = r'''
import json, os, secrets, sys
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable", verbosity=0)
from smartkoto.municipality import demo as m; m.load()
from smartkoto.appointments import demo as a; a.load()
from smartkoto.counters import demo as c; c.load()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from smartkoto.appointments import services
from smartkoto.core.actor import Actor

PUBLIC = Actor.anonymous()
from smartkoto.appointments.models import Booking, Service
from smartkoto.identity.models import AssuranceLevel, ResidentProfile, User
from smartkoto.municipality.models import Office
residents = int(sys.argv[1])
office = Office.objects.get(code="honchosha")
Booking.objects.filter(service__code="bench-surge").delete()
Service.objects.filter(code="bench-surge").delete()
service = Service.objects.create(code="bench-surge", kind="counter", name={"ja": "ベンチ", "en": "Bench"}, department_code="kumin",
                                 capacity=4, slot_minutes=20, min_notice_hours=0, horizon_days=60, max_active_per_person=5)
service.offices.add(office)
day = services.today() + timedelta(days=1)
while not services.slot_times(service, office, day):
    day += timedelta(days=1)
list(services.ensure_slots(service, office, day, actor=PUBLIC))
existing = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
new = [User(username=f"bench-{i}", kind="resident") for i in range(residents) if f"bench-{i}" not in existing]
User.objects.bulk_create(new)
users = list(User.objects.filter(username__startswith="bench-").order_by("id"))[:residents]
ResidentProfile.objects.bulk_create([ResidentProfile(user=u, provider="development", subject=u.username, assurance_level=AssuranceLevel.CARD,
                                                     email=f"{u.username}@example.jp") for u in users if not hasattr(u, "profile")], ignore_conflicts=True)
keys, rows = [], []
for u in users:
    key = secrets.token_hex(16)
    data = {SESSION_KEY: str(u.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend", HASH_SESSION_KEY: u.get_session_auth_hash()}
    rows.append(Session(session_key=key, session_data=SessionStore().encode(data), expire_date=timezone.now() + timedelta(hours=2)))
    keys.append(key)
Session.objects.bulk_create(rows)
print(json.dumps({"day": day.isoformat(), "keys": keys}))
'''


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BenchServer:
    """`smartkoto serve` in a subprocess with its own data folder (SQLite) unless DATABASE_URL is set."""

    def __init__(self, threads=16, residents=0, extra_env=None):
        self.data_dir = tempfile.mkdtemp(prefix="sk-bench-")
        self.env = {**os.environ, "SMARTKOTO_DATA_DIR": self.data_dir, "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
                    "SMARTKOTO_LOG_LEVEL": "ERROR", "SMARTKOTO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                    "SMARTKOTO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend", **(extra_env or {})}
        setup = subprocess.run([PYTHON, "-c", SETUP, str(residents)], env=self.env, capture_output=True, text=True, cwd=ROOT)
        if setup.returncode:
            raise SystemExit(setup.stderr[-3000:])
        self.setup = json.loads(setup.stdout.strip().splitlines()[-1])
        self.port = free_port()
        self.log = open(Path(self.data_dir) / "server.log", "w")
        self.process = subprocess.Popen([PYTHON, "-m", "smartkoto.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                         "--threads", str(threads)], env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def request(port, method, path, body=None, headers=None, timeout=200):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def get(port, path, headers=None):
    return request(port, "GET", path, headers=headers)


def throughput(port, path, total=1500, parallel=32, headers=None, poll=False):
    """Requests per second for `total` GETs of `path` from `parallel` clients; also the status counts.

    With `poll`, clients behave like the live pages' script: they send the last ETag they saw.
    """
    statuses = Counter()
    lock = threading.Lock()
    seen = {"etag": get(port, path)[1].get("etag", "")} if poll else {}

    def one(_):
        status, answer, _body = get(port, path, {"If-None-Match": seen["etag"]} if poll else headers)
        with lock:
            statuses[status] += 1
            if poll and status == 200:
                seen["etag"] = answer.get("etag", "")

    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(total)))
    return total / (time.perf_counter() - started), statuses


def surge(port, day, keys, clients):
    results, statuses = Counter(), Counter()
    lock = threading.Lock()
    start = threading.Event()

    def run(index):
        rng = random.Random(index)
        cookie = {"Cookie": f"sessionid={keys[index % len(keys)]}; csrftoken={CSRF}",
                  "Content-Type": "application/x-www-form-urlencoded"}
        seen = Counter()
        start.wait()
        status, _h, body = get(port, f"/api/appointments/services/bench-surge/availability?office=honchosha&date={day}")
        seen[status] += 1
        free = [s["id"] for s in json.loads(body)["slots"] if s["remaining"]]
        result = "sold_out"
        while free:
            chosen = rng.choice(free)
            form = urlencode({"csrfmiddlewaretoken": CSRF, "slot": chosen, "key": secrets.token_urlsafe(12)})
            while True:
                status, headers, body = request(port, "POST", f"/appointments/s/bench-surge/honchosha/{day}/", form, cookie)
                seen[status] += 1
                if status != 503:
                    break
                time.sleep(float(headers.get("retry-after", 1)) * rng.uniform(0.3, 1.0))
            if status == 302:
                confirm = re.sub(r"^https?://[^/]+", "", headers["location"])
                status, _h, _b = request(port, "POST", confirm, urlencode({"csrfmiddlewaretoken": CSRF, "email": f"b{index}@example.jp"}), cookie)
                seen[status] += 1
                result = "booked" if status == 302 else f"confirm {status}"
                break
            if headers.get("x-booking-refused") != "full":
                result = headers.get("x-booking-refused") or f"http {status}"
                break
            free = [int(v) for v in re.findall(rb'name="slot" value="(\d+)"', body) if int(v) != chosen]
        with lock:
            results[result] += 1
            statuses.update(seen)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return elapsed, results, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    server = BenchServer(threads=args.threads, residents=max(args.clients * 9 // 10, 1))
    try:
        floor, floor_statuses = throughput(server.port, "/healthz")
        elapsed, results, statuses = surge(server.port, server.setup["day"], server.setup["keys"], args.clients)
        after, _ = throughput(server.port, "/healthz", total=600)
    finally:
        server.stop()
    requests_ = sum(statuses.values())
    rate = requests_ / elapsed
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"database: {database}, server threads: {args.threads}, clients: {args.clients}")
    print(f"floor   /healthz: {floor:8.1f} req/s  {dict(floor_statuses)}")
    print(f"surge   booking:  {rate:8.1f} req/s over {elapsed:.1f} s ({requests_} requests: {dict(statuses)})")
    print(f"        results:  {dict(results)}; bookings per second {results['booked'] / elapsed:.2f}")
    print(f"ratio   booking requests / healthz: {rate / floor:.3f}")
    print(f"after   /healthz: {after:8.1f} req/s (ratio to before {after / floor:.2f})")


if __name__ == "__main__":
    main()

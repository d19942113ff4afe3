"""Issue 11 item 3, the crash test: parallel guest submissions over HTTP against `smartkoto serve` (waitress, a
subprocess on the test database, the database task backend, no worker), the server killed with SIGKILL mid-run
and started again. Every submission the server acknowledged (its reference came back in a response) exists once
with its receipt task row, so did every other application that left the draft state, and the audit chain verifies.
Bounded: at most CLIENTS × PER_CLIENT submissions and TIME_LIMIT seconds per phase."""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import pytest
import requests
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from smartkoto.applications.models import Application
from smartkoto.core import audit

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CLIENTS, PER_CLIENT, TIME_LIMIT = 8, 6, 60
REFERENCE = re.compile(r"KT-\d{4}-\d+")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Server:
    def __init__(self, data_dir):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": _database_url(), "SMARTKOTO_DATA_DIR": data_dir, "SMARTKOTO_SECRET_KEY": settings.SECRET_KEY,
               "SMARTKOTO_BASE_URL": self.url, "SMARTKOTO_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
               "SMARTKOTO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "SMARTKOTO_EMAIL_LINKS_PER_HOUR": "1000"}
        env.pop("SMARTKOTO_TEST_DB_NAME", None)
        self.env = env
        self.log = open(os.path.join(data_dir, f"server-{self.port}.log"), "w+")
        self.process = subprocess.Popen([sys.executable, "-m", "smartkoto.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                         "--threads", "8"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start: " + self.output())

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-3000:]

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def _submit_one(base, n):
    """One guest, start to declaration; returns the reference shown on the 'sent' page (the acknowledgement)."""
    session = requests.Session()
    session.get(f"{base}/applications/start/sodai-gomi/", timeout=20)
    headers = {"X-CSRFToken": session.cookies.get("csrftoken", "")}
    response = session.post(f"{base}/applications/start/sodai-gomi/", headers=headers, allow_redirects=False, timeout=20)
    public_id = re.search(r"/applications/([0-9a-f-]{36})/", response.headers["Location"]).group(1)
    steps = {"applicant": {"full_name": "障害 試験", "full_name_kana": "ショウガイ シケン", "phone": "03-1234-5678", "email": f"crash{n}@example.jp",
                           "birth_date": "1970-01-01", "postal_code": "136-0073", "address": "東京都江東区北砂一丁目"},
             "waste": {"item_size": "small", "item_name": "椅子", "collection_date": "2026-12-10", "apartment": "no"}}
    for step, data in steps.items():
        response = session.post(f"{base}/applications/{public_id}/step/{step}/", data, headers=headers, allow_redirects=False, timeout=20)
        assert response.status_code == 302, (step, response.status_code)
    response = session.post(f"{base}/applications/{public_id}/declaration/", {"agree": "on", "submission": public_id}, headers=headers, timeout=20)
    found = REFERENCE.search(response.text) if response.status_code == 200 else None
    return found.group(0) if found else None


def _run_clients(base, offset, stop_after=None):
    acknowledged, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT

    def client(c):
        for i in range(PER_CLIENT):
            if time.monotonic() > deadline:
                return
            try:
                reference = _submit_one(base, offset + c * PER_CLIENT + i)
            except (requests.RequestException, AttributeError, AssertionError, KeyError) as exc:
                with lock:
                    errors.append(repr(exc)[:200])
                return  # the server is gone (or refused): this client stops
            if reference:
                with lock:
                    acknowledged.append(reference)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for thread in threads:
        thread.start()
    if stop_after:
        stop_after(acknowledged)
    for thread in threads:
        thread.join(TIME_LIMIT + 30)
    return acknowledged, errors


def test_a_server_killed_mid_run_loses_no_receipt_task(catalog):
    data_dir = tempfile.mkdtemp(prefix="sk-crash-")
    server = Server(data_dir)

    def kill_mid_run(acknowledged):
        deadline = time.monotonic() + TIME_LIMIT
        while len(acknowledged) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # SIGKILL while the other clients are between commit and response

    try:
        before, errors = _run_clients(server.url, 0, stop_after=kill_mid_run)
    finally:
        server.stop()
    assert len(before) >= 10 and errors, (len(before), errors[:3])  # acknowledged work, and requests cut off by the kill

    server = Server(data_dir)  # restarted on the same database
    try:
        after, _errors = _run_clients(server.url, 1000)
        assert after, server.output()
        verify = subprocess.run([sys.executable, "-m", "smartkoto.cli", "audit", "verify"], env=server.env, capture_output=True, text=True, timeout=60)
    finally:
        server.stop()

    for reference in before + after:
        application = Application.objects.get(reference=reference)  # exactly once
        assert DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.send_receipt", args_kwargs__args=[application.pk]).count() == 1, reference
    submitted = Application.objects.exclude(status="draft")
    tasks = {tuple(row["args"]) for row in DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.send_receipt").values_list("args_kwargs", flat=True)}
    assert {(pk,) for pk in submitted.values_list("pk", flat=True)} <= tasks  # not one application without its task
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert audit.verify_chain()[0]
    print(f"crash test: {len(before)} acknowledged before SIGKILL, {len(errors)} requests cut off, {len(after)} after restart, "
          f"{submitted.count()} submitted in the database, {len(tasks)} receipt tasks")

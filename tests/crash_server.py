"""Shared by the crash tests (issue 11 item 3): `smartkoto serve` as a subprocess on the test database (waitress,
the database task backend, no worker) that a test can SIGKILL and start again, and a bounded pool of client
threads."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from django.conf import settings

from tests.appointments.liveserver import database_url, free_port




class Server:
    def __init__(self, data_dir, **extra_env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url(), "SMARTKOTO_DATA_DIR": data_dir, "SMARTKOTO_SECRET_KEY": settings.SECRET_KEY,
               "SMARTKOTO_BASE_URL": self.url, "SMARTKOTO_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
               "SMARTKOTO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "SMARTKOTO_EMAIL_LINKS_PER_HOUR": "1000", **extra_env}
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
        """The end of the server's log (also after it was stopped)."""
        if not self.log.closed:
            self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return log.read()[-3000:]

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

    def audit_verify(self):
        """`smartkoto audit verify` on the same database (the operator's check after a crash)."""
        return subprocess.run([sys.executable, "-m", "smartkoto.cli", "audit", "verify"], env=self.env, capture_output=True, text=True, timeout=60)


def run_clients(clients, per_client, time_limit, one, expected_errors, stop_after=None):
    """`clients` threads each call `one(client, i)` up to `per_client` times within `time_limit` seconds; what it
    returns (when truthy) is collected as acknowledged. An `expected_errors` exception (the server is gone or
    refused) stops that client. `stop_after(acknowledged)` runs in the calling thread while the clients run
    (e.g. to kill the server). Returns (acknowledged, errors)."""
    acknowledged, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + time_limit

    def client(c):
        for i in range(per_client):
            if time.monotonic() > deadline:
                return
            try:
                result = one(c, i)
            except expected_errors as exc:
                with lock:
                    errors.append(repr(exc)[:200])
                return
            if result:
                with lock:
                    acknowledged.append(result)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    if stop_after:
        stop_after(acknowledged)
    for thread in threads:
        thread.join(time_limit + 30)
    return acknowledged, errors


def kill_when(server, acknowledged, count, time_limit):
    """Wait until `count` results are acknowledged (or the time is up), then SIGKILL the server mid-run."""
    deadline = time.monotonic() + time_limit
    while len(acknowledged) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()

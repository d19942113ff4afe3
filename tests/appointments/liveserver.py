"""Run `smartkoto serve` (gunicorn, the production server) in a subprocess against the test database.

Used by the surge test: real HTTP, real parallel clients, 127.0.0.1 only.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from django.conf import settings
from django.db import connection

from tests.processes import free_port  # noqa: F401  (tests.crash_server imports it from here)


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Server:
    def __init__(self, threads=16, extra_env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = tempfile.mkdtemp(prefix="sk-surge-")
        env = {**os.environ, "DATABASE_URL": database_url(), "SMARTKOTO_DATA_DIR": self.data_dir,
               "SMARTKOTO_SECRET_KEY": settings.SECRET_KEY, "SMARTKOTO_BASE_URL": self.url,
               "SMARTKOTO_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
               **(extra_env or {})}
        env.pop("SMARTKOTO_TEST_DB_NAME", None)
        self.log = open(os.path.join(self.data_dir, "server.log"), "w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smartkoto.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--threads", str(threads)], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited: " + self.output())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start: " + self.output())

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-5000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

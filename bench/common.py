"""Shared benchmark harness: start a real server on a free port, hit URLs with parallel clients, and
report each measurement as a ratio of a floor (/healthz) measured through the same server in the same run.

    from common import Server, measure, report
    with Server() as server:                      # `smartkoto serve` in a subprocess, own data folder
        floor = measure(server.url("/healthz"), seconds=5, clients=8)
        page = measure(server.url("/"), seconds=5, clients=8)
        report("home page", page, floor)

Numbers are machine-dependent; the ratio is what to compare between runs. Only 127.0.0.1 is ever targeted.
"""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`smartkoto demo` then `smartkoto serve` in a subprocess with its own data folder (or DATABASE_URL)."""

    def __init__(self, threads=8, env=None, demo=True, workers=None):
        self.port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="smartkoto-bench-")
        self.env = {**os.environ, "SMARTKOTO_DATA_DIR": self.data_dir, "SMARTKOTO_BASE_URL": f"http://127.0.0.1:{self.port}",
                    "SMARTKOTO_LOG_LEVEL": "WARNING", **(env or {})}
        self.threads = threads
        self.workers = workers
        self.demo = demo
        self.process = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def manage(self, *args):
        subprocess.run([sys.executable, "-m", "smartkoto.cli", *args], env=self.env, check=True, cwd=ROOT)

    def __enter__(self):
        if self.demo:
            self.manage("demo")
        else:
            self.manage("manage", "migrate", "--verbosity", "0")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smartkoto.cli", "serve", "--port", str(self.port), "--threads", str(self.threads),
             *(["--workers", str(self.workers)] if self.workers else [])],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(self.url("/healthz"), timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc):
        self.process.terminate()  # gunicorn: SIGTERM stops the workers too
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0


def measure(url_or_call, seconds=5.0, clients=8, max_requests=100_000, method="GET", **kwargs):
    """Requests per second with `clients` threads for at most `seconds` (and at most `max_requests`).

    `url_or_call` is a URL, or a callable `(session, n) -> response` for requests that need set-up.
    """
    count = [0]
    errors = [0]
    lock = threading.Lock()
    stop = time.time() + seconds

    def worker():
        session = requests.Session()
        while time.time() < stop:
            with lock:
                if count[0] >= max_requests:
                    return
                count[0] += 1
                n = count[0]
            try:
                if callable(url_or_call):
                    response = url_or_call(session, n)
                else:
                    response = session.request(method, url_or_call, timeout=30, **kwargs)
                if response.status_code >= 500:
                    with lock:
                        errors[0] += 1
            except requests.RequestException:
                with lock:
                    errors[0] += 1

    started = time.time()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(count[0], errors[0], time.time() - started)


def report(label, result, floor):
    ratio = result.per_second / floor.per_second if floor.per_second else 0.0
    print(f"{label:45} {result.per_second:9.1f} req/s  = {ratio:5.2f} × floor ({floor.per_second:.1f} req/s /healthz)"
          f"  [{result.requests} requests, {result.errors} errors]", flush=True)
    return ratio

"""`smartkoto serve`: pre-forked gunicorn workers (one per core by default), forwarded headers only from trusted
proxies, SIGTERM stops everything, and a master killed with SIGKILL takes its workers with it so the port can be
used again at once."""

import os
import signal
import subprocess
import sys
import time

import pytest

from smartkoto.core import webserver
from tests.processes import alive, children, clean_env, free_port, wait_until_serving

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn and /proc: Linux")


def _echo_forwarded(environ, start_response):
    start_response("200 OK", [])
    return [environ.get("HTTP_X_FORWARDED_FOR", "-").encode(), b" ", environ.get("HTTP_X_FORWARDED_PROTO", "-").encode()]


@pytest.mark.parametrize("peer, expected", [("203.0.113.9", b"- -"), ("10.0.0.2", b"198.51.100.7 https")])
def test_forwarded_headers_reach_the_application_only_from_a_trusted_proxy(peer, expected):
    application = webserver.without_untrusted_proxy_headers(_echo_forwarded, ["10.0.0.2"])
    environ = {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": "198.51.100.7", "HTTP_X_FORWARDED_PROTO": "https",
               "HTTP_FORWARDED": "for=198.51.100.7", "HTTP_X_FORWARDED_HOST": "evil.example"}
    assert b"".join(application(environ, lambda *_: None)) == expected
    assert ("HTTP_FORWARDED" in environ) == (peer == "10.0.0.2")
    assert ("HTTP_X_FORWARDED_HOST" in environ) == (peer == "10.0.0.2")


def _env(tmp_path):
    return clean_env(tmp_path)


def _serve(tmp_path, port, *extra):
    return subprocess.Popen([sys.executable, "-m", "smartkoto.cli", "serve", "--port", str(port), *extra], env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_until_serving(server, port):
    wait_until_serving(server, port, 120, "smartkoto serve")


def _wait_until_gone(pids, what, timeout=15):
    deadline = time.time() + timeout
    while any(alive(pid) for pid in pids):
        assert time.time() < deadline, what
        time.sleep(0.1)


@linux_only
def test_serve_forks_one_worker_per_core_and_sigterm_stops_them_all(tmp_path):
    port = free_port()
    server = _serve(tmp_path, port, "--threads", "2")
    workers = []
    try:
        _wait_until_serving(server, port)
        workers = children(server.pid)
        assert len(workers) == (os.cpu_count() or 1), workers
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
        _wait_until_gone(workers, "a web worker outlived smartkoto serve")
    finally:
        if server.poll() is None:
            server.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@linux_only
def test_a_master_killed_with_sigkill_takes_its_workers_and_the_port_is_free_for_a_restart(tmp_path):
    port = free_port()
    servers, workers = [], []
    try:
        first = _serve(tmp_path, port, "--workers", "3", "--threads", "2")
        servers.append(first)
        _wait_until_serving(first, port)
        workers = children(first.pid)
        assert len(workers) == 3, workers
        first.send_signal(signal.SIGKILL)  # no handler runs: only the kernel can stop the workers now
        first.wait(10)
        _wait_until_gone(workers, "a web worker outlived its killed master (it would keep the port)", timeout=5)

        second = _serve(tmp_path, port, "--workers", "1", "--threads", "2")  # the same port, at once
        servers.append(second)
        _wait_until_serving(second, port)
        assert len(children(second.pid)) == 1
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
                server.wait(10)
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

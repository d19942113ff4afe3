"""`smartkoto run` starts the web server and the worker, and stopping it (SIGTERM) stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has already stopped
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the worker process")
def test_run_serves_and_sigterm_stops_the_worker_too(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTKOTO_", "DJANGO_", "DATABASE_URL"))}
    env.update({"SMARTKOTO_DATA_DIR": str(tmp_path), "SMARTKOTO_LOG_LEVEL": "WARNING"})
    workers = []
    run = subprocess.Popen([sys.executable, "-m", "smartkoto.cli", "run", "--port", str(port)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert run.poll() is None, run.stdout.read()
                assert time.time() < deadline, "smartkoto run did not answer within 120 s"
                time.sleep(0.5)
        workers = children(run.pid)
        assert workers, "no worker process was started"
        run.send_signal(signal.SIGTERM)
        run.wait(30)
        deadline = time.time() + 15
        while any(alive(pid) for pid in workers):
            assert time.time() < deadline, "the worker outlived smartkoto run"
            time.sleep(0.2)
    finally:
        if run.poll() is None:
            run.kill()
        for pid in workers + children(run.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

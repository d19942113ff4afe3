"""Helpers for tests that start real processes: a clean environment with its own data folder, a free port on
127.0.0.1, waiting until a server answers, a process's children and whether a process is still running (read
from /proc, so Linux only)."""

import os
import socket
import time
import urllib.request


def clean_env(data_dir):
    """This environment without the test run's own settings, with `data_dir` as the data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTKOTO_", "DJANGO_", "DATABASE_URL"))}
    env.update({"SMARTKOTO_DATA_DIR": str(data_dir), "SMARTKOTO_LOG_LEVEL": "WARNING"})
    return env


def wait_until_serving(process, port, timeout, what):
    """Until /healthz answers 200; fails with the process's output if it exits, or after `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                assert response.status == 200
                return
        except OSError:
            assert process.poll() is None, process.stdout.read()
            assert time.time() < deadline, f"{what} did not answer within {timeout} s"
            time.sleep(0.3)


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

"""The processes `smartkoto run` owns, written to a PID file in the data folder so that a later `run`
can tell a live installation from the leftovers of one that was killed (SIGKILL, power loss, OOM killer).

    {"run": {"pid": 41, "started": 123456}, "workers": [{"pid": 42, "started": 123470, "queue": "default"}, …]}

`started` is the process start time from /proc (clock ticks since boot): together with the command line
(`smartkoto.cli run` / `smartkoto.cli worker`) it proves that a PID still names *our* process and not an
unrelated one that got the same number later. Where there is no /proc, nothing is ever taken for ours.

Decision (docs/operations.md): a `run` that is alive → the new `run` refuses to start (two servers on one
data folder); workers whose `run` is gone (orphans) → stopped (SIGTERM, then SIGKILL after 10 s), then the
new `run` starts its own. So there is never more than one worker per queue from `run`.
"""

import json
import os
import signal
import time
from pathlib import Path

PID_FILE_NAME = "smartkoto-run.pid"


def pid_file(data_dir):
    return Path(data_dir) / PID_FILE_NAME


def start_time(pid):
    """The process's start time (clock ticks after boot), or None if there is no such running process."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] in {"Z", "X"}:  # a zombie has already stopped
        return None
    return int(fields[19])


def command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return [part.decode(errors="replace") for part in handle.read().split(b"\0") if part]
    except OSError:
        return []


def describe(pid, **extra):
    return {"pid": pid, "started": start_time(pid), **extra}


def is_ours(entry, role):
    """Is the process named by a PID-file entry still alive and really our `run`/`worker` (not a reused PID)?"""
    pid, started = entry.get("pid"), entry.get("started")
    if not isinstance(pid, int) or started is None or start_time(pid) != started:
        return False
    args = command_line(pid)
    ours = "smartkoto.cli" in args or any(arg == "smartkoto" or arg.endswith("/smartkoto") for arg in args[:2])
    return ours and role in args


def read(data_dir):
    try:
        data = json.loads(pid_file(data_dir).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write(data_dir, run_entry, worker_entries):
    path = pid_file(data_dir)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"run": run_entry, "workers": worker_entries}))
    os.replace(temporary, path)


def remove(data_dir, run_pid):
    """Remove the PID file if it is still the one this `run` wrote."""
    if read(data_dir).get("run", {}).get("pid") == run_pid:
        pid_file(data_dir).unlink(missing_ok=True)


class AlreadyRunning(Exception):
    def __init__(self, pid):
        super().__init__(pid)
        self.pid = pid


def stop(pid, timeout=10.0):
    """SIGTERM, wait up to `timeout` seconds, then SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if start_time(pid) is None:
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def clear_leftovers(data_dir, log=print):
    """Before a `run` starts: refuse if another `run` on this data folder is alive (AlreadyRunning); stop
    the workers a killed `run` left behind. Returns the orphans stopped, as PID-file entries."""
    data = read(data_dir)
    run_entry = data.get("run") or {}
    if is_ours(run_entry, "run") and run_entry.get("pid") != os.getpid():
        raise AlreadyRunning(run_entry["pid"])
    stopped = []
    for entry in data.get("workers") or []:
        if isinstance(entry, dict) and is_ours(entry, "worker"):
            log(f"Stopping an orphaned worker (pid {entry['pid']}, queue {entry.get('queue', '?')}) "
                f"left by a smartkoto run that was killed.")
            stop(entry["pid"])
            stopped.append(entry)
    pid_file(data_dir).unlink(missing_ok=True)
    return stopped

"""Load generators that are not the bottleneck: wrk (C, event loop; Debian package `wrk`), or when wrk is
missing, a multi-process Python generator (one process per core, keep-alive connections on threads).

    rate = run_load("http://127.0.0.1:8711/", seconds=5, connections=32)          # Load(per_second, requests, errors)
    run_mixed("http://127.0.0.1:8711", ["/", "/counters/"], total=10_000, connections=32)

Only 127.0.0.1 is ever targeted: the URL is checked."""

import http.client
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Load:
    per_second: float
    requests: int
    errors: int  # socket errors, timeouts, 5xx (wrk: every non-2xx/3xx)
    tool: str


def wrk_path():
    return shutil.which("wrk")


def ensure_wrk():
    """wrk if installed; else try `apt-get install -y wrk` when running as root; else None (Python fallback)."""
    if wrk_path():
        return wrk_path()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it (apt-get install -y wrk) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wrk_path():
        print("wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk); using the slower Python load generator.",
              flush=True)
    return wrk_path()


def _local(url):
    host = urlsplit(url).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(f"benchmarks only target this machine, not {host}")


_MIXED_LUA = """
local paths = {%s}
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def _wrk(url, seconds, connections, threads, headers, script=None):
    command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 120).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(n) for n in socket.groups()) if socket else 0)
    if not rate:
        raise RuntimeError("wrk gave no result:\n" + output)
    return Load(float(rate.group(1)), int(total.group(1)) if total else 0, errors, "wrk")


def run_load(url, seconds=5.0, connections=32, threads=2, headers=None):
    """Requests per second against one URL, `connections` keep-alive connections for `seconds`."""
    _local(url)
    if ensure_wrk():
        return _wrk(url, seconds, connections, threads, headers)
    split = urlsplit(url)
    return _python_load(split.hostname, split.port, [split.path + (f"?{split.query}" if split.query else "")],
                        connections, headers or {}, seconds=seconds)


def run_mixed(base_url, paths, total, connections=32, threads=2, headers=None, max_seconds=300):
    """At least `total` requests cycling through `paths`, as fast as the server answers, but for no longer
    than about `max_seconds` (the count reached is returned)."""
    _local(base_url)
    if ensure_wrk():
        quoted = ", ".join('"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"' for path in paths)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_MIXED_LUA % quoted)
        done = errors = 0
        started = time.monotonic()
        try:
            # wrk runs for a duration, not a count: run it in short rounds until enough
            while done < total and time.monotonic() - started < max_seconds:
                result = _wrk(base_url.rstrip("/") + "/", 3, connections, threads, headers, script=script.name)
                done, errors = done + result.requests, errors + result.errors
        finally:
            os.unlink(script.name)
        elapsed = time.monotonic() - started
        return Load(done / elapsed, done, errors, "wrk")
    split = urlsplit(base_url)
    return _python_load(split.hostname, split.port, paths, connections, headers or {}, total=total)


def drain(base_url, timeout=120):
    """Wait until the server has worked off requests still queued from a finished run (a closed connection's
    request is still served): a probe is answered only after them."""
    deadline = time.monotonic() + timeout
    split = urlsplit(base_url)
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(split.hostname, split.port, timeout=timeout)
            started = time.monotonic()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            if time.monotonic() - started < 0.5:
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)


# -- the fallback: processes × threads, each thread one keep-alive connection --------------------------------
def _python_worker(host, port, paths, connections, headers, seconds, total, queue):
    count, errors, lock = [0], [0], threading.Lock()
    stop = time.monotonic() + seconds if seconds else None

    def client(offset):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        n = offset
        while True:
            with lock:
                if (stop and time.monotonic() >= stop) or (total and count[0] >= total):
                    return
                count[0] += 1
            try:
                connection.request("GET", paths[n % len(paths)], headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    with lock:
                        errors[0] += 1
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                with lock:
                    errors[0] += 1
            n += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((count[0], errors[0]))


def _python_load(host, port, paths, connections, headers, seconds=None, total=None):
    processes = max(1, min(os.cpu_count() or 1, connections))
    queue = multiprocessing.Queue()
    started = time.monotonic()
    workers = [multiprocessing.Process(target=_python_worker, args=(
        host, port, paths, max(1, connections // processes), headers, seconds, total and -(-total // processes), queue))
        for _ in range(processes)]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    requests = sum(count for count, _ in results)
    return Load(requests / elapsed if elapsed else 0.0, requests, sum(errors for _, errors in results), "python")


def rss_mb(pid):
    """Resident memory of one process in MB (from /proc), or None."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid):
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found

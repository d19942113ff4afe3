"""`smartkoto run` starts the web server and the worker, and stopping it (SIGTERM) stops both."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.processes import alive, children, clean_env, free_port, wait_until_serving


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


# -- queues, and a `run` killed with SIGKILL --------------------------------------------------------------
def _env(tmp_path):
    return clean_env(tmp_path)


def _wait_until_serving(run, port):
    wait_until_serving(run, port, 180, "smartkoto run")


def _workers_of(data_dir):
    """Every live `smartkoto worker` process on this machine working this data folder: (pid, queue)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or not alive(int(entry)):
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                args = handle.read().decode(errors="replace").split("\0")
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environ = handle.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "smartkoto.cli" in args and "worker" in args and f"SMARTKOTO_DATA_DIR={data_dir}" in environ:
            found.append((int(entry), args[args.index("--queue") + 1] if "--queue" in args else "?"))
    return sorted(found, key=lambda item: item[1])


def task_workers(run_pid):
    """The `smartkoto worker` children of a `run` (its other children are the web server's forked workers)."""
    found = []
    for pid in children(run_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if "worker" in handle.read().decode(errors="replace").split("\0"):
                    found.append(pid)
        except OSError:
            continue
    return found


def _start(tmp_path, port):
    return subprocess.Popen([sys.executable, "-m", "smartkoto.cli", "run", "--port", str(port)], env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _cleanup(runs, data_dir):
    for run in runs:
        if run.poll() is None:
            run.kill()
            run.wait(10)
    for pid, _queue in _workers_of(data_dir):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the worker processes")
def test_run_killed_with_sigkill_restarts_without_a_second_set_of_workers(tmp_path):
    from smartkoto.core import processes

    runs = []
    try:
        first = _start(tmp_path, port := free_port())
        runs.append(first)
        _wait_until_serving(first, port)
        before = _workers_of(tmp_path)
        assert [queue for _pid, queue in before] == ["bulk", "default"]  # one worker per queue
        assert sorted(pid for pid, _q in before) == sorted(task_workers(first.pid))
        recorded = processes.read(tmp_path)
        assert recorded["run"]["pid"] == first.pid and {w["pid"] for w in recorded["workers"]} == {p for p, _q in before}

        web_workers = sorted(set(children(first.pid)) - set(task_workers(first.pid)))
        assert web_workers  # the web server's pre-forked processes
        first.send_signal(signal.SIGKILL)  # no `finally`, no signal handler: the workers are orphaned
        first.wait(10)
        deadline = time.time() + 10
        while any(alive(pid) for pid in web_workers):  # the kernel stops these with their master
            assert time.time() < deadline, "a web worker outlived its killed smartkoto run"
            time.sleep(0.1)

        second = _start(tmp_path, port := free_port())
        runs.append(second)
        _wait_until_serving(second, port)
        after = _workers_of(tmp_path)
        assert [queue for _pid, queue in after] == ["bulk", "default"], after  # still exactly one per queue
        assert not {pid for pid, _q in before} & {pid for pid, _q in after}  # the orphans are gone
        assert sorted(pid for pid, _q in after) == sorted(task_workers(second.pid))

        # a third `run` on the same data folder while the second is alive refuses and disturbs nothing
        third = subprocess.run([sys.executable, "-m", "smartkoto.cli", "run", "--port", str(free_port())],
                               env=_env(tmp_path), capture_output=True, text=True, timeout=120)
        assert third.returncode == 1 and "already running" in third.stderr
        assert _workers_of(tmp_path) == after

        second.send_signal(signal.SIGTERM)
        second.wait(30)
        deadline = time.time() + 15
        while _workers_of(tmp_path):
            assert time.time() < deadline, "a worker outlived smartkoto run"
            time.sleep(0.2)
        assert not processes.pid_file(tmp_path).exists()
    finally:
        _cleanup(runs, tmp_path)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the worker processes")
def test_run_stops_an_orphaned_worker_named_in_the_pid_file_and_nothing_else(tmp_path):
    from smartkoto.core import processes

    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "smartkoto.cli", "manage", "migrate", "-v0"], env=env, check=True, timeout=300)
    orphan = subprocess.Popen([sys.executable, "-m", "smartkoto.cli", "worker", "--queue", "default"], env=env)
    stranger = subprocess.Popen(["sleep", "300"])  # a live process that is not ours, e.g. a reused PID
    dead_run = subprocess.Popen(["true"])
    dead_run.wait()
    runs = []
    try:
        time.sleep(1)
        processes.write(tmp_path, {"pid": dead_run.pid, "started": 1}, [
            processes.describe(orphan.pid, queue="default"), processes.describe(stranger.pid, queue="bulk")])
        run = _start(tmp_path, port := free_port())
        runs.append(run)
        _wait_until_serving(run, port)
        assert orphan.wait(15) is not None  # stopped by the new run
        assert stranger.poll() is None  # not ours: left alone
        assert [queue for _pid, queue in _workers_of(tmp_path)] == ["bulk", "default"]
        run.send_signal(signal.SIGTERM)
        output = run.communicate(timeout=30)[0]
        assert f"Stopping an orphaned worker (pid {orphan.pid}, queue default)" in output
    finally:
        stranger.kill()
        if orphan.poll() is None:
            orphan.kill()
        _cleanup(runs, tmp_path)


def test_worker_refuses_an_unknown_queue(tmp_path):
    result = subprocess.run([sys.executable, "-m", "smartkoto.cli", "worker", "--queue", "nosuch"], env=_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Unknown queue nosuch" in result.stderr and "default, bulk" in result.stderr


@pytest.mark.django_db
def test_tasks_may_go_to_the_bulk_queue(settings):
    from django_tasks.exceptions import InvalidTaskError

    from smartkoto.core.tasks import run_management_command

    assert run_management_command.using(queue_name="bulk").enqueue("check").task.queue_name == "bulk"
    with pytest.raises(InvalidTaskError):
        run_management_command.using(queue_name="nosuch")
    assert set(settings.TASKS["default"]["QUEUES"]) == {"default", "bulk"}

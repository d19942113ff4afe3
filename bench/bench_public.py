"""The issue-12 table: public pages and APIs as ratios of the floor app, on SQLite and PostgreSQL.

    python3 dev.py bench public [--db sqlite|postgres|both] [--seconds 5] [--connections 32]
                                [--workers N] [--threads 8] [--rss-requests 10000] [--rss-seconds 300]
                                [--src /path/to/other/checkout/src --label before] [--no-write] [--quick]

For each database: a fresh data folder (PostgreSQL: a fresh database, dropped afterwards) with the Koto demo
data; the floor app (bench/floor/) under the same server with the same workers and threads, measured with
wrk -t2 -c32; then `smartkoto serve` and every row; queries per request counted separately with Django's
test client (first request / repeat); then 10,000 mixed requests and the web workers' resident memory.
The table goes to standard output and into docs/performance.md, between the markers of its label.

`--src` measures another checkout's code (e.g. the code before a change); its server is used as that code
runs it (before gunicorn: waitress, one process) and the floor is served the same way.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import free_port  # noqa: E402
from load import children, drain, ensure_wrk, rss_mb, run_load, run_mixed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
DOC = ROOT / "docs" / "performance.md"
GOAL_PUBLIC, GOAL_SIGNED_IN = 0.5, 0.25
POSTGRES = os.environ.get("SMARTKOTO_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def log(text):
    print(text, file=sys.stderr, flush=True)


class Process:
    """A server subprocess on 127.0.0.1:port, ready when `ready_path` answers 200."""

    def __init__(self, command, env, port, ready_path, log_path):
        self.port = port
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{command} exited; see {log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not answer; see {log_path}")
            time.sleep(0.2)

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def web_pids(self):
        """The processes that serve requests: the pre-forked workers, or the process itself (waitress)."""
        return children(self.process.pid) or [self.process.pid]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()


def code_env(src, data_dir, database_url, redis_url=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTKOTO_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"PYTHONPATH": os.pathsep.join([str(src), str(HERE / "floor")]), "SMARTKOTO_DATA_DIR": data_dir,
                "SMARTKOTO_LOG_LEVEL": "WARNING"})
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def scale_redis(choice):
    """The Redis of the scale setup (PostgreSQL + Redis) for the PostgreSQL run: the URL given, or with "auto"
    redis://127.0.0.1:6379/15 when something answers there (emptied first), else none."""
    if choice == "none":
        return None
    url = "redis://127.0.0.1:6379/15" if choice == "auto" else choice
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
    except Exception:  # noqa: BLE001 - no Redis here: the embedded-style PostgreSQL run (cache in the database)
        if choice != "auto":
            raise
        return None
    return url


def create_postgres_database():
    import psycopg

    name = f"sk_bench_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, f"{POSTGRES}/{name}"


def drop_postgres_database(name):
    import psycopg

    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure_database(db, args, src, has_workers):
    data_dir = tempfile.mkdtemp(prefix=f"sk-bench-{db}-")
    pg_name, database_url = create_postgres_database() if db == "postgres" else (None, None)
    env = code_env(src, data_dir, database_url, args.redis_url if db == "postgres" else None)
    servers = []
    try:
        log(f"[{db}] demo data ...")
        subprocess.run([sys.executable, "-m", "smartkoto.cli", "demo"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        log(f"[{db}] counting queries per request ...")
        prepared = json.loads(subprocess.run([sys.executable, str(HERE / "public_prepare.py")], env=env, cwd=ROOT,
                                             check=True, capture_output=True, text=True).stdout)
        sizing = ["--threads", str(args.threads)] + (["--workers", str(args.workers)] if has_workers else [])

        log(f"[{db}] floor app ...")
        port = free_port()
        floor_server = Process([sys.executable, str(HERE / "floor" / "serve.py"), "--port", str(port),
                                "--server", "smartkoto" if has_workers else "waitress", *sizing],
                               env, port, "/", os.path.join(data_dir, "floor.log"))
        servers.append(floor_server)
        run_load(floor_server.url("/"), seconds=1, connections=args.connections)  # warm-up
        drain(floor_server.url())
        floor = run_load(floor_server.url("/"), seconds=args.seconds, connections=args.connections)
        floor_server.stop()
        servers.remove(floor_server)
        log(f"  floor {floor.per_second:.1f} req/s")

        log(f"[{db}] smartkoto serve ...")
        port = free_port()
        env_serve = {**env, "SMARTKOTO_BASE_URL": f"http://127.0.0.1:{port}"}
        server = Process([sys.executable, "-m", "smartkoto.cli", "serve", "--port", str(port), *sizing],
                         env_serve, port, "/healthz", os.path.join(data_dir, "serve.log"))
        servers.append(server)
        rows = []
        for label in prepared["rows"]:
            path = prepared["paths"][label]
            headers = {"Cookie": prepared["cookie"]} if label == prepared["signed_in"] else None
            run_load(server.url(path), seconds=1, connections=args.connections, headers=headers)  # warm-up
            drain(server.url())
            result = run_load(server.url(path), seconds=args.seconds, connections=args.connections, headers=headers)
            drain(server.url())
            rows.append({"label": label, "per_second": result.per_second, "ratio": result.per_second / floor.per_second,
                         "errors": result.errors, "requests": result.requests, "queries": prepared["queries"][label],
                         "status": prepared["status"][label], "signed_in": label == prepared["signed_in"]})
            log(f"  {label:45} {result.per_second:8.1f} req/s  {rows[-1]['ratio']:.3f}×  errors {result.errors}")

        log(f"[{db}] {args.rss_requests} mixed requests for the memory figure ...")
        mixed_paths = [prepared["paths"][label] for label in prepared["rows"] if label != prepared["signed_in"]]
        mixed = run_mixed(server.url(), mixed_paths, args.rss_requests, connections=args.connections,
                          max_seconds=args.rss_seconds)
        rss = max(filter(None, (rss_mb(pid) for pid in server.web_pids())), default=None)
        return {"db": db, "floor": floor.per_second, "tool": floor.tool, "rows": rows, "rss_mb": rss,
                "web_processes": len(server.web_pids()), "mixed_requests": mixed.requests, "mixed_errors": mixed.errors}
    finally:
        for server in servers:
            server.stop()
        if pg_name:
            drop_postgres_database(pg_name)
        shutil.rmtree(data_dir, ignore_errors=True)


def _queries(counts):
    first, repeat = counts
    return str(first) if first == repeat else f"{first} / {repeat}"


def table(result, args, server_text):
    db_name = {"sqlite": "SQLite", "postgres": "PostgreSQL + Redis" if args.redis_url else "PostgreSQL"}[result["db"]]
    lines = [f"**{db_name}** — floor {result['floor']:,.0f} req/s; {server_text}; {result['tool']} "
             f"-t2 -c{args.connections}, {args.seconds:g} s per row",
             "",
             "| endpoint | req/s | ratio to floor | goal | queries per request |",
             "|---|---:|---:|---:|---:|"]
    for row in result["rows"]:
        goal = GOAL_SIGNED_IN if row["signed_in"] else GOAL_PUBLIC
        mark = "" if row["ratio"] >= goal else " ✗"
        errors = f" ({row['errors']} errors)" if row["errors"] else ""
        status = "" if row["status"] == 200 else f" (HTTP {row['status']})"
        lines.append(f"| {row['label']}{status} | {row['per_second']:,.1f}{errors} | {row['ratio']:.3f}{mark} | "
                     f"≥ {goal:g} | {_queries(row['queries'])} |")
    rss = f"{result['rss_mb']:.0f} MB" if result["rss_mb"] else "n/a"
    short = f" (the {args.rss_seconds:g} s cap was reached before {args.rss_requests:,})" if result["mixed_requests"] < args.rss_requests else ""
    lines += ["", f"Web worker RSS after {result['mixed_requests']:,} mixed requests{short}: **{rss}** (largest of "
              f"{result['web_processes']} web process{'es' if result['web_processes'] > 1 else ''}; goal ≤ 200 MB)."]
    return "\n".join(lines)


def write_doc(label, text):
    start, end = f"<!-- bench-public:{label}:start -->", f"<!-- bench-public:{label}:end -->"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    block = f"{start}\n{text}\n{end}"
    heading = f"### {label}\n"
    if start in doc and end in doc:
        doc = doc[:doc.index(start)] + block + doc[doc.index(end) + len(end):]
    elif heading in doc:
        at = doc.index(heading) + len(heading)
        doc = doc[:at] + f"\n{block}\n" + doc[at:]
    else:
        doc = doc.rstrip("\n") + f"\n\n### {label}\n\n{block}\n"
    DOC.write_text(doc, encoding="utf-8")


def git_describe(src):
    result = subprocess.run(["git", "-C", str(src), "log", "-1", "--format=%h %cs"], capture_output=True, text=True)
    return result.stdout.strip() or "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--redis", default="auto",
                        help="Redis for the PostgreSQL run (the scale setup): auto (127.0.0.1:6379/15 when it answers), a URL, or none")
    parser.add_argument("--rss-requests", type=int, default=10_000)
    parser.add_argument("--rss-seconds", type=float, default=300, help="time cap for the mixed requests")
    parser.add_argument("--src", default=str(ROOT / "src"), help="the code to measure (a checkout's src folder)")
    parser.add_argument("--label", help="section of docs/performance.md to write (default: after, or before with --src)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--quick", action="store_true", help="2 s per row, 2,000 mixed requests (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rss_requests = 2.0, 2_000
    src = Path(args.src).resolve()
    label = args.label or ("after" if src == (ROOT / "src").resolve() else "before")
    has_workers = (src / "smartkoto" / "core" / "webserver.py").exists()
    server_text = (f"gunicorn, {args.workers} workers × {args.threads} threads" if has_workers
                   else f"waitress, 1 process × {args.threads} threads")
    # stopped with SIGTERM: still stop the servers and drop the PostgreSQL database (the `finally` blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ensure_wrk()
    args.redis_url = scale_redis(args.redis)
    started = time.monotonic()
    sections = []
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        result = measure_database(db, args, src, has_workers)
        sections.append(table(result, args, server_text))
        print("\n" + sections[-1] + "\n", flush=True)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"Measured {when} on {os.cpu_count()} cores, code {git_describe(src)} ({label}), "
            f"{time.monotonic() - started:.0f} s in all.\n\n" + "\n\n".join(sections))
    if not args.no_write:
        write_doc(label, text)
        log(f"Written to {DOC.relative_to(ROOT)} (section {label}).")


if __name__ == "__main__":
    main()

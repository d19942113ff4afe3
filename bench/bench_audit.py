"""Audited writes per second with 1, 4 and 16 parallel writers: the sealed design (ADR 0008: writers append,
one sealer chains) against the old one (every writer locks the chain head for the rest of its transaction).

    .venv/bin/python bench/bench_audit.py [--writers 1,4,16] [--seconds 5] [--hold-ms 2]
                                          [--databases sqlite,postgresql] [--baseline /path/to/old/checkout]

Each writer is its own process with its own database connection, writing in a loop for `--seconds`:
one transaction = `audit.record(...)`, then `--hold-ms` of the caller's other work (the rest of a service's
transaction, which the old design spent holding the lock). "old" runs the same loop against the code of
`--baseline` (a checkout from before ADR 0008, with its own freshly migrated database); without one, only
the new design is measured. In the new design the worker's sealer runs alongside, as in production; after
the writers stop, the table shows how long the sealer took to catch up, and the chain is verified.
PostgreSQL: databases smartkoto_bench_audit_{old,new} are (re)created on --postgres (trust auth).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRITER = r"""
import sys, time
import django
django.setup()
from django.db import connection, transaction
from smartkoto.core import audit
writer, seconds, hold = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
connection.ensure_connection()
print("ready", flush=True)
start = float(sys.stdin.readline())
while time.time() < start:
    time.sleep(0.001)
end, count = start + seconds, 0
while time.time() < end:
    with transaction.atomic():
        audit.record("bench.write", actor_kind="system", detail={"writer": writer, "n": count})
        if hold:
            time.sleep(hold)
    count += 1
print(count, time.time())
"""

SEALER = r"""
import sys, time
import django
django.setup()
from django.db import close_old_connections
from smartkoto.core import audit
seconds = float(sys.argv[1])
print("ready", flush=True)
start = float(sys.stdin.readline())
while time.time() < start + seconds:           # as the worker does: a round every second
    audit.seal()
    close_old_connections()
    time.sleep(1)
while audit.unsealed().exists():
    audit.seal()
print(time.time() - (start + seconds), audit.verify_chain()[0])
"""


def environment(tree, database_url, data_dir):
    return {**os.environ, "PYTHONPATH": str(Path(tree) / "src"), "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
            "DATABASE_URL": database_url, "SMARTKOTO_DATA_DIR": data_dir, "SMARTKOTO_LOG_LEVEL": "WARNING",
            "SMARTKOTO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}


def fresh_database(vendor, design, postgres, data_dir):
    if vendor == "sqlite":
        return f"sqlite:///{data_dir}/bench-audit-{design}.sqlite3"
    import psycopg

    name = f"smartkoto_bench_audit_{design}"
    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{postgres}/{name}"


def run(tree, env, writers, seconds, hold, with_sealer):
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(seconds), str(hold)],
                                  env=env, cwd=tree, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                 for w in range(writers)]
    sealer = None
    if with_sealer:
        sealer = subprocess.Popen([sys.executable, "-c", SEALER, str(seconds)], env=env, cwd=tree,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    everyone = processes + ([sealer] if sealer else [])
    for process in everyone:  # the clock starts once every process is set up and connected
        if process.stdout.readline().strip() != "ready":
            raise SystemExit("a bench process failed to start")
    start = time.time() + 0.2
    for process in everyone:
        process.stdin.write(f"{start}\n")
        process.stdin.flush()
    total, finished = 0, start
    for process in processes:
        out, _ = process.communicate(timeout=seconds + 120)
        if process.returncode:
            raise SystemExit(f"a writer failed (exit {process.returncode})")
        count, ended = out.split()
        total, finished = total + int(count), max(finished, float(ended))
    lag, intact = None, None
    if sealer:
        out, _ = sealer.communicate(timeout=seconds + 300)
        lag_text, intact_text = out.split()
        lag, intact = float(lag_text), intact_text == "True"
    return total / (finished - start), lag, intact


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--hold-ms", type=float, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--baseline", default=os.environ.get("BENCH_AUDIT_BASELINE", ""),
                        help="a checkout from before ADR 0008 (its src/ is used for the 'old' rows)")
    parser.add_argument("--quick", action="store_true", help="2 s per measurement")
    args = parser.parse_args()
    seconds = 2 if args.quick else args.seconds
    writer_counts = [int(n) for n in args.writers.split(",")]
    designs = [("new", ROOT)] + ([("old", Path(args.baseline))] if args.baseline else [])
    data_dir = tempfile.mkdtemp(prefix="smartkoto-bench-audit-")
    rows = []
    vendors = []
    for vendor in args.databases.split(","):
        try:
            if vendor == "postgresql":
                import psycopg

                psycopg.connect(f"{args.postgres}/postgres", connect_timeout=5).close()
            vendors.append(vendor)
        except Exception as exc:  # noqa: BLE001 - e.g. no PostgreSQL here: measure the others
            print(f"{vendor}: skipped ({exc.__class__.__name__}: {exc})", flush=True)
    for vendor in vendors:
        envs = {}
        for design, tree in designs:
            envs[design] = environment(tree, fresh_database(vendor, design, args.postgres, data_dir), data_dir)
            subprocess.run([sys.executable, "-m", "smartkoto.cli", "manage", "migrate", "--verbosity", "0"],
                           env=envs[design], cwd=tree, check=True)
        for writers in writer_counts:  # old and new back to back, so a change in the machine's load hits both
            for design, tree in designs:
                per_second, lag, intact = run(tree, envs[design], writers, seconds, args.hold_ms / 1000, design == "new")
                rows.append((vendor, design, writers, per_second, lag, intact))
                print(f"{vendor:10} {design:3} {writers:3} writers {per_second:8.1f} writes/s", flush=True)
    print()
    print(f"Audited writes per second (each transaction: audit.record + {args.hold_ms:g} ms of other work; "
          f"{seconds:g} s per row)")
    print()
    print("| database | writers | old (lock the head) | new (append, sealer chains) | new/old | sealer caught up after | chain |")
    print("|---|---|---|---|---|---|---|")
    by_key = {(v, d, w): (p, lag, ok) for v, d, w, p, lag, ok in rows}
    for vendor in vendors:
        for writers in writer_counts:
            new, lag, intact = by_key[(vendor, "new", writers)]
            old = by_key.get((vendor, "old", writers), (None, None, None))[0]
            print(f"| {vendor} | {writers} | {'–' if old is None else f'{old:.0f}'} | {new:.0f} | "
                  f"{f'{new / old:.2f}×' if old else '–'} | {lag:.1f} s | {'intact' if intact else 'BROKEN'} |")
    if not all(ok for *_, ok in rows if ok is not None):
        sys.exit(1)


if __name__ == "__main__":
    main()

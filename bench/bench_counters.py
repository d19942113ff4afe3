"""Congestion-page throughput, as ratios of /healthz through the same server in the same run.

    .venv/bin/python bench/bench_counters.py [--requests 1500] [--parallel 32]

Measures: the full congestion page (HTML, with forecast), the same page answered 304 to a poll that
sends its ETag, the JSON status API, and the display board; against /healthz.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_appointments import BenchServer, get, throughput  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--parallel", type=int, default=32)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    server = BenchServer(threads=args.threads, residents=0)
    try:
        port = server.port
        etag = get(port, "/counters/honchosha/")[1]["etag"]
        cases = [
            ("/healthz", "/healthz", None),
            ("congestion page (HTML)", "/counters/honchosha/", None),
            ("congestion poll (ETag, 304)", "/counters/honchosha/?fragment=1", "poll"),
            ("status API (JSON)", "/api/counters/offices/honchosha/status", None),
            ("display board", "/counters/honchosha/display/", None),
        ]
        results = []
        for label, path, headers in cases:
            rate, statuses = throughput(port, path, total=args.requests, parallel=args.parallel, headers=headers,
                                        poll=headers == "poll")
            results.append((label, rate, statuses))
        floor = results[0][1]
    finally:
        server.stop()
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"database: {database}, server threads: {args.threads}, {args.parallel} parallel clients, {args.requests} requests each")
    for label, rate, statuses in results:
        print(f"{label:28} {rate:8.1f} req/s  ratio {rate / floor:.3f}  {dict(statuses)}")
    print(f"(ETag of the full page for reference: {etag})")


if __name__ == "__main__":
    main()

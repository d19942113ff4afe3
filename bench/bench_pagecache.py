"""The page cache (ADR 0007): anonymous public pages with the cache off (every request renders) and on (hits),
each as a ratio of /healthz measured through the same server in the same run."""

import sys

import requests
from common import Server, measure, report

PAGES = ["/", "/procedures/", "/procedures/?q=住民", "/procedures/juminhyo/", "/en/procedures/juminhyo/", "/life-events/",
         "/opendata/", "/api/3/action/package_search?q=AED", "/api/procedures/", "/api/schema", "/counters/",
         "/counters/honchosha/", "/api/counters/offices/honchosha/status"]

if __name__ == "__main__":
    seconds = 2.0 if "--quick" in sys.argv else 4.0
    for label, flag in (("cache off", "0"), ("cache on", "1")):
        print(f"-- {label}", flush=True)
        with Server(env={"SMARTKOTO_PAGE_CACHE": flag}) as server:
            for path in PAGES:
                requests.get(server.url(path), timeout=30)  # the first request of each page renders it
            floor = measure(server.url("/healthz"), seconds=seconds)
            report("/healthz (floor)", floor, floor)
            for path in PAGES:
                report(path, measure(server.url(path), seconds=seconds), floor)

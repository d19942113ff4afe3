"""The waiting room (順番待ち): at most N booking writes run at once per process, at most M requests wait,
each for a few seconds. Everyone else gets a short "please wait" page (HTTP 503 + Retry-After) at once,
so browsing, congestion pages and staff work stay responsive during a rush.

Sizes come from the environment: SMARTKOTO_BOOKING_CONCURRENCY (4), SMARTKOTO_BOOKING_QUEUE (32),
SMARTKOTO_BOOKING_WAIT_SECONDS (3).
"""

import os
import threading
from contextlib import contextmanager


class Full(Exception):
    pass


class Gate:
    def __init__(self, concurrency, queue, wait_seconds):
        self.concurrency = concurrency
        self.queue = queue
        self.wait_seconds = wait_seconds
        self._semaphore = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self.waiting = 0
        self.turned_away = 0

    @contextmanager
    def enter(self):
        with self._lock:
            if self.waiting >= self.queue:
                self.turned_away += 1
                raise Full
            self.waiting += 1
        try:
            acquired = self._semaphore.acquire(timeout=self.wait_seconds)
        finally:
            with self._lock:
                self.waiting -= 1
        if not acquired:
            with self._lock:
                self.turned_away += 1
            raise Full
        try:
            yield
        finally:
            self._semaphore.release()


booking_gate = Gate(
    int(os.environ.get("SMARTKOTO_BOOKING_CONCURRENCY", 4)),
    int(os.environ.get("SMARTKOTO_BOOKING_QUEUE", 32)),
    float(os.environ.get("SMARTKOTO_BOOKING_WAIT_SECONDS", 3)),
)
RETRY_AFTER_SECONDS = 3

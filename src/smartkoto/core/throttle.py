"""Rate limits and lockouts that hold under parallel requests.

Every change is one conditional UPDATE on a `core.models.Throttle` row (``count = count + 1 WHERE count <
limit``): the database decides who gets the last attempt, not a read in Python followed by a write, so
20 parallel requests against a limit of 5 get exactly 5 attempts, in one process or many, on SQLite
and PostgreSQL. The table lives in the main database, so every web and worker process shares it.

    take(key, limit, seconds)        a window limit (e.g. 5 sign-in links per address per hour): True if allowed
    Lockout(key, limit, ...)          attempts that lock for growing delays after `limit` failures:
        .reserve() -> bool            take one attempt *before* checking the secret; False while locked
        .failed()                     the attempt failed: lock when the limit is reached
        .refund()                     the attempt succeeded: it does not count
        .clear()                      the whole sign-in succeeded: forget the failures and the level
        .retry_after() -> seconds     how long the lock still runs (0 when not locked)
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from .models import Throttle


def _ensure(key, window_ends):
    Throttle.objects.bulk_create([Throttle(key=key, count=0, window_ends=window_ends)], ignore_conflicts=True)


def take(key, limit, seconds):
    """Count one use of `key` in a window of `seconds`; True if it was within `limit`."""
    now = timezone.now()
    _ensure(key, now + timedelta(seconds=seconds))
    # a window that has run out starts again (conditional: of two parallel resets only one matches)
    Throttle.objects.filter(key=key, window_ends__lte=now).update(count=0, window_ends=now + timedelta(seconds=seconds))
    return Throttle.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1) == 1


def give_back(key):
    """Undo one `take` (e.g. a second limit refused the action after the first had counted it)."""
    Throttle.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def purge(older_than_seconds=24 * 3600):
    """Delete rows whose window ended long ago and that hold no running lock. Returns how many."""
    now = timezone.now()
    stale = Throttle.objects.filter(window_ends__lt=now - timedelta(seconds=older_than_seconds))
    return stale.exclude(locked_until__gt=now).delete()[0]


class Lockout:
    """At most `limit` attempts; then a lock of `first_delay` seconds, doubling with every further lock up
    to `max_delay`. The level is forgotten `memory` seconds after the last attempt, or by clear()."""

    def __init__(self, key, limit, first_delay, max_delay, memory=24 * 3600):
        self.key, self.limit = key, max(1, int(limit))
        self.first_delay, self.max_delay, self.memory = first_delay, max(first_delay, max_delay), memory

    def _rows(self):
        return Throttle.objects.filter(key=self.key)

    def reserve(self):
        now = timezone.now()
        _ensure(self.key, now + timedelta(seconds=self.memory))
        # a lock that has run out gives a fresh set of attempts (the level stays: the next lock is longer)
        self._rows().filter(locked_until__lte=now).update(count=0, locked_until=None)
        # a long quiet spell forgets everything
        self._rows().filter(locked_until__isnull=True, window_ends__lte=now).update(count=0, level=0)
        taken = self._rows().filter(count__lt=self.limit, locked_until__isnull=True).update(
            count=F("count") + 1, window_ends=now + timedelta(seconds=self.memory))
        if taken:
            return True
        self._lock_if_due(now)  # e.g. a process died between its failure and setting the lock
        return False

    def delay(self, level):
        return min(self.max_delay, self.first_delay * 2 ** min(level, 30))

    def _lock_if_due(self, now):
        for _attempt in range(3):
            row = self._rows().filter(count__gte=self.limit, locked_until__isnull=True).values("level").first()
            if row is None:
                return
            level = row["level"]
            if self._rows().filter(count__gte=self.limit, locked_until__isnull=True, level=level).update(
                    locked_until=now + timedelta(seconds=self.delay(level)), level=level + 1):
                return

    def failed(self):
        self._lock_if_due(timezone.now())

    def refund(self):
        self._rows().filter(count__gt=0, locked_until__isnull=True).update(count=F("count") - 1)

    def clear(self):
        self._rows().delete()

    def retry_after(self):
        row = self._rows().values("count", "locked_until").first()
        now = timezone.now()
        if row is None:
            return 0
        if row["locked_until"] and row["locked_until"] > now:
            return max(1, int((row["locked_until"] - now).total_seconds() + 0.999))
        return 0

    def locked(self):
        """A read-only look (for showing the form): locked now, or no attempt left."""
        row = self._rows().values("count", "locked_until").first()
        if row is None:
            return False
        if row["locked_until"]:
            return row["locked_until"] > timezone.now()
        return row["count"] >= self.limit

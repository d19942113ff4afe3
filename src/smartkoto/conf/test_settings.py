"""Settings for the test suite: the same settings, with a throw-away data folder, tasks run inline,
a file-backed SQLite test database so parallel clients really share it, and an in-process cache that
tests/conftest.py empties before every test (rate-limit counters and one-time codes live in the cache;
the database cache table is not emptied between transactional tests)."""

import os
import tempfile

_data = tempfile.mkdtemp(prefix="smartkoto-test-")
os.environ.setdefault("SMARTKOTO_DATA_DIR", _data)
os.environ.setdefault("SMARTKOTO_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("SMARTKOTO_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("SMARTKOTO_LOG_LEVEL", "WARNING")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, DATA_DIR  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not os.environ.get("SMARTKOTO_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

if not os.environ.get("REDIS_URL"):
    # One location: conftest's cache.clear() empties the cached pages and their topic versions too.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "smartkoto-tests"},
              "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "smartkoto-tests"}}

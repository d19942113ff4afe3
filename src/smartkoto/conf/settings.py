"""Settings, read from environment variables with embedded defaults.

Embedded default (no variables set): SQLite in ./var, local files, the database task worker,
the built-in development OpenID provider and simulated payments. At scale the same code is pointed
at PostgreSQL, Redis and S3 by DATABASE_URL, REDIS_URL and SMARTKOTO_S3_BUCKET. See docs/operations.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env("SMARTKOTO_DATA_DIR", Path.cwd() / "var")).resolve()
DEFAULT_SECRET_KEY = "smartkoto-insecure-development-key-change-me"

PRODUCTION = env("SMARTKOTO_ENV", "development") == "production"
DEBUG = env_bool("SMARTKOTO_DEBUG", not PRODUCTION)
SECRET_KEY = env("SMARTKOTO_SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("SMARTKOTO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
BASE_URL = env("SMARTKOTO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("SMARTKOTO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_tasks",
    "django_tasks_db",
    # floor 1
    "smartkoto.core",
    # floor 2
    "smartkoto.municipality",
    "smartkoto.identity",
    # floor 3
    "smartkoto.notifications",
    "smartkoto.procedures",
    "smartkoto.payments",
    # floor 4
    "smartkoto.applications",
    "smartkoto.appointments",
    "smartkoto.counters",
    "smartkoto.opendata",
    # floor 5
    "smartkoto.lifeevents",
    # floor 6
    "smartkoto.guide",
]

MIDDLEWARE = [
    "smartkoto.core.middleware.RequestIdMiddleware",
    "smartkoto.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # first after the security headers: a cached anonymous page skips sessions, CSRF, the actor and the view
    "smartkoto.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartkoto.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "smartkoto.identity.middleware.StaffAreaMiddleware",
    "smartkoto.identity.middleware.ServiceTokenMiddleware",
    "smartkoto.core.middleware.ActorMiddleware",
    "smartkoto.core.middleware.FormEncodingMiddleware",
    "smartkoto.core.middleware.RefusalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "smartkoto.conf.urls"
WSGI_APPLICATION = "smartkoto.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "smartkoto.core.context_processors.site",
            ],
            "builtins": ["smartkoto.core.templatetags.ui"],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'smartkoto.sqlite3'}"),
        conn_max_age=int(env("SMARTKOTO_DB_CONN_MAX_AGE", 60)), conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue (busy timeout) instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
if env("SMARTKOTO_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env("SMARTKOTO_TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions ------------------------------------------------------------------------
# Page cache for anonymous visitors (core/pagecache.py, ADR 0007): "pages" holds rendered pages, and the topic
# versions live in PAGE_CACHE_VERSIONS, a store every process shares. Embedded default: pages in each process's
# memory, versions in the database cache table. With Redis both are in Redis, so a hit is one MGET.
REDIS_URL = env("REDIS_URL")
PAGE_CACHE_ENABLED = env_bool("SMARTKOTO_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(env("SMARTKOTO_PAGE_CACHE_SECONDS", 600))  # memory hygiene only: versions decide freshness
PAGE_CACHE_LIVE_SECONDS = int(env("SMARTKOTO_PAGE_CACHE_LIVE_SECONDS", 3))  # congestion pages: a change shows within this
PAGE_CACHE_RULES = "smartkoto.conf.pagecache.RULES"
PAGE_CACHE_TOPICS = "smartkoto.conf.pagecache.TOPICS"
PAGE_CACHE_PAGES = "pages"
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "pages"},
    }
    PAGE_CACHE_VERSIONS = "pages"
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "smartkoto_cache"},
        # ~40 kB a page: 400 pages stay well inside the web worker's memory budget
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "smartkoto-pages",
                  "OPTIONS": {"MAX_ENTRIES": int(env("SMARTKOTO_PAGE_CACHE_ENTRIES", 400))}},
    }
    PAGE_CACHE_VERSIONS = "default"
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(env("SMARTKOTO_SESSION_SECONDS", 60 * 60))
# Idle expiry: an unattended kiosk or shared PC signs itself out SESSION_COOKIE_AGE after its last request.
# IdleSessionMiddleware saves a session in use at most once per SESSION_REFRESH_SECONDS (not on every page view).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = int(env("SMARTKOTO_SESSION_REFRESH_SECONDS", 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- background work (Django Tasks API) ------------------------------------------------------
# Two queues, each worked by its own worker process (`smartkoto worker --queue NAME`; `smartkoto run` starts
# both): "default" for payments sweeps, mail and scheduled work, "bulk" for long open-data loads, so a
# 300k-row spreadsheet never makes a payment or an email wait.
TASKS = {
    "default": {
        "BACKEND": env("SMARTKOTO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # "bulk": long open-data loads, on their own worker so payments, mail and scheduled work never wait behind them
        "QUEUES": ["default", "bulk"],
    }
}

# /readyz fails while an audit record has waited longer than this to be sealed into the chain (ADR 0008)
AUDIT_SEAL_MAX_AGE = int(env("SMARTKOTO_AUDIT_SEAL_MAX_AGE", 60))
# Periodic work enqueued by every worker's scheduler (core/schedule.py): (name, every seconds, task or
# command[, queue]) — the queue is "default" unless named.
PERIODIC_TASKS = [
    ("payments-sweep", 300, "smartkoto.payments.tasks.sweep"),
    ("appointments-release-holds", 60, "smartkoto.appointments.tasks.release_expired_holds"),
    ("opendata-refresh-live", 3600, "command:opendata_refresh_live", "bulk"),
    ("core-purge-throttles", 3600, "smartkoto.core.tasks.purge_throttles"),
]

# --- files ----------------------------------------------------------------------------------
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media-not-served/"  # uploads are only ever served through permission-checked views
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder on every start otherwise
S3_BUCKET = env("SMARTKOTO_S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("SMARTKOTO_S3_ENDPOINT_URL"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- email: an outbox in the database unless SMTP is configured --------------------------------
EMAIL_BACKEND = env("SMARTKOTO_EMAIL_BACKEND", "smartkoto.notifications.backends.OutboxBackend")
EMAIL_HOST = env("SMARTKOTO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("SMARTKOTO_EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = env("SMARTKOTO_FROM_EMAIL", "no-reply@smartkoto.example.jp")

# --- identity ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:sign_in"
STAFF_LOGIN_URL = "identity:staff_sign_in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("SMARTKOTO_FAST_PASSWORD_HASHER"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Resident sign-in provider plug-in and its options (identity/providers/registry.py).
RESIDENT_IDENTITY_PROVIDER = env("SMARTKOTO_IDENTITY_PROVIDER", "development")
OIDC_ISSUER = env("SMARTKOTO_OIDC_ISSUER", "")
OIDC_CLIENT_ID = env("SMARTKOTO_OIDC_CLIENT_ID", "smartkoto")
OIDC_CLIENT_SECRET = env("SMARTKOTO_OIDC_CLIENT_SECRET", "")
OIDC_PRIVATE_KEY_FILE = env("SMARTKOTO_OIDC_PRIVATE_KEY_FILE", "")
OIDC_ACR_VALUES = env("SMARTKOTO_OIDC_ACR_VALUES", "")
DEVELOPMENT_OIDC_ENABLED = env_bool("SMARTKOTO_DEVELOPMENT_OIDC", not PRODUCTION)
# Reverse proxies whose X-Forwarded-For is believed (audit addresses, throttling per address).
TRUSTED_PROXIES = env_list("SMARTKOTO_TRUSTED_PROXIES", "")
EMAIL_LINKS_PER_HOUR = int(env("SMARTKOTO_EMAIL_LINKS_PER_HOUR", 5))
STAFF_LOGIN_MAX_FAILURES = int(env("SMARTKOTO_STAFF_LOGIN_MAX_FAILURES", 5))
# Per client address the limit is higher: behind a proxy every member of staff shares one address, and
# one person's typos must not lock everyone out. It still stops one machine from guessing many accounts.
STAFF_LOGIN_MAX_FAILURES_PER_ADDRESS = int(env("SMARTKOTO_STAFF_LOGIN_MAX_FAILURES_PER_ADDRESS", 50))
# Locks are per (staff ID, client address) and per client address; the first lasts STAFF_LOGIN_LOCK_SECONDS,
# each further one twice as long, up to STAFF_LOGIN_MAX_LOCK_SECONDS (core/throttle.py Lockout).
STAFF_LOGIN_LOCK_SECONDS = int(env("SMARTKOTO_STAFF_LOGIN_LOCK_SECONDS", 5 * 60))
STAFF_LOGIN_MAX_LOCK_SECONDS = int(env("SMARTKOTO_STAFF_LOGIN_MAX_LOCK_SECONDS", 4 * 60 * 60))

# --- language, time ---------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- security ----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False
# Extra origins forms may post or redirect to (e.g. a payment provider's hosted page); the resident
# sign-in provider's origin is added automatically.
CSP_FORM_ACTION_EXTRA = env_list("SMARTKOTO_CSP_FORM_ACTION", "")
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SMARTKOTO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SMARTKOTO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load-balancer probes often speak plain HTTP
SILENCED_SYSTEM_CHECKS = [] if PRODUCTION else ["security.W004", "security.W008", "security.W012", "security.W016"]

# --- logging: one JSON object per line, with the request id ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "smartkoto.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "smartkoto.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("SMARTKOTO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        "smartkoto.production": {"level": "WARNING"},  # production-guard overrides are logged whatever the level
    },
}


# --- payments (payments/providers/registry.py reads this) ---------------------------------------
PAYMENTS_PROVIDER = env("SMARTKOTO_PAYMENTS_PROVIDER", "simulated")

# --- the production guard -------------------------------------------------------------------------
# Development-only plug-ins: each makes the embedded default work on a laptop and must never serve the
# public. In production each one refuses to start unless its own SMARTKOTO_ALLOW_<THING>=1 is set; that
# override is for a staging server only and is logged as a warning on every start (core/apps.py) and
# listed by `smartkoto check --deploy`. (THING, in use?, problem)
DEVELOPMENT_EMAIL_BACKENDS = {
    "smartkoto.notifications.backends.OutboxBackend", "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend", "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
DEVELOPMENT_TASK_BACKENDS = {"django_tasks.backends.immediate.ImmediateBackend", "django_tasks.backends.dummy.DummyBackend"}


def development_plugins():
    """[(override variable, problem)] for every development-only plug-in this configuration uses."""
    used = []
    if PAYMENTS_PROVIDER == "simulated":
        used.append(("SMARTKOTO_ALLOW_SIMULATED_PAYMENTS",
                     "SMARTKOTO_PAYMENTS_PROVIDER is 'simulated': test cards would mark real fees as paid (configure stripe)."))
    if EMAIL_BACKEND in DEVELOPMENT_EMAIL_BACKENDS:
        used.append(("SMARTKOTO_ALLOW_OUTBOX_EMAIL",
                     f"SMARTKOTO_EMAIL_BACKEND is '{EMAIL_BACKEND}': no mail would reach residents "
                     "(set django.core.mail.backends.smtp.EmailBackend and SMARTKOTO_EMAIL_HOST)."))
    if DEVELOPMENT_OIDC_ENABLED:
        used.append(("SMARTKOTO_ALLOW_DEVELOPMENT_SIGN_IN",
                     "SMARTKOTO_DEVELOPMENT_OIDC is on: the sample sign-in must not run in production."))
    if RESIDENT_IDENTITY_PROVIDER == "development":
        used.append(("SMARTKOTO_ALLOW_DEVELOPMENT_SIGN_IN",
                     "SMARTKOTO_IDENTITY_PROVIDER is 'development': anyone could sign in as a sample resident "
                     "(choose digital_auth_app or oidc)."))
    if TASKS["default"]["BACKEND"] in DEVELOPMENT_TASK_BACKENDS:
        used.append(("SMARTKOTO_ALLOW_INLINE_TASKS",
                     f"SMARTKOTO_TASKS_BACKEND is '{TASKS['default']['BACKEND']}': background work would run inside "
                     "requests or be dropped (use django_tasks_db.DatabaseBackend)."))
    if PASSWORD_HASHERS[0].endswith("MD5PasswordHasher"):
        used.append(("SMARTKOTO_ALLOW_FAST_PASSWORD_HASHER",
                     "SMARTKOTO_FAST_PASSWORD_HASHER is on: staff passwords would be stored with MD5 (tests only)."))
    return used


def allowed_development_plugins():
    """[(override variable, problem)] the operator has explicitly allowed (staging only)."""
    return [(name, problem) for name, problem in development_plugins() if env_bool(name)]


def production_problems():
    """What stops this configuration from serving the public, in words an operator can act on."""
    problems = []
    if DEBUG:
        problems.append("SMARTKOTO_DEBUG is on: debug pages would show internals to the public.")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("SMARTKOTO_SECRET_KEY is unset, shorter than 50 characters or too repetitive (use a random value).")
    if not ALLOWED_HOSTS:
        problems.append("SMARTKOTO_ALLOWED_HOSTS is empty: name the host names the site answers to.")
    if not BASE_URL.startswith("https://"):
        problems.append("SMARTKOTO_BASE_URL must be an https:// address.")
    for override, problem in development_plugins():
        if not env_bool(override):
            problems.append(f"{problem} (A staging server may allow it with {override}=1.)")
    return problems


if PRODUCTION and production_problems():
    raise ImproperlyConfigured(
        "Smart KOTO refuses to start in production:\n- " + "\n- ".join(production_problems())
    )

SITE_NAME = _("Smart KOTO")

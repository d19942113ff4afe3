"""The HTTP server behind `smartkoto serve` and `smartkoto run`: gunicorn, pre-forked, with threaded workers
(`--workers`, default one per CPU core; `--threads` per worker). Where gunicorn cannot run (Windows, which has
no fork) waitress serves instead, one process with `--threads`.

One process per core is what lets Python use the machine: a single process with threads runs one request's
Python at a time. The application is loaded once in the master and forked, so workers share its memory pages.

Kept from the waitress days:
- forwarded headers (X-Forwarded-For/-Proto/-Host/…, Forwarded) reach the application only from an address
  in SMARTKOTO_TRUSTED_PROXIES; from anyone else they are removed before Django sees them;
- no access log (the request-id middleware's JSON log is the record); gunicorn's own messages follow
  SMARTKOTO_LOG_LEVEL;
- a server killed with SIGKILL leaves nothing behind: every worker asks Linux to kill it when the master
  dies (PR_SET_PDEATHSIG), so the port is free at once for a restart.
"""

import os
import signal
import sys

# Forwarded headers as they appear in the WSGI environ.
PROXY_HEADERS = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_BY", "HTTP_X_FORWARDED_HOST",
                 "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PROTO")


def default_workers():
    return os.cpu_count() or 1


def gunicorn_available():
    try:
        import gunicorn.app.base  # noqa: F401 (needs fork and fcntl: not on Windows)
    except ImportError:
        return False
    return True


def without_untrusted_proxy_headers(application, trusted_proxies):
    """The WSGI application, with forwarded headers removed unless the peer is a trusted proxy."""
    trusted = frozenset(trusted_proxies)

    def guarded(environ, start_response):
        if environ.get("REMOTE_ADDR") not in trusted:
            for key in PROXY_HEADERS:
                environ.pop(key, None)
        return application(environ, start_response)

    return guarded


def serve(load_application, host, port, *, workers=None, threads=8, trusted_proxies=(), log_level="INFO", name="smartkoto"):
    """Serve until stopped (SIGTERM or SIGINT: finish the requests in flight, then exit). `load_application`
    returns the WSGI application; it is called once, in the process that then forks the workers."""
    workers = workers or default_workers()
    if not gunicorn_available():
        from waitress import serve as waitress_serve

        application = without_untrusted_proxy_headers(load_application(), trusted_proxies)
        waitress_serve(application, host=host, port=port, threads=threads, ident=name, clear_untrusted_proxy_headers=True)
        return
    _gunicorn(load_application, host, port, workers, threads, trusted_proxies, log_level, name).run()


def _gunicorn(load_application, host, port, workers, threads, trusted_proxies, log_level, name):
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            application = without_untrusted_proxy_headers(load_application(), trusted_proxies)
            _close_database_connections()
            return application

    options = {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "proc_name": name,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level.lower(),
        # scheme headers (X-Forwarded-Proto) are believed from the same proxies as the rest
        "forwarded_allow_ips": ",".join(address for address in trusted_proxies if _is_address(address)),
        # `docker stop` and the tests allow about 10 s before SIGKILL: finish in-flight requests within that
        "graceful_timeout": 8,
        "timeout": 60,
        "keepalive": 5,
        "pre_fork": lambda arbiter, worker: _close_database_connections(),
        "post_fork": _die_with_master,
        # gunicorn's control socket lives at one path per user: two servers on a machine would fight over it
        "control_socket_disable": True,
    }
    if os.path.isdir("/dev/shm"):
        options["worker_tmp_dir"] = "/dev/shm"  # the workers' heartbeat files: never wait on a slow disk
    return Application()


def _is_address(text):
    import ipaddress

    try:
        ipaddress.ip_network(text)
    except ValueError:
        return False
    return True


def _close_database_connections():
    # A connection opened in the master (migrate, the demo data, checks) must not be shared by forked workers.
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def _die_with_master(arbiter, worker):
    """In a new worker: be killed by the kernel when the master dies, even by SIGKILL (Linux); gunicorn's own
    check notices an orphaned worker only between requests, while it keeps the listening socket open."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != arbiter.pid:  # the master died before prctl took effect
        os._exit(1)

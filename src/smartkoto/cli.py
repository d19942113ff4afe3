"""`smartkoto` — one command for the platform.

    smartkoto run [--port 8000]   migrate, load the Koto demo data once, start web server and two workers
                                  (queues "default" and "bulk")
    smartkoto serve [--workers N] web server only (at scale: many of these behind a load balancer); gunicorn
                                  with N processes (default: one per CPU core) of --threads threads each
    smartkoto worker [--queue Q]  background worker for one queue: default (payments, mail, scheduled
                                  work; the default) or bulk (long open-data loads); "*" for all
    smartkoto demo [--force]      load the demo data
    smartkoto audit verify        seal what is waiting, then check the audit log's hash chain
    smartkoto audit seal          seal committed audit records into the chain now (the worker does it every second)
    smartkoto totp USERNAME       current TOTP code of a demo staff member (development only)
    smartkoto check [--deploy]    configuration checks; --deploy lists what blocks production
    smartkoto guide-eval FILE     the digital guide's answers measured on a labelled question set
    smartkoto manage ARGS...      any Django management command
"""

import argparse
import os
import signal
import subprocess
import sys
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkoto.conf.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)


def refuse_misconfiguration():
    """Stop at startup, naming the problem, when a startup check fails (e.g. identity.E001: the configured
    sign-in provider is unknown) instead of failing on the first request."""
    from django.core.checks import run_checks

    serious = [message for message in run_checks(tags=["smartkoto"]) if message.is_serious()]
    if serious:
        for message in serious:
            print(f"{message.id}: {message.msg}" + (f" {message.hint}" if message.hint else ""), file=sys.stderr)
        sys.exit(2)


def _migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def cmd_demo(args):
    _setup()
    _migrate()
    from smartkoto import demo

    done = demo.load(force=args.force)
    print("Demo data loaded: " + ", ".join(done) if done else "Demo data was already loaded (use --force to load again).")


def cmd_run(args):
    os.environ.setdefault("SMARTKOTO_BASE_URL", f"http://127.0.0.1:{args.port}")
    _setup()
    refuse_misconfiguration()
    from django.conf import settings

    from smartkoto.core import processes, worker

    # A `run` killed with SIGKILL cannot stop its workers: find them through the PID file and stop them,
    # so a restart never works a queue twice; a `run` still alive on this data folder is not disturbed.
    try:
        processes.clear_leftovers(settings.DATA_DIR, log=lambda line: print(line, file=sys.stderr, flush=True))
    except processes.AlreadyRunning as running:
        print(f"Smart KOTO is already running on {settings.DATA_DIR} (smartkoto run, pid {running.pid}). "
              "Stop it first (Ctrl+C or kill " + str(running.pid) + ").", file=sys.stderr)
        sys.exit(1)
    run_pid = os.getpid()
    run_entry = processes.describe(run_pid)
    processes.write(settings.DATA_DIR, run_entry, [])
    # SIGTERM (docker stop, systemd, kill) must also stop the workers: turn it into a normal exit so the
    # `finally` below runs instead of leaving the workers behind. SIGINT (Ctrl+C) raises KeyboardInterrupt.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    workers = []
    try:
        _migrate()
        from smartkoto import demo

        demo.load()
        env = {**os.environ, "SMARTKOTO_RUN_PID": str(os.getpid())}
        for queue in worker.QUEUES:
            workers.append((queue, subprocess.Popen([sys.executable, "-m", "smartkoto.cli", "worker", "--queue", queue], env=env)))
        processes.write(settings.DATA_DIR, run_entry, [processes.describe(p.pid, queue=q) for q, p in workers])
        _print_welcome(settings, args.port)
        _serve(args)
    except KeyboardInterrupt:
        pass
    finally:
        if os.getpid() == run_pid:  # not in a web worker forked from this process: those exit on their own
            _stop_workers(workers)
            processes.remove(settings.DATA_DIR, run_pid)


def _stop_workers(workers):
    for _queue, process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for _queue, process in workers:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _print_welcome(settings, port):
    from smartkoto.identity.demo import DEMO_PASSWORD, STAFF
    from smartkoto.identity.devprovider.residents import SAMPLE_RESIDENTS

    base = settings.BASE_URL
    lines = [
        "",
        "Smart KOTO is running on the embedded default (SQLite, local files, database worker).",
        f"  Residents:     {base}/            (English: {base}/en/)",
        f"  Back office:   {base}/staff/",
        f"  API schema:    {base}/api/schema",
        f"  Data folder:   {settings.DATA_DIR}",
        "",
        "Resident sign-in: choose 'Sign in with My Number card'; the development provider lets you pick:",
    ]
    lines += [f"    - {p['name']} ({p['name_en']}), {p['address']['formatted']}" for p in SAMPLE_RESIDENTS]
    lines += ["", f"Staff sign-in at {base}/staff/sign-in/  password for all: {DEMO_PASSWORD}",
              "  second step: the current code from `smartkoto totp USERNAME` (or add the key shown there to an authenticator app)"]
    lines += [f"    - {username:15} {what}" for username, _f, _g, _m, what in STAFF]
    lines += ["", "Stop with Ctrl+C.", ""]
    print("\n".join(lines), flush=True)


def _serve(args):
    from django.conf import settings

    from smartkoto.core import webserver

    def load_application():
        from smartkoto.conf.wsgi import application

        return application

    webserver.serve(load_application, args.host, args.port, workers=args.workers, threads=args.threads,
                    trusted_proxies=settings.TRUSTED_PROXIES, log_level=settings.LOGGING["root"]["level"])


def cmd_serve(args):
    _setup()
    refuse_misconfiguration()
    _serve(args)


def cmd_worker(args):
    _setup()
    refuse_misconfiguration()
    from django.conf import settings

    from smartkoto.core import worker

    known = settings.TASKS["default"].get("QUEUES") or ["default"]
    unknown = [name for name in args.queue.split(",") if name not in known and name != "*"]
    if unknown:
        print(f"Unknown queue {', '.join(unknown)}: the queues are {', '.join(known)} (or * for all).", file=sys.stderr)
        sys.exit(2)
    parent = os.environ.get("SMARTKOTO_RUN_PID", "")
    worker.run(queue=args.queue, parent_pid=int(parent) if parent.isdigit() else None)


def cmd_audit(args):
    _setup()
    from smartkoto.core import audit

    sealed = audit.seal()
    if args.action == "seal":
        print(f"Sealed {sealed} audit records; {audit.unsealed().count()} waiting.")
        return
    ok, sequence, reason = audit.verify_chain()
    waiting = audit.unsealed().count()
    note = f" {waiting} records not sealed yet (another sealer is at work, or they were committed just now)." if waiting else ""
    if ok:
        print(f"Audit chain intact.{note}")
        return
    print(f"Audit chain BROKEN at record {sequence}: {reason}{note}", file=sys.stderr)
    sys.exit(1)


def cmd_totp(args):
    _setup()
    from django.conf import settings

    if settings.PRODUCTION:
        print("Refused: codes are shown only on development servers.", file=sys.stderr)
        sys.exit(2)
    import pyotp

    from smartkoto.identity.queries import totp_device

    device = totp_device(args.username)
    if device is None:
        print(f"No authenticator for {args.username}.", file=sys.stderr)
        sys.exit(1)
    remaining = 30 - int(time.time()) % 30
    print(f"{pyotp.TOTP(device.secret).now()}  (valid for {remaining} s more; key {device.secret})")


def cmd_check(args):
    _setup()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=args.deploy, fail_level="ERROR")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)


def cmd_guide_eval(args):
    _setup()
    _migrate()
    from smartkoto import demo
    from smartkoto.guide import evaluation, queries

    demo.load()
    outcomes = evaluation.run(evaluation.read(args.file), queries.answer)
    evaluation.report(outcomes, sys.stdout)
    if args.misses:
        evaluation.misses(outcomes, sys.stdout, limit=args.misses)


def cmd_manage(args):
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["smartkoto manage", *args.rest])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="smartkoto", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "serve"):
        p = sub.add_parser(name)
        p.add_argument("--host", default=os.environ.get("SMARTKOTO_HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("SMARTKOTO_PORT", 8000)))
        p.add_argument("--workers", type=int, default=int(os.environ.get("SMARTKOTO_WORKERS", 0)) or None,
                       help="web server processes (default: one per CPU core; 1 on Windows, where waitress serves)")
        p.add_argument("--threads", type=int, default=int(os.environ.get("SMARTKOTO_THREADS", 8)),
                       help="threads per web server process")
    p = sub.add_parser("worker")
    p.add_argument("--queue", default="default",
                   help="queue to work: default (payments, mail, scheduled work), bulk (long open-data loads), "
                        "several separated by commas, or * for all")
    p = sub.add_parser("demo")
    p.add_argument("--force", action="store_true")
    p = sub.add_parser("audit")
    p.add_argument("action", choices=["verify", "seal"])
    p = sub.add_parser("totp")
    p.add_argument("username")
    p = sub.add_parser("check")
    p.add_argument("--deploy", action="store_true")
    p = sub.add_parser("guide-eval")
    p.add_argument("file")
    p.add_argument("--misses", type=int, default=0, help="list up to N questions answered wrongly")
    p = sub.add_parser("manage")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    {"run": cmd_run, "serve": cmd_serve, "worker": cmd_worker, "demo": cmd_demo, "audit": cmd_audit,
     "totp": cmd_totp, "check": cmd_check, "manage": cmd_manage,
     "guide-eval": cmd_guide_eval}[args.command](args)


if __name__ == "__main__":
    main()

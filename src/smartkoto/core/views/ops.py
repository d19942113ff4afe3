"""Health endpoints for load balancers and monitoring (ICT-BCP, 取組21)."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from smartkoto.core import audit
from smartkoto.core.models import WorkerHeartbeat

WORKER_STALE_AFTER = timedelta(seconds=60)


def healthz(request):
    """The process answers. No database call: a liveness probe must not fail for a database outage."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Ready to serve: the database answers, a background worker has been seen recently, and no audit record
    has waited longer than settings.AUDIT_SEAL_MAX_AGE to be sealed into the chain."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - the probe reports any database failure
        checks["database"] = f"error: {exc.__class__.__name__}"
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.endswith("ImmediateBackend") or backend.endswith("DummyBackend"):
        checks["worker"] = "not needed"
    else:
        try:
            recent = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - WORKER_STALE_AFTER).count()
            checks["worker"] = "ok" if recent else "no worker seen in the last 60 seconds"
        except Exception as exc:  # noqa: BLE001
            checks["worker"] = f"error: {exc.__class__.__name__}"
    try:
        overdue = audit.sealing_overdue()
        checks["audit"] = "ok" if not overdue else (
            f"{overdue} audit records not sealed within {settings.AUDIT_SEAL_MAX_AGE} seconds")
    except Exception as exc:  # noqa: BLE001
        checks["audit"] = f"error: {exc.__class__.__name__}"
    ok = all(value in {"ok", "not needed"} for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)

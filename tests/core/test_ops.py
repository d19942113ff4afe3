"""Operations endpoints and request ids: /healthz answers without the database, /readyz checks the
database and the background worker, every response and JSON log line carries the request id."""

import io
import json
import logging

import pytest
from django.utils import timezone

from smartkoto.core.logging import JsonFormatter, RequestIdFilter
from smartkoto.core.models import WorkerHeartbeat

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_with_inline_tasks_needs_no_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "worker": "not needed", "audit": "ok"}}


@pytest.mark.django_db
def test_readyz_with_the_database_worker_and_no_heartbeat_is_unavailable(client, settings):
    settings.TASKS = DB_BACKEND
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["database"] == "ok"
    assert body["checks"]["worker"].startswith("no worker seen")


@pytest.mark.django_db
def test_readyz_with_a_stale_heartbeat_is_unavailable(client, settings):
    settings.TASKS = DB_BACKEND
    WorkerHeartbeat.objects.create(name="old:1", seen_at=timezone.now() - timezone.timedelta(minutes=5))
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_readyz_with_a_fresh_heartbeat_is_ready(client, settings):
    settings.TASKS = DB_BACKEND
    WorkerHeartbeat.objects.create(name="host:1", seen_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "worker": "ok", "audit": "ok"}


@pytest.mark.django_db(transaction=True)
def test_worker_heartbeat_thread_writes_a_row():
    import threading

    from smartkoto.core import worker

    stop = threading.Event()
    thread = threading.Thread(target=worker._heartbeat, args=("test:1", stop))
    thread.start()
    try:
        for _ in range(100):
            if WorkerHeartbeat.objects.filter(name="test:1").exists():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(5)
    assert WorkerHeartbeat.objects.filter(name="test:1").exists()


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("smartkoto.request"), logging.getLogger("smartkoto.identity.views.public")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_request_id_from_the_proxy_is_echoed_and_logged(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c")
    assert response["X-Request-ID"] == "lb-7f3a9c"
    (line,) = [entry for entry in json_log() if entry["message"] == "request"]
    assert line["request_id"] == "lb-7f3a9c"
    assert line["path"] == "/healthz" and line["status"] == 200 and line["level"] == "INFO"


def test_request_id_is_made_when_none_is_given(client, json_log):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first and second and first != second
    assert [entry["request_id"] for entry in json_log()] == [first, second]


def test_overlong_request_id_is_cut_to_64_characters(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 500)
    assert len(response["X-Request-ID"]) <= 64


@pytest.mark.django_db
def test_logs_written_inside_a_view_carry_the_request_id(client, json_log):
    response = client.get("/sign-in/callback/", {"state": "s", "code": "c"}, HTTP_X_REQUEST_ID="req-123")
    assert response.status_code == 400
    warnings = [entry for entry in json_log() if entry["message"] == "sign-in refused"]
    assert warnings and warnings[0]["request_id"] == "req-123" and warnings[0]["reason"] == "no_pending_sign_in"


@pytest.mark.django_db
def test_audit_records_carry_the_request_id(client):
    from smartkoto.core.models import AuditRecord

    client.get("/sign-in/callback/", {"state": "s", "code": "c"}, HTTP_X_REQUEST_ID="req-456")
    assert AuditRecord.objects.get(action="identity.sign_in_refused").request_id == "req-456"

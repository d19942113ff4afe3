"""Issue 11 item 3, the crash test: parallel guest submissions over HTTP against `smartkoto serve` (waitress, a
subprocess on the test database, the database task backend, no worker), the server killed with SIGKILL mid-run
and started again. Every submission the server acknowledged (its reference came back in a response) exists once
with its receipt task row, so did every other application that left the draft state, and the audit chain verifies.
Bounded: at most CLIENTS × PER_CLIENT submissions and TIME_LIMIT seconds per phase."""

import re
import tempfile

import pytest
import requests
from django_tasks_db.models import DBTaskResult

from smartkoto.applications.models import Application
from smartkoto.core import audit
from tests.crash_server import Server, kill_when, run_clients

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CLIENTS, PER_CLIENT, TIME_LIMIT = 8, 6, 60
REFERENCE = re.compile(r"KT-\d{4}-\d+")


def _submit_one(base, n):
    """One guest, start to declaration; returns the reference shown on the 'sent' page (the acknowledgement)."""
    session = requests.Session()
    session.get(f"{base}/applications/start/sodai-gomi/", timeout=20)
    headers = {"X-CSRFToken": session.cookies.get("csrftoken", "")}
    response = session.post(f"{base}/applications/start/sodai-gomi/", headers=headers, allow_redirects=False, timeout=20)
    public_id = re.search(r"/applications/([0-9a-f-]{36})/", response.headers["Location"]).group(1)
    steps = {"applicant": {"full_name": "障害 試験", "full_name_kana": "ショウガイ シケン", "phone": "03-1234-5678", "email": f"crash{n}@example.jp",
                           "birth_date": "1970-01-01", "postal_code": "136-0073", "address": "東京都江東区北砂一丁目"},
             "waste": {"item_size": "small", "item_name": "椅子", "collection_date": "2026-12-10", "apartment": "no"}}
    for step, data in steps.items():
        response = session.post(f"{base}/applications/{public_id}/step/{step}/", data, headers=headers, allow_redirects=False, timeout=20)
        assert response.status_code == 302, (step, response.status_code)
    response = session.post(f"{base}/applications/{public_id}/declaration/", {"agree": "on", "submission": public_id}, headers=headers, timeout=20)
    found = REFERENCE.search(response.text) if response.status_code == 200 else None
    return found.group(0) if found else None


def _run_clients(base, offset, stop_after=None):
    return run_clients(CLIENTS, PER_CLIENT, TIME_LIMIT, lambda c, i: _submit_one(base, offset + c * PER_CLIENT + i),
                       (requests.RequestException, AttributeError, AssertionError, KeyError), stop_after)


def test_a_server_killed_mid_run_loses_no_receipt_task(catalog):
    data_dir = tempfile.mkdtemp(prefix="sk-crash-")
    server = Server(data_dir)

    def kill_mid_run(acknowledged):
        kill_when(server, acknowledged, 10, TIME_LIMIT)  # SIGKILL while the other clients are between commit and response

    try:
        before, errors = _run_clients(server.url, 0, stop_after=kill_mid_run)
    finally:
        server.stop()
    assert len(before) >= 10 and errors, (len(before), errors[:3])  # acknowledged work, and requests cut off by the kill

    server = Server(data_dir)  # restarted on the same database
    try:
        after, _errors = _run_clients(server.url, 1000)
        assert after, server.output()
        verify = server.audit_verify()
    finally:
        server.stop()

    for reference in before + after:
        application = Application.objects.get(reference=reference)  # exactly once
        assert DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.send_receipt", args_kwargs__args=[application.pk]).count() == 1, reference
    submitted = Application.objects.exclude(status="draft")
    tasks = {tuple(row["args"]) for row in DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.send_receipt").values_list("args_kwargs", flat=True)}
    assert {(pk,) for pk in submitted.values_list("pk", flat=True)} <= tasks  # not one application without its task
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert audit.verify_chain()[0]
    print(f"crash test: {len(before)} acknowledged before SIGKILL, {len(errors)} requests cut off, {len(after)} after restart, "
          f"{submitted.count()} submitted in the database, {len(tasks)} receipt tasks")

"""Issue 11 item 3 with money: parallel card-verified residents over HTTP against `smartkoto serve` (a subprocess
on the test database, the database task backend, no worker), each sending 住民票の写し (a fee paid when
sending: the application waits for payment) and paying it on the simulated provider (Pay → our hand-over →
the provider's card page, 4242… → back to our return page, which polls the provider). The server is killed
with SIGKILL mid-run and started again (three times, then a last run to the end); then the payments sweep runs once, as the worker's next sweep would
(after its retry delays), in this process on the same database.

Then: every acknowledged submission exists once with its receipt task; every payment the provider captured
moved its application to `received` with exactly one payment case event; no application was paid twice; no
payment signal is left undelivered; `audit verify` passes. Bounded: CLIENTS × PER_CLIENT submissions and
TIME_LIMIT seconds per run, three killed runs and a last one."""

import re
import tempfile
from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from smartkoto.applications.models import Application, CaseEvent
from smartkoto.core import audit
from smartkoto.payments.models import LedgerEntry, Payment, PendingSignal, SimIntent
from smartkoto.payments.tasks import sweep
from tests.applications.conftest import APPLICANT
from tests.crash_server import Server, kill_when, run_clients

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CLIENTS, PER_CLIENT, TIME_LIMIT = 8, 5, 45
KILL_AFTER = (5, 9, 13)  # three SIGKILLs, each after this many captures in its run
REFERENCE = re.compile(r"KT-\d{4}-\d+")
EXPECTED = (requests.RequestException, AttributeError, AssertionError, KeyError)
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}
STEPS = {"applicant": APPLICANT, "certificate": {"copies": "2", "purpose": "work", "scope": "me", "delivery": "mail"}}


def _signed_in(base, cookie):
    """A browser holding a resident's session (made in this process, stored in the shared database)."""
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
    session.get(f"{base}/applications/start/juminhyo/", timeout=20)
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken", "")
    return session


def _submit_and_pay(base, cookie, submitted, captured):
    """One resident, start → steps → declaration (the reference on the sent page is the acknowledgement, noted
    in `submitted`) → Pay → hand-over → the provider's page with 4242 (its redirect back is the provider's
    acknowledgement of the capture, noted in `captured`) → our return page (polls, moves the payment)."""
    session = _signed_in(base, cookie)
    response = session.post(f"{base}/applications/start/juminhyo/", allow_redirects=False, timeout=20)
    public_id = re.search(r"/applications/([0-9a-f-]{36})/", response.headers["Location"]).group(1)
    for step, data in STEPS.items():
        response = session.post(f"{base}/applications/{public_id}/step/{step}/", data, allow_redirects=False, timeout=20)
        assert response.status_code == 302, (step, response.status_code)
    response = session.post(f"{base}/applications/{public_id}/declaration/", {"agree": "on", "submission": public_id}, timeout=20)
    found = REFERENCE.search(response.text) if response.status_code == 200 else None
    if not found:
        return None
    reference = found.group(0)
    submitted.append(reference)
    response = session.post(f"{base}/applications/{public_id}/pay/", allow_redirects=False, timeout=20)
    assert response.status_code == 302 and "/payments/p/" in response.headers["Location"], response.status_code
    handover = session.get(base + response.headers["Location"], allow_redirects=False, timeout=20)
    provider_page = handover.headers["Location"]
    assert "/payments/sim/pay/" in provider_page, provider_page
    paid = session.post(base + provider_page, CARD, allow_redirects=False, timeout=20)
    assert paid.status_code == 302 and paid.headers["Location"].endswith("/return/"), paid.status_code
    captured.append(reference)
    back = session.get(base + paid.headers["Location"], allow_redirects=False, timeout=20)
    assert back.status_code == 302, back.status_code
    return reference


def _phase(base, cookies, stop_after=None):
    submitted, captured = [], []
    done, errors = run_clients(CLIENTS, PER_CLIENT, TIME_LIMIT, lambda c, i: _submit_and_pay(base, cookies[c], submitted, captured),
                               EXPECTED, stop_after and (lambda _done: stop_after(captured)))
    return submitted, captured, done, errors


def test_a_server_killed_mid_run_loses_no_payment_success(catalog, make_resident):
    cookies = []
    for c in range(CLIENTS):
        browser = Client()
        browser.force_login(make_resident(subject=f"crash-{c}", email=f"crash{c}@example.jp"))
        cookies.append(browser.cookies[settings.SESSION_COOKIE_NAME].value)
    data_dir = tempfile.mkdtemp(prefix="sk-crash-pay-")
    submitted, captured, cut_off = [], [], []
    for threshold in KILL_AFTER:  # SIGKILL once this many payments were captured, while the others are mid-payment
        server = Server(data_dir)  # (re)started on the same database
        try:
            before, paid, _done, errors = _phase(server.url, cookies, lambda captured, server=server, threshold=threshold: kill_when(server, captured, threshold, TIME_LIMIT))
        finally:
            server.stop()
        assert len(paid) >= threshold and errors, (threshold, len(paid), errors[:3], server.output())
        submitted, captured, cut_off = submitted + before, captured + paid, cut_off + errors

    server = Server(data_dir)  # and once more, to the end of the loop
    try:
        before, paid, _done, errors = _phase(server.url, cookies)
        assert paid and not errors, (errors[:3], server.output())
    finally:
        server.stop()
    submitted, captured = submitted + before, captured + paid

    # the worker's next sweep, once its retry delays have passed (signals 1 min, stuck payments 5 min)
    captured_intents = set(SimIntent.objects.filter(status="succeeded").values_list("reference", flat=True))
    moved_before_sweep = Application.objects.filter(reference__in=captured_intents, status="received").count()
    earlier = timezone.now() - timedelta(minutes=10)
    PendingSignal.objects.update(created_at=earlier)
    Payment.objects.filter(status__in=["created", "started", "failed"]).update(updated_at=earlier)
    swept = sweep.call()
    verify = server.audit_verify()

    # every acknowledged submission exists once, with its receipt task; so does every application sent
    receipts = {tuple(row["args"]) for row in DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.send_receipt").values_list("args_kwargs", flat=True)}
    for reference in submitted:
        application = Application.objects.get(reference=reference)
        assert DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.send_receipt", args_kwargs__args=[application.pk]).count() == 1, reference
    sent = Application.objects.exclude(status="draft")
    assert {(pk,) for pk in sent.values_list("pk", flat=True)} <= receipts
    # every payment the provider captured (what the residents were told, and anything captured as the server died)
    assert set(captured) <= captured_intents
    for reference in captured_intents:
        application = Application.objects.get(reference=reference)
        assert application.status == "received" and application.paid_at is not None, (reference, application.status, swept)
        assert application.events.filter(kind=CaseEvent.Kind.PAYMENT, payment_outcome="succeeded").count() == 1, reference
        assert application.events.filter(kind=CaseEvent.Kind.STATUS, to_status="received").count() == 1, reference
        payment = Payment.objects.get(reference=reference, status="succeeded")
        assert payment.captured_yen == application.fee_amount == 600
    # nothing paid twice: one payment, one capture and one ledger entry per application at most
    assert not Payment.objects.values("reference").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not SimIntent.objects.values("reference").annotate(n=Count("pk", filter=Q(status="succeeded"))).filter(n__gt=1).exists()
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).values("payment__reference").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count() == len(captured_intents)
    # applications move only with money: none received without a capture, none left waiting with one
    assert set(sent.filter(status="received").values_list("reference", flat=True)) == captured_intents
    assert not PendingSignal.objects.filter(delivered_at__isnull=True).exists()
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert audit.verify_chain()[0]
    print(f"crash test with payments: {len(submitted)} acknowledged submissions, {len(captured)} payments acknowledged by the provider "
          f"({len(captured_intents)} captured in all), {len(KILL_AFTER)} SIGKILLs ({len(cut_off)} clients cut off), "
          f"{moved_before_sweep} applications moved before the sweep, sweep: {swept}")

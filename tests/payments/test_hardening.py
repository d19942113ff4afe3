"""Issue 11 (hardening) for payments: one payment per slip, payment signals that survive a crash after commit,
no 5xx for bad API input, safe return URLs, payable API links, private pages."""

import re
from http.cookies import SimpleCookie

import pytest
from django.test import Client

from smartkoto.core.actor import Actor
from smartkoto.payments import services, slips
from smartkoto.payments.models import LedgerEntry, Payment, SimIntent

from tests.applications.conftest import apply, catalog  # noqa: F401  (fixtures)
from tests.payments.test_concurrency import run_parallel

SYSTEM = Actor.system("tests")
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}



def open_slip(client, slip):
    response = client.post("/payments/slip/", {"number": slip.number, "check_code": slip.check_code})
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def page_key(page):
    return re.search(r'name="idempotency_key" value="([0-9a-f]*)"', page.content.decode()).group(1)


def pay_in_browser(client, slip, key):
    """Press 'Pay' on the slip page (with the key its own page load carried), follow our hand-over to the
    provider's page and pay with 4242."""
    def run():
        response = client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": key})
        if response.status_code != 302 or "/payments/p/" not in response["Location"]:
            return ("refused", response.status_code)
        handover = client.post(response["Location"])
        location = handover["Location"]
        if "/payments/sim/pay/" not in location:
            return ("not payable", location)
        paid = client.post(location, CARD)
        return ("card", response["Location"], paid.status_code)
    return run


def captured_for(slip):
    for payment in Payment.objects.filter(reference=slip.number).exclude(provider_ref=""):
        services.poll(payment, actor=SYSTEM)  # what the webhook or the return page would tell us
    payments = list(Payment.objects.filter(reference=slip.number))
    intents = SimIntent.objects.filter(reference=slip.number)
    return payments, sum(i.amount_captured for i in intents), sum(e.amount_yen for e in LedgerEntry.objects.filter(payment__in=payments))


# --- item 2: one idempotency key per slip ---------------------------------------------------------------
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_many_tabs_of_one_resident_pay_a_slip_once(koto, resident):
    slip = slips.issue("juminhyo-copy", 1, actor=SYSTEM)
    first = Client()
    first.force_login(resident)
    open_slip(first, slip)
    tabs = []
    for _ in range(6):
        tab = Client()
        tab.cookies = SimpleCookie(first.cookies.output(header="", sep=";").strip())
        # each tab loaded the page (before the fix: a fresh random key on every load)
        tabs.append((tab, page_key(tab.get(f"/payments/slip/{slip.number}/"))))
    results, errors = run_parallel([pay_in_browser(tab, slip, key) for tab, key in tabs])
    assert not errors, errors
    payments, captured, booked = captured_for(slip)
    assert len(payments) == 1, [(p.idempotency_key, p.status) for p in payments]
    assert {r[1] for r in results if r[0] == "card"} == {f"/payments/p/{payments[0].public_id}/pay/"}
    assert captured == slip.amount_yen == 300 and booked == 300


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_many_browsers_with_the_slip_numbers_pay_it_once(koto, make_resident):
    slip = slips.issue("juminhyo-copy", 1, actor=SYSTEM)
    browsers = []
    for index in range(6):
        browser = Client()
        if index % 3 == 0:
            browser.force_login(make_resident(subject=f"tab-{index}"))
        browsers.append((browser, page_key(open_slip(browser, slip))))
    results, errors = run_parallel([pay_in_browser(b, slip, key) for b, key in browsers])
    assert not errors, errors
    payments, captured, booked = captured_for(slip)
    assert len(payments) == 1, [(p.idempotency_key, p.status) for p in payments]
    assert captured == 300 and booked == 300, results
    # the first browser pays; the others resume it (a guest; "not payable" once it is paid) or are told it is another person's
    assert [r[0] for r in results].count("card") >= 1 and set(r[0] for r in results) <= {"card", "refused", "not payable"}


@pytest.mark.django_db
def test_a_second_page_load_resumes_the_same_payment_and_an_expired_one_gets_a_new_key(koto, client):
    slip = slips.issue("juminhyo-copy", 1, actor=SYSTEM)
    open_slip(client, slip)
    first = client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": "aaaa"})
    client.get(f"/payments/slip/{slip.number}/")
    second = client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": "bbbb"})
    assert first["Location"] == second["Location"] and Payment.objects.count() == 1
    Payment.objects.update(status="expired")
    third = client.post(f"/payments/slip/{slip.number}/", {"idempotency_key": "cccc"})
    assert third["Location"] != first["Location"] and Payment.objects.count() == 2
    assert sorted(Payment.objects.values_list("idempotency_key", flat=True)) == [f"slip-{slip.pk}-300-0", f"slip-{slip.pk}-300-1"]


# --- item 3: payment signals survive a crash between the commit and the after-commit hook -------------------
def _post_hooks(client, payment):
    from smartkoto.payments.models import SimWebhook
    from smartkoto.payments.providers import simulated

    for hook in SimWebhook.objects.filter(intent_id=payment.provider_ref).order_by("created_at", "id"):
        raw = hook.body.encode()
        response = client.post("/api/payments/webhooks/simulated", data=raw, content_type="application/json",
                               headers={"X-Sim-Signature": simulated.sign(raw)})
        assert response.status_code == 200, response.content[:200]


def _age_pending_signals():
    from datetime import timedelta

    from django.utils import timezone

    from smartkoto.payments.models import PendingSignal

    PendingSignal.objects.update(created_at=timezone.now() - timedelta(minutes=2))


@pytest.mark.django_db(transaction=True)
def test_a_crash_after_the_capture_commits_still_marks_the_slip_paid_after_the_sweep(koto, sim, monkeypatch):
    """A real commit, then the process 'dies': every on_commit hook is dropped. The signal was recorded in the
    same transaction as the capture, so the sweep delivers it."""
    from django.db import transaction

    from smartkoto.payments.models import PendingSignal
    from smartkoto.payments.tasks import sweep

    slip = slips.issue("juminhyo-copy", 1, actor=SYSTEM)
    payment = slips.pay(slip, actor=SYSTEM)
    sim.pay(payment)
    payment.refresh_from_db()
    with monkeypatch.context() as patch:
        patch.setattr(transaction, "on_commit", lambda *args, **kwargs: None)  # the crash: after commit, nothing runs
        _post_hooks(Client(), payment)
    payment.refresh_from_db()
    slip.refresh_from_db()
    assert payment.status == "succeeded" and slip.state == "issued"
    assert list(PendingSignal.objects.values_list("signal", "delivered_at")) == [("payment_succeeded", None)]
    assert sweep.call()["signals"] == 0  # not before the retry delay: the after-commit delivery may still be running
    _age_pending_signals()
    assert sweep.call()["signals"] == 1
    slip.refresh_from_db()
    assert slip.state == "paid"
    assert sweep.call()["signals"] == 0  # delivered once; a second delivery would change nothing either


@pytest.mark.django_db
def test_a_failing_receiver_is_retried_by_the_sweep_and_the_capture_is_kept(koto, sim, django_capture_on_commit_callbacks):
    from smartkoto.payments import signals
    from smartkoto.payments.models import PendingSignal
    from smartkoto.payments.tasks import sweep

    slip = slips.issue("juminhyo-copy", 1, actor=SYSTEM)
    payment = slips.pay(slip, actor=SYSTEM)
    sim.pay(payment)
    calls = []

    def flaky(sender, payment, reference, **kwargs):
        calls.append(reference)
        if len(calls) == 1:
            raise RuntimeError("listener down")

    signals.payment_succeeded.connect(flaky, dispatch_uid="test-flaky")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _post_hooks(Client(), payment)
        payment.refresh_from_db()
        assert payment.status == "succeeded"
        pending = PendingSignal.objects.get()
        assert pending.delivered_at is None and pending.attempts == 1 and "listener down" in pending.last_error
        _age_pending_signals()
        assert sweep.call()["signals"] == 1
    finally:
        signals.payment_succeeded.disconnect(dispatch_uid="test-flaky")
    slip.refresh_from_db()
    assert slip.state == "paid" and len(calls) == 2


@pytest.mark.django_db
def test_an_application_still_moves_when_the_after_commit_hook_never_runs(catalog, resident_client, apply,
                                                                           django_capture_on_commit_callbacks):
    from smartkoto.payments.providers import simulated
    from smartkoto.payments.tasks import sweep
    from tests.applications.conftest import JUMINHYO

    application = apply(resident_client, "juminhyo", JUMINHYO)
    assert application.status == "awaiting_payment"
    response = resident_client.post(f"/applications/{application.public_id}/pay/")
    payment = Payment.objects.get(reference=application.reference)
    resident_client.get(response["Location"])
    payment.refresh_from_db()
    simulated.submit_card(payment.provider_ref, simulated.CARD_SUCCESS)
    with django_capture_on_commit_callbacks(execute=False):  # committed, then the process died
        _post_hooks(resident_client, payment)
    payment.refresh_from_db()
    application.refresh_from_db()
    assert payment.status == "succeeded" and application.status == "awaiting_payment"
    _age_pending_signals()
    assert sweep.call()["signals"] == 1
    application.refresh_from_db()
    assert application.status == "received" and application.paid_at is not None
    assert application.events.filter(kind="payment", payment_outcome="succeeded").count() == 1


# --- item 6: no 5xx for any input on the payments API and the webhook receiver ---------------------------------
API_BODY = {"reference": "DEPT-2026-0001", "amount_yen": 1200, "fee_code": "sodai-small", "department_code": "seiso",
            "return_url": "/payments/", "description": {"ja": "粗大ごみ 3点", "en": "Bulky waste × 3"}}


@pytest.fixture
def api_token(db):
    from smartkoto.identity.models import ServiceAccount

    _account, token = ServiceAccount.issue("seiso-system", ["payments:write", "payments:read"])
    return token


def api_post(client, token, body, key="k"):
    import json

    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post("/api/payments/", data=raw, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def assert_problem(response, field=None):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body) and body["status"] == 400, body
    if field:
        assert field in body["errors"] and body["errors"][field], body
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [10**30, -(10**30), 10_000_001, 0, -1, 1.5, "1200", True, None, [], {}, 1e308])
def test_out_of_range_or_mistyped_amounts_are_400_problem_details(client, api_token, amount):
    assert_problem(api_post(client, api_token, {**API_BODY, "amount_yen": amount}), "amount_yen")
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_bounds_themselves_are_accepted(client, api_token):
    assert api_post(client, api_token, {**API_BODY, "amount_yen": 10_000_000}, key="max").status_code == 201
    assert api_post(client, api_token, {**API_BODY, "reference": "R2", "amount_yen": 1}, key="min").status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("field,value", [
    ("reference", 123), ("reference", ["a"]), ("reference", "x" * 65), ("reference", {"a": 1}), ("reference", "a\x00b"),
    ("fee_code", 5), ("fee_code", "f" * 65), ("department_code", False), ("department_code", "d" * 33),
    ("return_url", 7), ("return_url", ["/"]), ("return_url", "/" + "a" * 600),
    ("description", "text"), ("description", ["ja"]), ("description", {"ja": 1}), ("description", {"ja": "x" * 301}),
])
def test_wrong_json_types_and_lengths_are_400_with_the_field_named(client, api_token, field, value):
    body = assert_problem(api_post(client, api_token, {**API_BODY, field: value}), None if field == "department_code" else field)
    if field == "department_code":
        assert body["errors"]  # the department is also what the token is checked against
    assert not Payment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [b"[]", b"1", b'"x"', b"null", b"{", b"\xff\xfe", b'{"amount_yen": NaN}', b"[" * 100000])
def test_a_body_that_is_not_a_json_object_is_400(client, api_token, raw):

    response = api_post(client, api_token, raw)
    assert_problem(response)


@pytest.mark.django_db
def test_repeated_or_long_reference_filters_are_400(client, api_token):
    headers = {"Authorization": f"Bearer {api_token}"}
    assert_problem(client.get("/api/payments/?reference=a&reference=b", headers=headers), "reference")
    assert_problem(client.get("/api/payments/?reference=" + "a" * 65, headers=headers), "reference")


@pytest.mark.django_db
@pytest.mark.parametrize("timestamp", ["9" * 400, str(10**20), "-5", "1e9", "１２３"])
def test_a_signed_webhook_with_a_huge_or_odd_timestamp_is_400(client, timestamp):
    import hashlib
    import hmac

    from smartkoto.payments.providers import simulated

    raw = b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}'
    mac = hmac.new(simulated.webhook_secret().encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    response = client.post("/api/payments/webhooks/simulated", data=raw, content_type="application/json",
                           headers={"X-Sim-Signature": f"t={timestamp},v1={mac}"})
    assert response.status_code == 400 and response.json()["error"] == "webhook_refused"


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"updated": 10**30}, {"updated": 1e308}, {"amount": 10**30}, {"amount_captured": -1},
                                    {"id": 5}, {"id": "x" * 300}, {"amount": "600"}])
def test_a_validly_signed_webhook_with_absurd_values_is_400(client, make_payment, sim, change):
    import json

    payment = make_payment()
    sim.pay(payment)
    hook = sim.hooks(payment)[-1]
    event = json.loads(hook.body)
    event["id"] = f"evt_{len(str(change))}_{list(change)[0]}"
    event["data"]["object"].update(change)
    response = sim.post(client, hook, body=json.dumps(event))
    assert response.status_code == 400 and response.json()["error"] == "webhook_refused", response.content


# --- item 10: return URLs, payable API payments, private pages ----------------------------------------------
EVIL_RETURN_URLS = ["/\\evil.example/", "//evil.example/", "\\\\evil.example/", "https:evil.example", "https://evil.example/",
                    "javascript:alert(1)", "/ok\x00", "/ok\r\nLocation: //evil", "/\tevil", " /payments/", "/%0a", "\\/evil.example",
                    "/\u202e/evil", "evil.example", ""]


@pytest.mark.django_db
@pytest.mark.parametrize("url", EVIL_RETURN_URLS)
def test_unsafe_return_urls_are_refused_on_the_api(client, api_token, url):
    response = api_post(client, api_token, {**API_BODY, "return_url": url}, key=f"k-{hash(url)}")
    if url == "/%0a":  # an escaped newline is just text in a path: harmless, accepted
        assert response.status_code == 201
        return
    assert_problem(response, "return_url")
    assert not Payment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [u for u in EVIL_RETURN_URLS if u not in ("", "/%0a")])
def test_unsafe_return_urls_are_refused_by_the_service_too(url):
    with pytest.raises(services.PaymentError):
        services.request_payment(actor=SYSTEM, payer=None, reference="R", amount_yen=300, description={"ja": "x"}, fee_code="f",
                                 department_code="kumin", return_url=url, idempotency_key=f"svc-{hash(url)}")


@pytest.mark.django_db
def test_allowed_origins_are_configurable(client, api_token, settings):
    settings.PAYMENTS_RETURN_ORIGINS = ["https://dept.city.koto.example"]
    assert api_post(client, api_token, {**API_BODY, "return_url": "https://dept.city.koto.example/done?x=1"}, key="o1").status_code == 201
    assert_problem(api_post(client, api_token, {**API_BODY, "reference": "R9", "return_url": "https://dept.city.koto.example.evil/"}, key="o2"), "return_url")
    assert_problem(api_post(client, api_token, {**API_BODY, "reference": "R8", "return_url": "http://dept.city.koto.example/"}, key="o3"), "return_url")


@pytest.mark.django_db
def test_an_api_made_payment_can_be_paid_by_whoever_holds_its_checkout_url(client, api_token):
    created = api_post(client, api_token, API_BODY, key="pay-me")
    assert created.status_code == 201
    url = created.json()["checkout_url"]
    payment = Payment.objects.get()
    browser = Client()  # a fresh browser: the resident the department system sent the link to
    handover = browser.get(url)
    assert handover.status_code == 302 and "/payments/sim/pay/" in handover["Location"], (handover.status_code, url)
    back = browser.post(handover["Location"], CARD)
    assert back["Location"] == f"/payments/p/{payment.public_id}/return/"
    assert browser.get(back["Location"])["Location"] == f"/payments/p/{payment.public_id}/"
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.captured_yen == 1200
    page = browser.get(f"/payments/p/{payment.public_id}/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert browser.get(f"/payments/p/{payment.public_id}/receipt.pdf").status_code == 200
    # a forged or another payment's signature opens nothing; without the link another browser sees nothing
    assert Client().get(url.replace("/t/", "/t/x")).status_code == 404
    assert Client().get(f"/payments/p/{payment.public_id}/").status_code in (403, 404)


@pytest.mark.django_db
def test_pages_with_personal_data_are_private_and_not_stored(resident_client, resident, make_payment, sim, make_staff, staff_login):
    payment = make_payment(payer=resident, reference="KT-1")
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    urls = ["/payments/", f"/payments/p/{payment.public_id}/", f"/payments/p/{payment.public_id}/receipt.pdf"]
    for url in urls:
        response = resident_client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", url
    staff = staff_login(Client(), make_staff("kumin-clerk", "kumin", "case_worker"))
    for url in ["/staff/payments/", f"/staff/payments/{payment.pk}/", "/staff/payments/refunds/", "/staff/payments/slips/"]:
        response = staff.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", url


@pytest.mark.django_db
def test_field_errors_are_translated(client, api_token):
    import json

    response = client.post("/api/payments/", data=json.dumps({**API_BODY, "amount_yen": 10**30}), content_type="application/json",
                           headers={"Authorization": f"Bearer {api_token}", "Idempotency-Key": "ja", "Accept-Language": "ja"})
    assert response.status_code == 400 and response.json()["errors"]["amount_yen"] == ["1円から10000000円までで指定してください。"]


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", [("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-01"), ("9999-12-30", "9999-12-31"),
                                       ("1999-12-31", "2000-01-01")])
def test_ledger_and_reconciliation_refuse_dates_outside_the_window(make_staff, staff_login, start, end):
    kaikei = staff_login(Client(), make_staff("kaikei-clerk", "kaikei", "case_worker"))
    for fmt in ("", "csv", "xlsx"):
        response = kaikei.get("/staff/payments/ledger/", {"start": start, "end": end, "format": fmt})
        assert response.status_code in (200, 400) and "error-summary" in response.content.decode(), (fmt, response.status_code)
    response = kaikei.post("/staff/payments/reconciliation/", {"scope": "period", "start": start, "end": end})
    assert response.status_code in (200, 400) and "error-summary" in response.content.decode()
    response = kaikei.post("/staff/payments/reconciliation/", {"scope": "day", "day": start})
    assert response.status_code in (200, 400) and "error-summary" in response.content.decode()
    assert kaikei.get("/staff/payments/", {"page": str(10**20), "q": "a " * 1000}).status_code == 200


# --- item 6: property-based fuzz of the API body and the webhook signature header (hypothesis) ----------------
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)
FIELDS = ["reference", "amount_yen", "fee_code", "department_code", "return_url", "description"]


@pytest.mark.django_db
@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=4), drop=st.sets(st.sampled_from(FIELDS), max_size=2),
       key=st.text(min_size=1, max_size=40).filter(lambda k: k.isprintable() and k.isascii() and k.strip() == k))
def test_fuzzed_api_bodies_never_give_a_server_error(client, api_token, changes, drop, key):
    body = {name: value for name, value in {**API_BODY, **changes}.items() if name not in drop}
    response = api_post(client, api_token, body, key=f"fuzz-{key}")
    assert response.status_code in (201, 400, 403, 409), (response.status_code, body)
    if response.status_code == 400:
        assert response["Content-Type"] == "application/problem+json" and response.json()["status"] == 400


@pytest.mark.django_db
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.text(max_size=120).filter(lambda h: h.isascii() and "\n" not in h and "\r" not in h), body=st.binary(max_size=200))
def test_fuzzed_webhook_signatures_and_bodies_are_refused_not_errors(client, header, body):
    response = client.post("/api/payments/webhooks/simulated", data=body, content_type="application/json", headers={"X-Sim-Signature": header})
    assert response.status_code == 400, (response.status_code, header)


# --- item 3 with a real kill: the process dies (SIGKILL) right after the capture commits ------------------------
KILL_AFTER_COMMIT = """
import os, signal, sys
import django
django.setup()
from django.db import transaction
from smartkoto.core.actor import Actor
from smartkoto.payments import services
from smartkoto.payments.models import Payment

real_on_commit = transaction.on_commit
def dying_on_commit(func, using=None, robust=False):
    real_on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL), using=using)  # after the commit, before any hook
transaction.on_commit = dying_on_commit
print(services.poll(Payment.objects.get(public_id=sys.argv[1]), actor=Actor.system("tests")), flush=True)
print("survived", flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_right_after_the_capture_commits_loses_no_signal(koto, sim, tmp_path):
    import os
    import subprocess
    import sys

    from pathlib import Path

    from django.conf import settings

    import smartkoto
    from smartkoto.payments.models import PendingSignal
    from smartkoto.payments.tasks import sweep
    from tests.appointments.liveserver import database_url

    slip = slips.issue("juminhyo-copy", 1, actor=SYSTEM)
    payment = slips.pay(slip, actor=SYSTEM)
    sim.pay(payment)  # captured at the provider; we have not heard yet
    env = {**os.environ, "DATABASE_URL": database_url(), "SMARTKOTO_DATA_DIR": str(tmp_path), "SMARTKOTO_SECRET_KEY": settings.SECRET_KEY,
           "SMARTKOTO_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
           "PYTHONPATH": str(Path(smartkoto.__file__).resolve().parents[1])}
    env.pop("SMARTKOTO_TEST_DB_NAME", None)
    done = subprocess.run([sys.executable, "-c", KILL_AFTER_COMMIT, payment.public_id], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, (done.returncode, done.stdout, done.stderr[-2000:])  # killed, nothing printed after
    assert "survived" not in done.stdout
    payment.refresh_from_db()
    slip.refresh_from_db()
    assert payment.status == "succeeded" and slip.state == "issued"  # committed; the signal never ran
    assert PendingSignal.objects.filter(payment=payment, delivered_at__isnull=True).count() == 1
    _age_pending_signals()
    assert sweep.call()["signals"] == 1
    slip.refresh_from_db()
    assert slip.state == "paid"

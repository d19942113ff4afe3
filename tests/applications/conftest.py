import pytest


@pytest.fixture
def catalog(koto):
    from smartkoto.procedures import demo

    demo.load()


APPLICANT = {"full_name": "江東 花子", "full_name_kana": "コウトウ ハナコ", "birth_date": "1988-04-12", "postal_code": "135-0016",
             "address": "東京都江東区東陽四丁目2番1号", "phone": "03-3647-9111", "email": "hanako@example.jp"}
JUMINHYO = {"applicant": APPLICANT, "certificate": {"copies": "2", "purpose": "work", "scope": "me", "delivery": "mail"}}


@pytest.fixture
def apply(django_capture_on_commit_callbacks):
    """Walk a client through a procedure: start, each step, check answers, declaration. Returns the Application."""
    from smartkoto.applications.models import Application

    def run(client, slug, answers, submit=True):
        response = client.post(f"/applications/start/{slug}/")
        assert response.status_code == 302, response.content.decode()[:500]
        application = Application.objects.order_by("-pk").first()
        for step in application.form_version.definition["steps"]:
            data = answers.get(step["id"], {})
            if isinstance(data, list):
                payload = {"rows": str(len(data))}
                for i, row in enumerate(data):
                    payload.update({f"r{i}-{k}": v for k, v in row.items()})
            else:
                payload = dict(data)
            response = client.post(f"/applications/{application.public_id}/step/{step['id']}/", payload)
            assert response.status_code == 302, (step["id"], response.context["form"].errors if response.context and response.context.get("form") else response.status_code)
        assert client.get(f"/applications/{application.public_id}/check/").status_code == 200
        if submit:
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(f"/applications/{application.public_id}/declaration/", {"agree": "on", "submission": str(application.public_id)})
            assert response.status_code == 302
        application.refresh_from_db()
        return application

    return run


@pytest.fixture
def submitted(resident_client, catalog, apply, pay_by_card):
    """住民票の写し 2通 sent and paid (600円), so received by the ward."""
    application = apply(resident_client, "juminhyo", JUMINHYO)
    assert application.status == "awaiting_payment"
    pay_by_card(resident_client, application)
    assert application.status == "received"
    return application


@pytest.fixture
def case_worker(make_staff, staff_login):
    """A second browser: a kumin case worker, signed in with both factors (separate from the resident's client)."""
    from django.test import Client

    return staff_login(Client(), make_staff("kumin-case-test", "kumin", "case_worker"))


@pytest.fixture(autouse=True)
def outbox_backend(settings):
    """Emails land in the outbox as on the embedded default (pytest-django would use locmem)."""
    settings.EMAIL_BACKEND = "smartkoto.notifications.backends.OutboxBackend"


@pytest.fixture(autouse=True)
def _payments_without_http(request, settings):
    """As in tests/payments: the simulated provider's webhooks are posted by the test itself (no server)."""
    if "live_server" not in request.fixturenames:
        settings.PAYMENTS_SIM_DELIVER_WEBHOOKS = False
    settings.PAYMENTS_PROVIDER = "simulated"


@pytest.fixture
def pay_by_card(django_capture_on_commit_callbacks):
    """The resident presses "Pay" on the application and types `card` on the simulated provider's page; the
    provider's signed webhooks are then posted to our receiver (the only way a payment outcome arrives).
    Returns the Payment."""
    from smartkoto.payments.models import Payment
    from smartkoto.payments.providers import simulated

    def run(client, application, card=simulated.CARD_SUCCESS, deliver=True):
        response = client.post(f"/applications/{application.public_id}/pay/")
        assert response.status_code == 302, response.status_code
        payment = Payment.objects.filter(reference=application.reference).order_by("-created_at", "-pk").first()
        assert response["Location"] == f"/payments/p/{payment.public_id}/pay/"
        assert client.get(response["Location"]).status_code == 302  # our hand-over page sends the resident to the provider
        payment.refresh_from_db()
        simulated.submit_card(payment.provider_ref, card)
        if deliver:
            deliver_webhooks(client, payment, django_capture_on_commit_callbacks)
        payment.refresh_from_db()
        application.refresh_from_db()
        return payment

    return run


def deliver_webhooks(client, payment, capture):
    """Post every webhook the simulated provider recorded for `payment` (each once), signed as the provider does."""
    from smartkoto.payments.models import SimWebhook
    from smartkoto.payments.providers import simulated

    for hook in SimWebhook.objects.filter(intent_id=payment.provider_ref).order_by("created_at", "id"):
        raw = hook.body.encode()
        with capture(execute=True):
            response = client.post("/api/payments/webhooks/simulated", data=raw, content_type="application/json",
                                   headers={"X-Sim-Signature": simulated.sign(raw)})
        assert response.status_code in (200, 202), response.content[:200]

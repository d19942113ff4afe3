import json

import pytest

from smartkoto.core import openapi
from smartkoto.identity.models import ServiceAccount
from smartkoto.payments.models import IdempotencyRecord, Payment

pytestmark = pytest.mark.django_db

BODY = {"reference": "DEPT-2026-0001", "amount_yen": 1200, "fee_code": "sodai-small", "department_code": "seiso",
        "return_url": "/payments/", "description": {"ja": "粗大ごみ 3点", "en": "Bulky waste × 3"}}


@pytest.fixture
def token():
    _account, token = ServiceAccount.issue("seiso-system", ["payments:write", "payments:read"])
    return token


def post(client, token, body, key="key-1"):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/payments/", data=json.dumps(body), content_type="application/json", headers=headers)


def test_create_then_replay_returns_the_first_reply(client, token):
    first = post(client, token, BODY)
    assert first.status_code == 201
    again = post(client, token, BODY)
    assert again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    assert first.json()["checkout_url"].endswith("/pay/")


def test_same_key_different_body_is_409(client, token):
    post(client, token, BODY)
    response = post(client, token, {**BODY, "amount_yen": 1})
    assert response.status_code == 409 and response.json()["error"] == "idempotency_key_reused"


def test_same_key_still_in_flight_is_409(client, token):
    from smartkoto.payments.services import _request_hash as request_hash

    account = ServiceAccount.objects.get()
    IdempotencyRecord.objects.create(scope=f"payments.create:{account.pk}", key="busy", request_hash=request_hash(BODY))
    assert post(client, token, BODY, key="busy").json()["error"] == "request_in_progress"


def test_key_is_required_and_amounts_are_validated(client, token):
    assert post(client, token, BODY, key=None).status_code == 400
    assert post(client, token, {**BODY, "amount_yen": "1200"}, key="k2").status_code == 400
    assert post(client, token, {**BODY, "amount_yen": -5}, key="k3").status_code == 400
    assert not Payment.objects.exists()


def test_without_a_token_the_api_refuses(client):
    assert client.post("/api/payments/", data=json.dumps(BODY), content_type="application/json", headers={"Idempotency-Key": "x"}).status_code == 403
    assert client.get("/api/payments/?reference=x").status_code == 403


def test_read_by_reference_and_id(client, token):
    created = post(client, token, BODY).json()
    headers = {"Authorization": f"Bearer {token}"}
    listing = client.get("/api/payments/?reference=DEPT-2026-0001", headers=headers).json()
    assert [p["id"] for p in listing["results"]] == [created["id"]]
    assert client.get(f"/api/payments/{created['id']}", headers=headers).json()["status"] == "created"


def test_openapi_document_lists_the_payment_paths(client):
    doc = client.get("/api/schema").json()
    assert "/api/payments/" in doc["paths"] and "/api/payments/webhooks/{provider}" in doc["paths"]
    assert "Payment" in doc["components"]["schemas"]
    assert "/api/payments/" in openapi.document()["paths"]

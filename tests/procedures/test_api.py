"""The public catalog API and the OpenAPI document at /api/schema."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_catalog_api_searches_and_returns_fees_as_integer_yen(client, catalog):
    data = client.get("/api/procedures/", {"q": "住民票"}).json()
    assert data["count"] >= 1
    first = next(item for item in data["results"] if item["slug"] == "juminhyo")
    assert first["fee"] == {"kind": "per_copy", "amount_yen": 300, "depends_on": "copies", "options_yen": {}, "paid": "at_submission"}
    assert first["channel"] == "online_with_card"


def test_one_procedure_includes_its_live_form(client, catalog):
    data = client.get("/api/procedures/sodai-gomi").json()
    assert data["form"]["version"] == 1
    assert data["form"]["definition"]["steps"][0]["id"] == "applicant"
    assert client.get("/api/procedures/nothing-here").status_code == 404


def test_openapi_document_is_valid_and_lists_catalog_and_cases(client, catalog):
    document = client.get("/api/schema").json()
    validate(document)
    assert "/api/procedures/" in document["paths"]
    assert "/api/applications/cases" in document["paths"]

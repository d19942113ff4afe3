"""Issue 11 item 10: pages, files and JSON with personal data are never kept by a shared or browser cache."""

import pytest

pytestmark = pytest.mark.django_db


def _private(response):
    return response["Cache-Control"] == "private, no-store"


def test_resident_pages_with_personal_data_are_not_cached(submitted, resident_client):
    for url in ["/applications/", f"/applications/{submitted.public_id}/", f"/applications/{submitted.public_id}/receipt.pdf",
                f"/applications/{submitted.public_id}/sent/"]:
        response = resident_client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert _private(response), (url, response.get("Cache-Control"))


def test_staff_case_pages_and_export_are_not_cached(submitted, case_worker):
    for url in ["/staff/cases/", f"/staff/cases/{submitted.reference}/", f"/staff/cases/{submitted.reference}/receipt.pdf",
                "/staff/cases/export.csv?status="]:
        response = case_worker.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert _private(response), (url, response.get("Cache-Control"))

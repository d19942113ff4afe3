"""Pages with personal data are never cached: one decorator, core.http.private_page."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from smartkoto.core.http import private_page


def test_private_page_sets_cache_control_and_vary():
    @private_page
    def view(request):
        response = HttpResponse("mine")
        response["Cache-Control"] = "public, max-age=300"  # whatever the view said, personal data is not cached
        response["Vary"] = "Accept-Language"
        return response

    response = view(RequestFactory().get("/"))
    assert response["Cache-Control"] == "private, no-store"
    assert [v.strip() for v in response["Vary"].split(",")] == ["Accept-Language", "Cookie"]
    assert view.private_page is True


def test_private_page_wraps_class_based_and_async_views():
    @private_page
    class Page(View):
        def get(self, request):
            return HttpResponse("mine")

    assert Page.as_view()(RequestFactory().get("/"))["Cache-Control"] == "private, no-store"

    @private_page
    async def async_view(request):
        return HttpResponse("mine")

    # its own thread: a browser test earlier in the session may leave an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        response = pool.submit(asyncio.run, async_view(RequestFactory().get("/"))).result()
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_the_profile_page_is_private(resident_client):
    for response in (resident_client.get("/my/profile/"), resident_client.post("/my/profile/", {"email": "not-an-address"})):
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_the_staff_code_page_is_private(client, make_staff):
    make_staff(username="clerk-1")
    response = client.post("/staff/sign-in/", {"username": "clerk-1", "password": "correct horse battery staple"})
    assert response.status_code == 302
    page = client.get("/staff/sign-in/code/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/staff/", "/staff/audit/"])
def test_the_staff_home_and_audit_log_are_private(client, make_staff, staff_login, path):
    staff_login(client, make_staff(username="auditor", role="auditor"))
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"

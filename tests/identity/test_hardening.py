"""Sign-in hardening: the required authentication method (acr), limits on email sign-in links, client
addresses behind trusted proxies, and the development provider's language link."""

import pytest
from django.test import RequestFactory

from smartkoto.core.audit import client_ip
from smartkoto.core.models import AuditRecord
from smartkoto.identity.models import ResidentProfile
from smartkoto.notifications.models import OutboxEmail

from .oidc_fakes import start_sign_in
from .test_oidc_refusals import callback, provider  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_token_without_the_requested_acr_is_refused(client, provider, settings):  # noqa: F811
    settings.OIDC_ACR_VALUES = "aal3"
    provider.claims_override = {"acr": "aal1"}
    query = start_sign_in(client, provider)
    assert query["acr_values"] == "aal3"
    response = callback(client, query)
    assert response.status_code == 400
    assert not ResidentProfile.objects.exists()
    assert AuditRecord.objects.get(action="identity.sign_in_refused").detail["reason"] == "acr_not_met"


def test_a_token_with_the_requested_acr_signs_in(client, provider, settings):  # noqa: F811
    settings.OIDC_ACR_VALUES = "aal3"
    provider.claims_override = {"acr": "aal3"}
    response = callback(client, start_sign_in(client, provider))
    assert response.status_code == 302
    assert ResidentProfile.objects.count() == 1


def test_email_sign_in_links_are_limited_per_address(client, settings):
    settings.EMAIL_BACKEND = "smartkoto.notifications.backends.OutboxBackend"
    settings.EMAIL_LINKS_PER_HOUR = 3
    for _ in range(3):
        assert client.post("/en/sign-in/", {"email": "flood@example.jp"}).status_code == 200
    response = client.post("/en/sign-in/", {"email": "flood@example.jp"})
    assert "Too many sign-in links" in response.content.decode()
    assert 'value="flood@example.jp"' in response.content.decode()  # what was typed is kept
    assert OutboxEmail.objects.filter(to__icontains="flood@example.jp").count() == 3
    assert AuditRecord.objects.filter(action="identity.email_link_throttled").count() == 1
    # another address from the same client still works
    assert "Check your email" in client.post("/en/sign-in/", {"email": "other@example.jp"}).content.decode()


def test_client_address_is_read_through_trusted_proxies_only(settings):
    factory = RequestFactory()
    forwarded = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.4")
    settings.TRUSTED_PROXIES = []
    assert client_ip(forwarded) == "10.0.0.5"
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.0.4"]
    assert client_ip(forwarded) == "203.0.113.9"
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(spoofed) == "198.51.100.7"


def test_development_provider_language_link_keeps_the_request_and_switches_language(client):
    from smartkoto.identity.devprovider import keys

    page = client.get("/dev-oidc/authorize", {
        "response_type": "code", "client_id": keys.CLIENT_ID, "redirect_uri": "http://127.0.0.1:8000/sign-in/callback/",
        "scope": "openid name address", "state": "s-1", "nonce": "n-1", "code_challenge": "c" * 43,
        "code_challenge_method": "S256", "ui_locales": "ja",
    })
    assert page.status_code == 200
    link = next(lang for lang in page.context["alternate_languages"] if lang["code"] == "en")["url"]
    assert "ui_locales=en" in link and "code_challenge=" in link and "state=" in link
    english = client.get(link)
    assert english.status_code == 200
    assert "Development sign-in" in english.content.decode()

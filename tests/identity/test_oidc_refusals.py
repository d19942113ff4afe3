"""The relying party refuses every OpenID Connect callback it cannot verify, shows a clear page (400),
stores no resident, and audits the refusal. The provider is played in-process (oidc.http() replaced)."""

import time

import pytest
from joserfc.jwk import RSAKey

from smartkoto.core.models import AuditRecord
from smartkoto.identity.models import ResidentProfile, User
from smartkoto.identity.providers import oidc

from .oidc_fakes import CLIENT_ID, ISSUER, FakeProvider, start_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings, monkeypatch, tmp_path):
    key = RSAKey.generate_key(2048, auto_kid=True)
    key_file = tmp_path / "client.pem"
    key_file.write_bytes(key.as_pem(private=True))
    settings.RESIDENT_IDENTITY_PROVIDER = "oidc"
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_PRIVATE_KEY_FILE = str(key_file)
    fake = FakeProvider()
    fake.client_key = key
    monkeypatch.setattr(oidc, "http", lambda: fake)
    oidc.clear_metadata_cache()
    yield fake
    oidc.clear_metadata_cache()


def assert_refused(response, reason_prefix):
    assert response.status_code == 400
    text = response.content.decode()
    assert "Sign-in failed" in text or "ログイン" in text
    assert "Nothing was saved" in text or "保存" in text
    assert User.objects.count() == 0
    assert ResidentProfile.objects.count() == 0
    refusals = AuditRecord.objects.filter(action="identity.sign_in_refused")
    assert refusals.count() == 1
    assert refusals.get().detail["reason"].startswith(reason_prefix), refusals.get().detail
    assert "_auth_user_id" not in response.wsgi_request.session


def callback(client, query, **extra):
    params = {"code": "code-1", "state": query["state"], **extra}
    return client.get("/sign-in/callback/", params)


def test_a_verified_callback_creates_the_resident_with_the_four_basic_facts(client, provider):
    """The control case: with an honest provider the same set-up signs the resident in."""
    query = start_sign_in(client, provider)
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    response = callback(client, query)
    assert response.status_code == 302 and response["Location"].endswith("/my/profile/")
    profile = ResidentProfile.objects.get()
    assert (profile.provider, profile.subject, profile.full_name) == ("oidc", "pairwise-subject-1", "江東 花子")
    assert str(profile.birth_date) == "1988-04-12" and profile.postal_code == "135-0016"
    post = provider.token_posts()[0]
    assert post["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert post["code_verifier"] and post["code"] == "code-1"
    assert not AuditRecord.objects.filter(action="identity.sign_in_refused").exists()


def test_wrong_state_is_refused(client, provider):
    query = start_sign_in(client, provider)
    response = client.get("/sign-in/callback/", {"code": "code-1", "state": query["state"] + "x"})
    assert_refused(response, "state_mismatch")
    assert provider.token_posts() == []  # the code is never exchanged


def test_callback_without_a_pending_sign_in_is_refused(client, provider):
    response = client.get("/sign-in/callback/", {"code": "code-1", "state": "made-up"})
    assert_refused(response, "no_pending_sign_in")


def test_a_callback_cannot_be_used_twice(client, provider):
    query = start_sign_in(client, provider)
    assert callback(client, query).status_code == 302
    client.logout()
    response = callback(client, query)
    assert response.status_code == 400
    assert AuditRecord.objects.filter(action="identity.sign_in_refused", detail__reason="no_pending_sign_in").exists()


def test_provider_error_access_denied_is_refused(client, provider):
    query = start_sign_in(client, provider)
    response = client.get("/sign-in/callback/", {"error": "access_denied", "state": query["state"]})
    assert_refused(response, "provider_error:access_denied")


def test_id_token_signed_by_another_key_is_refused(client, provider):
    query = start_sign_in(client, provider)
    impostor = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
    provider.signing_key = impostor
    assert_refused(callback(client, query), "bad_signature")


def test_id_token_signed_by_another_key_with_the_providers_kid_is_refused(client, provider):
    query = start_sign_in(client, provider)
    impostor = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256", "kid": provider.key.kid})
    provider.signing_key = impostor
    assert_refused(callback(client, query), "bad_signature")


def test_unsigned_id_token_is_refused(client, provider):
    import base64
    import json

    def b64(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    query = start_sign_in(client, provider)
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "x", "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": provider.nonce}
    provider.token_body = {"access_token": "at", "id_token": f"{b64({'alg': 'none'})}.{b64(claims)}."}
    assert_refused(callback(client, query), "bad_signature")


def test_id_token_signed_with_hs256_using_the_public_key_is_refused(client, provider):
    """The classic algorithm confusion: an HMAC "signed" with the provider's public key as the secret."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    query = start_sign_in(client, provider)
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "attacker", "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": provider.nonce}
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': provider.key.kid}).encode())}.{b64(json.dumps(claims).encode())}"
    mac = hmac.new(provider.key.as_pem(private=False), signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{b64(mac)}"
    provider.token_body = {"access_token": "at", "id_token": forged}
    assert_refused(callback(client, query), "bad_signature")


@pytest.mark.parametrize("claims, reason", [
    ({"aud": "someone-else"}, "claims_invalid"),
    ({"aud": ["someone-else", "another"]}, "claims_invalid"),
    ({"iss": "https://evil.example"}, "claims_invalid"),
    ({"nonce": "not-the-nonce-we-sent"}, "claims_invalid"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 3900}, "claims_invalid"),
    ({"sub": None}, "claims_invalid"),
], ids=["wrong-audience", "wrong-audience-list", "wrong-issuer", "wrong-nonce", "expired", "no-subject"])
def test_id_token_with_wrong_claims_is_refused(client, provider, claims, reason):
    query = start_sign_in(client, provider)
    provider.claims_override = claims
    assert_refused(callback(client, query), reason)


def test_id_token_without_nonce_is_refused(client, provider):
    query = start_sign_in(client, provider)
    start_nonce = provider.nonce
    provider.nonce = None  # the provider drops the nonce
    response = callback(client, query)
    assert start_nonce
    assert_refused(response, "claims_invalid")


def test_token_endpoint_refusing_is_refused(client, provider):
    query = start_sign_in(client, provider)
    provider.token_status = 400
    provider.token_body = {"error": "invalid_grant"}
    assert_refused(callback(client, query), "token_refused:invalid_grant")


def test_token_endpoint_answering_garbage_is_refused(client, provider):
    query = start_sign_in(client, provider)
    provider.token_status = 502
    provider.token_body = ValueError("not json")
    assert_refused(callback(client, query), "token_request_failed")


def test_refusal_page_is_clear_in_english_too(client, provider):
    response = client.get("/en/sign-in/callback/", {"code": "c", "state": "s"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Sign-in failed" in text and "Start again" in text

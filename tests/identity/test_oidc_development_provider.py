"""The built-in development OpenID provider, over real HTTP against the live server: the relying party
signs a resident in through it, and its token endpoint enforces PKCE S256, single-use codes and
private_key_jwt client authentication."""

import base64
import hashlib
import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from smartkoto.identity.devprovider import keys
from smartkoto.identity.providers import oidc, registry
from smartkoto.identity.providers.base import SignInRefused

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html):
    return CSRF.search(html).group(1)


def challenge_for(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def client_assertion(site, key=None, **claims):
    now = int(time.time())
    payload = {"iss": keys.CLIENT_ID, "sub": keys.CLIENT_ID, "aud": f"{site}/dev-oidc/token", "iat": now,
               "exp": now + 60, "jti": secrets.token_urlsafe(16), **claims}
    key = key or keys.client_key()
    return jwt.encode({"alg": "RS256", "kid": key.kid}, payload, key)


def obtain_code(site, verifier, nonce="nonce-1", resident="dev-koto-hanako"):
    """Play the browser at the provider's authorization page and return the code it hands back."""
    browser = requests.Session()
    params = {"response_type": "code", "client_id": keys.CLIENT_ID, "redirect_uri": f"{site}/sign-in/callback/",
              "scope": "openid name address birthdate gender", "state": "state-1", "nonce": nonce,
              "code_challenge": challenge_for(verifier), "code_challenge_method": "S256"}
    page = browser.get(f"{site}/dev-oidc/authorize", params=params)
    assert page.status_code == 200
    form = {**params, "csrfmiddlewaretoken": csrf_token(page.text), "resident": resident, "sign_in": "1"}
    answer = browser.post(f"{site}/dev-oidc/authorize", data=form, allow_redirects=False,
                          headers={"Referer": page.url})
    assert answer.status_code == 302, answer.text[:300]
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["state-1"]
    return query["code"][0]


def exchange(site, code, verifier, assertion=None, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": f"{site}/sign-in/callback/",
            "code_verifier": verifier, "client_id": keys.CLIENT_ID,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion or client_assertion(site), **extra}
    return requests.post(f"{site}/dev-oidc/token", data=data)


def test_resident_signs_in_through_the_development_provider_over_http(site, monkeypatch):
    from smartkoto.identity.models import ResidentProfile

    seen = []

    class Recording(requests.Session):
        def post(self, url, data=None, **kwargs):
            seen.append((url, dict(data or {})))
            return super().post(url, data=data, **kwargs)

    monkeypatch.setattr(oidc, "http", Recording)
    browser = requests.Session()
    page = browser.get(f"{site}/sign-in/")
    start = browser.post(f"{site}/sign-in/start/", data={"csrfmiddlewaretoken": csrf_token(page.text)},
                         headers={"Referer": page.url}, allow_redirects=False)
    assert start.status_code == 302
    authorize_url = start.headers["Location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    assert set(query["scope"].split()) == {"openid", "name", "address", "birthdate", "gender"}
    page = browser.get(authorize_url)
    assert "江東 花子" in page.text
    form = {k: v for k, v in query.items()}
    form.update({"csrfmiddlewaretoken": csrf_token(page.text), "resident": "dev-fukagawa-taro", "sign_in": "1"})
    profile_page = browser.post(f"{site}/dev-oidc/authorize", data=form, headers={"Referer": page.url})
    assert profile_page.status_code == 200
    assert urlsplit(profile_page.url).path == "/my/profile/"
    assert "深川 太郎" in profile_page.text and "東京都江東区深川二丁目8番19号" in profile_page.text
    profile = ResidentProfile.objects.get(subject="dev-fukagawa-taro")
    assert profile.assurance_level == 2 and str(profile.birth_date) == "1950-11-03"
    # What the relying party sent to the token endpoint: the PKCE verifier and a private_key_jwt assertion.
    (url, data), = [entry for entry in seen if entry[0].endswith("/dev-oidc/token")]
    assert challenge_for(data["code_verifier"]) == query["code_challenge"]
    assert data["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert "client_secret" not in data


def test_token_endpoint_accepts_the_right_verifier_and_assertion_once(site):
    verifier = secrets.token_urlsafe(48)
    code = obtain_code(site, verifier)
    first = exchange(site, code, verifier)
    assert first.status_code == 200, first.text
    assert first.json()["id_token"]
    replay = exchange(site, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_token_endpoint_refuses_a_wrong_code_verifier(site):
    verifier = secrets.token_urlsafe(48)
    code = obtain_code(site, verifier)
    wrong = exchange(site, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json() == {"error": "invalid_grant", "error_description": "PKCE verification failed"}


def test_token_endpoint_refuses_a_client_assertion_signed_by_another_key(site):
    verifier = secrets.token_urlsafe(48)
    code = obtain_code(site, verifier)
    impostor = RSAKey.generate_key(2048, parameters={"kid": keys.client_key().kid})
    refused = exchange(site, code, verifier, assertion=client_assertion(site, key=impostor))
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    # the code was not used up by the refused attempt
    assert exchange(site, code, verifier).status_code == 200


def test_token_endpoint_refuses_a_replayed_client_assertion_and_a_wrong_audience(site):
    verifier = secrets.token_urlsafe(48)
    code = obtain_code(site, verifier)
    assertion = client_assertion(site)
    assert exchange(site, code, verifier, assertion=assertion).status_code == 200
    code2 = obtain_code(site, verifier)
    assert exchange(site, code2, verifier, assertion=assertion).status_code == 401
    assert exchange(site, code2, verifier, assertion=client_assertion(site, aud="https://elsewhere.example/token")).status_code == 401
    assert exchange(site, code2, verifier, assertion=client_assertion(site)).status_code == 200


def test_token_endpoint_refuses_a_missing_client_assertion(site):
    verifier = secrets.token_urlsafe(48)
    code = obtain_code(site, verifier)
    response = requests.post(f"{site}/dev-oidc/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": f"{site}/sign-in/callback/",
        "code_verifier": verifier, "client_id": keys.CLIENT_ID})
    assert response.status_code == 401


def test_id_token_from_the_development_provider_is_verified_against_the_nonce(site):
    verifier = secrets.token_urlsafe(48)
    code = obtain_code(site, verifier, nonce="the-right-nonce")
    id_token = exchange(site, code, verifier).json()["id_token"]
    provider = registry.get("development")
    claims = provider.verify_id_token(id_token, "the-right-nonce")
    assert claims["sub"] == "dev-koto-hanako" and claims["aud"] == keys.CLIENT_ID
    with pytest.raises(SignInRefused) as refused:
        provider.verify_id_token(id_token, "another-nonce")
    assert refused.value.reason.startswith("claims_invalid")


def test_authorization_request_without_pkce_is_refused_by_the_provider(site):
    response = requests.get(f"{site}/dev-oidc/authorize", params={
        "response_type": "code", "client_id": keys.CLIENT_ID, "redirect_uri": f"{site}/sign-in/callback/",
        "scope": "openid", "state": "s", "nonce": "n"})
    assert response.status_code == 400 and "PKCE" in response.text


def test_authorization_request_to_a_foreign_redirect_uri_is_refused(site):
    response = requests.get(f"{site}/dev-oidc/authorize", params={
        "response_type": "code", "client_id": keys.CLIENT_ID, "redirect_uri": "https://evil.example/sign-in/callback/",
        "scope": "openid", "state": "s", "nonce": "n", "code_challenge": "x" * 43, "code_challenge_method": "S256"})
    assert response.status_code == 400 and "redirect_uri" in response.text

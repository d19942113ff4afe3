"""A misbehaving OpenID provider, played in-process: tests swap oidc.http() for FakeProviderSession."""

import time
from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

ISSUER = "https://idp.example.jp"
CLIENT_ID = "smartkoto-test-client"


class FakeResponse:
    def __init__(self, status_code, data):
        self.status_code = status_code
        self._data = data

    def json(self):
        if isinstance(self._data, Exception):
            raise self._data
        return self._data

    def raise_for_status(self):
        if self.status_code >= 400:
            import requests

            raise requests.HTTPError(f"{self.status_code}")


class FakeProvider:
    """Discovery, JWKS, token and userinfo endpoints whose answers each test can bend."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
        self.signing_key = self.key  # a test may sign with another key
        self.token_status = 200
        self.token_body = None  # a dict replaces the whole token response
        self.claims_override = {}
        self.nonce = None  # the nonce the provider saw in the authorization request
        self.requests = []

    # what a well-behaved provider would put in the ID token
    def id_token(self):
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": "pairwise-subject-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": self.nonce, "name": "江東 花子"}
        claims.update(self.claims_override)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode({"alg": "RS256", "kid": self.signing_key.kid}, claims, self.signing_key)

    def get(self, url, **kwargs):
        self.requests.append(("GET", url, kwargs))
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return FakeResponse(200, {
                "issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize", "token_endpoint": f"{ISSUER}/token",
                "userinfo_endpoint": f"{ISSUER}/userinfo", "jwks_uri": f"{ISSUER}/jwks",
            })
        if url == f"{ISSUER}/jwks":
            return FakeResponse(200, {"keys": [self.key.as_dict(private=False)]})
        if url == f"{ISSUER}/userinfo":
            return FakeResponse(200, {"sub": "pairwise-subject-1", "name": "江東 花子",
                                      "address": {"formatted": "東京都江東区東陽四丁目2番1号", "postal_code": "135-0016"},
                                      "birthdate": "1988-04-12", "gender": "female"})
        return FakeResponse(404, {})

    def post(self, url, data=None, **kwargs):
        self.requests.append(("POST", url, data))
        if url != f"{ISSUER}/token":
            return FakeResponse(404, {})
        if self.token_body is not None:
            return FakeResponse(self.token_status, self.token_body)
        return FakeResponse(self.token_status, {"access_token": "at-1", "token_type": "Bearer", "id_token": self.id_token()})

    def token_posts(self):
        return [data for method, url, data in self.requests if method == "POST"]


def start_sign_in(client, provider):
    """POST /sign-in/start/ and read state and nonce from the redirect, as the provider would."""
    response = client.post("/sign-in/start/")
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(f"{ISSUER}/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    provider.nonce = query["nonce"]
    return query

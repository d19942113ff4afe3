"""OpenID Connect relying party: authorization code flow with PKCE (S256), state and nonce, client
authentication by private_key_jwt (or client_secret_basic for providers that only offer that).

The same code signs residents in through デジタル認証アプリ, any standard OIDC provider, and the built-in
development provider; only the issuer, client and key settings differ.
"""

import json
import secrets
from datetime import date
from functools import lru_cache

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from ..models import AssuranceLevel
from .registry import providers
from .base import IdentityProvider, SignInRefused, VerifiedIdentity

SESSION_KEY = "oidc_pending"
BASIC_FACT_SCOPES = ["name", "address", "birthdate", "gender"]
CLOCK_SKEW_SECONDS = 60


def http():
    """The HTTP session used to reach the provider (tests replace it to play a misbehaving provider)."""
    return requests.Session()


@lru_cache(maxsize=8)
def _metadata(issuer):
    response = http().get(f"{issuer}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    return response.json()


@providers("oidc")
class OIDCProvider(IdentityProvider):
    label = _("OpenID Connect")
    assurance_level = AssuranceLevel.CARD
    scopes = ["openid", *BASIC_FACT_SCOPES]

    # -- configuration, overridable per provider ------------------------------------------------
    def issuer(self):
        return settings.OIDC_ISSUER.rstrip("/")

    def client_id(self):
        return settings.OIDC_CLIENT_ID

    def private_key_pem(self):
        if settings.OIDC_PRIVATE_KEY_FILE:
            with open(settings.OIDC_PRIVATE_KEY_FILE) as handle:
                return handle.read()
        return ""

    def acr_values(self):
        return settings.OIDC_ACR_VALUES

    def metadata(self):
        try:
            return _metadata(self.issuer())
        except (requests.RequestException, ValueError) as exc:
            raise SignInRefused("discovery_failed", _("The sign-in service cannot be reached. Please try again later.")) from exc

    def oauth_session(self, redirect_uri):
        """Authlib builds the authorization URL with the PKCE S256 challenge."""
        return OAuth2Session(self.client_id(), redirect_uri=redirect_uri, scope=" ".join(self.scopes),
                             code_challenge_method="S256")

    # -- the flow ---------------------------------------------------------------------------------
    def authorization_url(self, request, redirect_uri):
        meta = self.metadata()
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
        extra = {"nonce": nonce}
        if self.acr_values():
            extra["acr_values"] = self.acr_values()
        url, _state = self.oauth_session(redirect_uri).create_authorization_url(
            meta["authorization_endpoint"], state=state, code_verifier=verifier, **extra
        )
        request.session[SESSION_KEY] = {"state": state, "nonce": nonce, "verifier": verifier, "provider": self.id}
        return url

    def complete(self, request, redirect_uri):
        pending = request.session.pop(SESSION_KEY, None)
        if request.GET.get("error"):
            raise SignInRefused("provider_error:" + request.GET["error"][:50], _("Sign-in was cancelled or refused by the sign-in service."))
        if not pending or pending.get("provider") != self.id:
            raise SignInRefused("no_pending_sign_in", _("This sign-in was not started here, or it took too long. Please start again."))
        if not secrets.compare_digest(str(request.GET.get("state", "")), pending["state"]):
            raise SignInRefused("state_mismatch", _("The sign-in could not be verified (wrong state). Please start again."))
        code = request.GET.get("code")
        if not code:
            raise SignInRefused("no_code", _("The sign-in service did not return a result. Please start again."))
        meta = self.metadata()
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": pending["verifier"], "client_id": self.client_id()}
        auth = None
        key = self.private_key_pem()
        if key:
            data["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            data["client_assertion"] = _text(private_key_jwt_sign(RSAKey.import_key(key), self.client_id(), meta["token_endpoint"], alg="RS256"))
        else:
            auth = (self.client_id(), settings.OIDC_CLIENT_SECRET)
        try:
            response = http().post(meta["token_endpoint"], data=data, auth=auth, timeout=10)
            token = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInRefused("token_request_failed", _("The sign-in service did not answer. Please try again.")) from exc
        if response.status_code != 200 or "id_token" not in token:
            raise SignInRefused("token_refused:" + str(token.get("error", response.status_code))[:50],
                                _("The sign-in service refused the sign-in. Please start again."))
        claims = self.verify_id_token(token["id_token"], pending["nonce"])
        facts = dict(claims)
        if token.get("access_token") and meta.get("userinfo_endpoint"):
            facts.update(self.userinfo(meta["userinfo_endpoint"], token["access_token"], claims["sub"]))
        return self.identity_from_claims(facts)

    def verify_id_token(self, id_token, nonce):
        meta = self.metadata()
        try:
            keys = KeySet.import_key_set(http().get(meta["jwks_uri"], timeout=10).json())
        except (requests.RequestException, ValueError, JoseError) as exc:
            raise SignInRefused("jwks_failed", _("The sign-in service cannot be reached. Please try again later.")) from exc
        refused = _("The sign-in could not be verified. Nothing was saved. Please start again.")
        try:
            token = jwt.decode(id_token, keys, algorithms=["RS256", "ES256", "PS256"])
        except (JoseError, ValueError) as exc:
            raise SignInRefused("bad_signature", refused) from exc
        registry_ = jwt.JWTClaimsRegistry(
            leeway=CLOCK_SKEW_SECONDS,
            iss={"essential": True, "value": meta.get("issuer", self.issuer())},
            aud={"essential": True, "value": self.client_id()},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry_.validate(token.claims)
        except JoseError as exc:
            raise SignInRefused("claims_invalid:" + exc.__class__.__name__, refused) from exc
        requested_acr = self.acr_values().split()
        if requested_acr and token.claims.get("acr") not in requested_acr:
            raise SignInRefused("acr_not_met", _("The sign-in did not use the required method (My Number card). Please start again."))
        return token.claims

    def userinfo(self, endpoint, access_token, subject):
        try:
            response = http().get(endpoint, headers={"Authorization": f"Bearer {access_token}"}, timeout=10)
            data = response.json() if response.status_code == 200 else {}
        except (requests.RequestException, ValueError):
            data = {}
        if data.get("sub") != subject:  # OIDC Core 5.3.2: userinfo for another subject is discarded
            return {}
        return data

    def identity_from_claims(self, claims):
        address = claims.get("address") or ""
        postal = ""
        if isinstance(address, dict):
            postal = address.get("postal_code", "")
            address = address.get("formatted") or " ".join(str(v) for k, v in address.items() if k != "postal_code")
        birth = None
        if claims.get("birthdate"):
            try:
                birth = date.fromisoformat(str(claims["birthdate"]))
            except ValueError:
                birth = None
        return VerifiedIdentity(
            provider=self.id, subject=str(claims["sub"]), assurance_level=self.assurance_level,
            full_name=str(claims.get("name", ""))[:200], address=str(address)[:300], postal_code=postal[:8],
            birth_date=birth, sex=str(claims.get("gender", ""))[:16],
            extra={"acr": claims.get("acr", "")},
        )


@providers("digital_auth_app")
class DigitalAuthAppProvider(OIDCProvider):
    """デジタル認証アプリ (Digital Agency): private_key_jwt is required, so a key file must be configured."""

    label = _("Digital Authentication App (My Number card)")

    def private_key_pem(self):
        pem = super().private_key_pem()
        if not pem:
            raise SignInRefused("not_configured", _("Card sign-in is not configured on this server."))
        return pem


@providers("development")
class DevelopmentProvider(OIDCProvider):
    """The built-in development OpenID provider at /dev-oidc/, for the embedded default only."""

    label = _("Development sign-in (sample residents)")

    def issuer(self):
        return settings.BASE_URL + "/dev-oidc"

    def client_id(self):
        from ..devprovider import keys

        return keys.CLIENT_ID

    def private_key_pem(self):
        from ..devprovider import keys

        return keys.client_private_pem()


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def clear_metadata_cache():
    _metadata.cache_clear()


def dumps(value):
    return json.dumps(value, ensure_ascii=False)

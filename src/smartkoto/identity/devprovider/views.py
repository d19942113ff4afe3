"""A small but real OpenID provider for the embedded default: discovery, JWKS, authorization (choose a
sample resident), token (PKCE S256, private_key_jwt, single-use codes) and userinfo.

It exists so that the relying-party code runs unchanged in development. It refuses to run when
SMARTKOTO_DEVELOPMENT_OIDC is off (always off in production).
"""

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from . import keys
from .residents import SAMPLE_RESIDENTS, by_subject

CODE_SECONDS = 120
TOKEN_SECONDS = 300
SUPPORTED_SCOPES = {"openid", "name", "address", "birthdate", "gender"}


def _enabled():
    if not settings.DEVELOPMENT_OIDC_ENABLED:
        raise Http404


def issuer():
    return settings.BASE_URL + "/dev-oidc"


def configuration(request):
    _enabled()
    base = issuer()
    return JsonResponse({
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": sorted(SUPPORTED_SCOPES),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "address", "birthdate", "gender", "acr"],
    })


def jwks(request):
    _enabled()
    return JsonResponse({"keys": [keys.signing_key().as_dict(private=False)]})


def _redirect_allowed(uri):
    parts = urlsplit(uri)
    return parts.scheme in {"http", "https"} and parts.hostname in {"127.0.0.1", "localhost", urlsplit(settings.BASE_URL).hostname} \
        and parts.path.endswith("/sign-in/callback/")


@require_http_methods(["GET", "POST"])
def authorize(request):
    _enabled()
    params = request.GET if request.method == "GET" else request.POST
    ui_locale = (params.get("ui_locales") or "").split(" ")[0]
    if ui_locale in dict(settings.LANGUAGES):
        translation.activate(ui_locale)
    problems = []
    if params.get("response_type") != "code":
        problems.append("response_type must be code")
    if params.get("client_id") != keys.CLIENT_ID:
        problems.append("unknown client_id")
    if not _redirect_allowed(params.get("redirect_uri", "")):
        problems.append("redirect_uri not registered")
    if "openid" not in params.get("scope", "").split():
        problems.append("scope must include openid")
    if not params.get("state") or not params.get("nonce"):
        problems.append("state and nonce are required")
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        problems.append("PKCE with S256 is required")
    if problems:
        return render(request, "identity/dev_provider_error.html", {"problems": problems}, status=400)

    redirect_uri = params["redirect_uri"]
    if request.method == "POST":
        if "cancel" in request.POST:
            return HttpResponseRedirect(redirect_uri + "?" + urlencode({"error": "access_denied", "state": params["state"]}))
        person = by_subject(request.POST.get("resident", ""))
        if person is not None:
            code = secrets.token_urlsafe(32)
            cache.set(f"devoidc:code:{code}", {
                "sub": person["sub"], "nonce": params["nonce"], "redirect_uri": redirect_uri,
                "challenge": params["code_challenge"], "scope": params["scope"], "auth_time": int(time.time()),
            }, CODE_SECONDS)
            return HttpResponseRedirect(redirect_uri + "?" + urlencode({"code": code, "state": params["state"]}))
    hidden = {key: params.get(key, "") for key in ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "acr_values", "ui_locales")}
    current = translation.get_language() or settings.LANGUAGE_CODE
    alternates = [
        {"code": code, "name": name, "url": request.path + "?" + urlencode({**{k: v for k, v in hidden.items() if v}, "ui_locales": code})}
        for code, name in settings.LANGUAGES if code != current
    ]
    return render(request, "identity/dev_provider_authorize.html", {
        "residents": SAMPLE_RESIDENTS, "hidden": hidden, "scopes": params["scope"].split(),
        "no_choice": request.method == "POST", "alternate_languages": alternates,
    })


def _error(error, description, status=400):
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _client_authenticated(request):
    if request.POST.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
        return False
    try:
        token = jwt.decode(request.POST.get("client_assertion", ""), KeySet([keys.client_key()]), algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": keys.CLIENT_ID},
            sub={"essential": True, "value": keys.CLIENT_ID},
            aud={"essential": True, "value": f"{issuer()}/token"},
            exp={"essential": True},
            jti={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError):
        return False
    # An assertion is single-use (RFC 7523 §3).
    return cache.add(f"devoidc:jti:{token.claims['jti']}", 1, 600)


@csrf_exempt
@require_http_methods(["POST"])
def token(request):
    _enabled()
    if not _client_authenticated(request):
        return _error("invalid_client", "private_key_jwt client authentication failed", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _error("unsupported_grant_type", "only authorization_code")
    code = request.POST.get("code", "")
    grant = cache.get(f"devoidc:code:{code}")
    if grant is None or not cache.add(f"devoidc:used:{code}", 1, CODE_SECONDS * 2):
        return _error("invalid_grant", "unknown, expired or used code")
    cache.delete(f"devoidc:code:{code}")
    if request.POST.get("redirect_uri") != grant["redirect_uri"]:
        return _error("invalid_grant", "redirect_uri mismatch")
    verifier = request.POST.get("code_verifier", "")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    if not secrets.compare_digest(challenge, grant["challenge"]):
        return _error("invalid_grant", "PKCE verification failed")
    now = int(time.time())
    claims = {
        "iss": issuer(), "sub": grant["sub"], "aud": keys.CLIENT_ID, "iat": now, "exp": now + TOKEN_SECONDS,
        "auth_time": grant["auth_time"], "nonce": grant["nonce"], "acr": "aal3",
    }
    key = keys.signing_key()
    id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
    access_token = secrets.token_urlsafe(32)
    cache.set(f"devoidc:access:{access_token}", {"sub": grant["sub"], "scope": grant["scope"]}, TOKEN_SECONDS)
    response = JsonResponse({"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS, "id_token": id_token, "scope": grant["scope"]})
    response["Cache-Control"] = "no-store"
    return response


def userinfo(request):
    _enabled()
    auth = request.headers.get("Authorization", "")
    grant = cache.get(f"devoidc:access:{auth[7:]}") if auth.startswith("Bearer ") else None
    if grant is None:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    person = by_subject(grant["sub"])
    scopes = set(grant["scope"].split())
    data = {"sub": person["sub"]}
    for scope, claim in (("name", "name"), ("address", "address"), ("birthdate", "birthdate"), ("gender", "gender")):
        if scope in scopes:
            data[claim] = person[claim]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

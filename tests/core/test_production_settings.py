"""Production mode refuses to start with unsafe settings and says which ones; with proper settings it
starts and sends the security headers. Each case runs in a fresh Python process with its own env."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

GOOD_SECRET = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"[:30]  # 50 characters, varied


def production_env(tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SMARTKOTO_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update({
        "SMARTKOTO_ENV": "production",
        "SMARTKOTO_DATA_DIR": str(tmp_path),
        "SMARTKOTO_SECRET_KEY": GOOD_SECRET,
        "SMARTKOTO_ALLOWED_HOSTS": "online.city.koto.example.jp",
        "SMARTKOTO_BASE_URL": "https://online.city.koto.example.jp",
        "SMARTKOTO_IDENTITY_PROVIDER": "oidc",
        "SMARTKOTO_OIDC_ISSUER": "https://idp.example.jp",
        "SMARTKOTO_DEVELOPMENT_OIDC": "0",
        "SMARTKOTO_PAYMENTS_PROVIDER": "stripe",
        "SMARTKOTO_STRIPE_SECRET_KEY": "sk_test_production_guard",
        "SMARTKOTO_STRIPE_WEBHOOK_SECRET": "whsec_production_guard",
        "SMARTKOTO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SMARTKOTO_EMAIL_HOST": "smtp.city.koto.example.jp",
        "SMARTKOTO_LOG_LEVEL": "ERROR",
    })
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def smartkoto(args, env):
    return subprocess.run([sys.executable, "-m", "smartkoto.cli", *args], env=env, capture_output=True, text=True, timeout=120)


def django_setup(env):
    code = "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'smartkoto.conf.settings'); django.setup(); print('started')"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_proper_production_settings_start_and_pass_the_deploy_check(tmp_path):
    env = production_env(tmp_path)
    started = django_setup(env)
    assert started.returncode == 0, started.stderr
    assert "started" in started.stdout
    check = smartkoto(["check", "--deploy"], env)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("overrides, named", [
    ({"SMARTKOTO_SECRET_KEY": None}, "SMARTKOTO_SECRET_KEY"),
    ({"SMARTKOTO_SECRET_KEY": "short-secret"}, "SMARTKOTO_SECRET_KEY"),
    ({"SMARTKOTO_SECRET_KEY": "x" * 49}, "SMARTKOTO_SECRET_KEY"),
    ({"SMARTKOTO_SECRET_KEY": "ab" * 30}, "SMARTKOTO_SECRET_KEY"),
    ({"SMARTKOTO_DEBUG": "1"}, "SMARTKOTO_DEBUG"),
    ({"SMARTKOTO_ALLOWED_HOSTS": None}, "SMARTKOTO_ALLOWED_HOSTS"),
    ({"SMARTKOTO_DEVELOPMENT_OIDC": "1"}, "SMARTKOTO_DEVELOPMENT_OIDC"),
    ({"SMARTKOTO_IDENTITY_PROVIDER": None}, "SMARTKOTO_IDENTITY_PROVIDER"),
    ({"SMARTKOTO_BASE_URL": "http://online.city.koto.example.jp"}, "SMARTKOTO_BASE_URL"),
    ({"SMARTKOTO_PAYMENTS_PROVIDER": None}, "SMARTKOTO_PAYMENTS_PROVIDER is 'simulated'"),
    ({"SMARTKOTO_PAYMENTS_PROVIDER": "simulated"}, "SMARTKOTO_ALLOW_SIMULATED_PAYMENTS"),
    ({"SMARTKOTO_EMAIL_BACKEND": None}, "SMARTKOTO_ALLOW_OUTBOX_EMAIL"),
    ({"SMARTKOTO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "SMARTKOTO_EMAIL_BACKEND"),
    ({"SMARTKOTO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}, "SMARTKOTO_ALLOW_INLINE_TASKS"),
    ({"SMARTKOTO_FAST_PASSWORD_HASHER": "1"}, "SMARTKOTO_ALLOW_FAST_PASSWORD_HASHER"),
    ({"SMARTKOTO_IDENTITY_PROVIDER": "development"}, "SMARTKOTO_ALLOW_DEVELOPMENT_SIGN_IN"),
], ids=["no-secret", "short-secret", "49-characters", "repetitive", "debug-on", "no-hosts", "development-oidc",
        "development-provider", "plain-http", "default-payments", "simulated-payments", "outbox-email", "console-email",
        "inline-tasks", "md5-hasher", "development-sign-in"])
def test_production_refuses_to_start_naming_the_problem(tmp_path, overrides, named):
    env = production_env(tmp_path, **overrides)
    started = django_setup(env)
    assert started.returncode != 0
    assert "refuses to start in production" in started.stderr and named in started.stderr
    check = smartkoto(["check", "--deploy"], env)
    assert check.returncode != 0
    assert named in check.stderr
    assert "Traceback" not in check.stderr


def test_production_refusal_lists_every_problem_at_once(tmp_path):
    env = production_env(tmp_path, SMARTKOTO_SECRET_KEY=None, SMARTKOTO_DEBUG="1", SMARTKOTO_ALLOWED_HOSTS=None,
                         SMARTKOTO_DEVELOPMENT_OIDC="1", SMARTKOTO_IDENTITY_PROVIDER=None)
    check = smartkoto(["check", "--deploy"], env)
    assert check.returncode != 0
    for name in ("SMARTKOTO_SECRET_KEY", "SMARTKOTO_DEBUG", "SMARTKOTO_ALLOWED_HOSTS", "SMARTKOTO_DEVELOPMENT_OIDC",
                 "SMARTKOTO_IDENTITY_PROVIDER"):
        assert name in check.stderr


def test_the_refusal_names_every_development_plugin_at_once(tmp_path):
    env = production_env(tmp_path, SMARTKOTO_PAYMENTS_PROVIDER=None, SMARTKOTO_EMAIL_BACKEND=None,
                         SMARTKOTO_IDENTITY_PROVIDER=None, SMARTKOTO_DEVELOPMENT_OIDC="1")
    started = django_setup(env)
    assert started.returncode != 0
    check = smartkoto(["check", "--deploy"], env)
    assert check.returncode != 0
    for name in ("SMARTKOTO_PAYMENTS_PROVIDER", "SMARTKOTO_EMAIL_BACKEND", "SMARTKOTO_IDENTITY_PROVIDER",
                 "SMARTKOTO_DEVELOPMENT_OIDC", "SMARTKOTO_ALLOW_SIMULATED_PAYMENTS", "SMARTKOTO_ALLOW_OUTBOX_EMAIL",
                 "SMARTKOTO_ALLOW_DEVELOPMENT_SIGN_IN"):
        assert name in started.stderr and name in check.stderr
    served = smartkoto(["serve", "--port", "0"], env)  # the web server refuses too, before listening
    assert served.returncode != 0 and "SMARTKOTO_ALLOW_SIMULATED_PAYMENTS" in served.stderr


def test_a_staging_override_starts_but_is_logged_and_listed(tmp_path):
    env = production_env(tmp_path, SMARTKOTO_PAYMENTS_PROVIDER=None, SMARTKOTO_EMAIL_BACKEND=None,
                         SMARTKOTO_IDENTITY_PROVIDER="development", SMARTKOTO_DEVELOPMENT_OIDC="1",
                         SMARTKOTO_ALLOW_SIMULATED_PAYMENTS="1", SMARTKOTO_ALLOW_OUTBOX_EMAIL="1",
                         SMARTKOTO_ALLOW_DEVELOPMENT_SIGN_IN="1")
    started = django_setup(env)
    assert started.returncode == 0, started.stderr
    logged = [json.loads(line) for line in started.stderr.splitlines() if line.startswith("{")]
    overrides = {record.get("override") for record in logged if record.get("level") == "WARNING"}
    assert overrides == {"SMARTKOTO_ALLOW_SIMULATED_PAYMENTS", "SMARTKOTO_ALLOW_OUTBOX_EMAIL", "SMARTKOTO_ALLOW_DEVELOPMENT_SIGN_IN"}
    check = smartkoto(["check", "--deploy"], env)
    assert check.returncode == 0, check.stderr
    for name in ("SMARTKOTO_ALLOW_SIMULATED_PAYMENTS", "SMARTKOTO_ALLOW_OUTBOX_EMAIL", "SMARTKOTO_ALLOW_DEVELOPMENT_SIGN_IN"):
        assert name in check.stdout + check.stderr
    # one override allows one thing only
    only_payments = production_env(tmp_path, SMARTKOTO_PAYMENTS_PROVIDER=None, SMARTKOTO_EMAIL_BACKEND=None,
                                   SMARTKOTO_ALLOW_SIMULATED_PAYMENTS="1")
    refused = django_setup(only_payments)
    assert refused.returncode != 0 and "SMARTKOTO_ALLOW_OUTBOX_EMAIL" in refused.stderr
    assert "SMARTKOTO_ALLOW_SIMULATED_PAYMENTS" not in refused.stderr


def test_deploy_check_outside_production_says_production_mode_is_off(tmp_path):
    env = production_env(tmp_path, SMARTKOTO_ENV=None)
    check = smartkoto(["check", "--deploy"], env)
    assert check.returncode != 0 and "SMARTKOTO_ENV" in check.stderr


def test_development_server_on_the_embedded_default_starts(tmp_path):
    env = production_env(tmp_path, SMARTKOTO_ENV=None, SMARTKOTO_SECRET_KEY=None, SMARTKOTO_ALLOWED_HOSTS=None,
                         SMARTKOTO_IDENTITY_PROVIDER=None, SMARTKOTO_DEVELOPMENT_OIDC=None, SMARTKOTO_BASE_URL=None)
    assert django_setup(env).returncode == 0


HEADERS_SCRIPT = textwrap.dedent("""
    import json, os, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkoto.conf.settings")
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.test import Client
    client = Client(HTTP_HOST="online.city.koto.example.jp")
    plain = client.get("/accessibility/")
    probe = client.get("/healthz")
    secure = client.get("/sign-in/", secure=True)
    print(json.dumps({
        "plain_status": plain.status_code, "plain_location": plain.get("Location", ""), "probe_status": probe.status_code,
        "status": secure.status_code, "headers": dict(secure.headers),
        "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
                    for name, c in secure.cookies.items()},
    }))
""")


def test_production_sends_hsts_redirects_to_https_and_marks_cookies_secure(tmp_path):
    result = subprocess.run([sys.executable, "-c", HEADERS_SCRIPT], env=production_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["plain_status"] == 301 and data["plain_location"].startswith("https://")
    assert data["probe_status"] == 200  # health probes over plain HTTP are not redirected
    assert "form-action 'self' https://idp.example.jp;" in data["headers"]["Content-Security-Policy"]
    assert data["status"] == 200
    headers = data["headers"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert data["cookies"]["csrftoken"]["secure"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/en/", "/sign-in/", "/en/accessibility/", "/staff/sign-in/"])
def test_pages_send_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_session_cookie_is_http_only_and_expires(client, resident):
    from django.conf import settings

    client.force_login(resident)
    response = client.get("/my/profile/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # idle expiry: the session in use is saved again at least once a minute (tests/perf/test_sessions.py)
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 and settings.SESSION_REFRESH_SECONDS <= 60
    assert "smartkoto.core.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_hsts_and_secure_cookies_with_production_security_settings(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/sign-in/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
def test_forms_may_redirect_to_the_sign_in_providers_origin(client, settings):
    settings.RESIDENT_IDENTITY_PROVIDER = "oidc"
    settings.OIDC_ISSUER = "https://idp.example.jp/realms/koto"
    settings.CSP_FORM_ACTION_EXTRA = ["https://pay.example.jp"]
    csp = client.get("/sign-in/")["Content-Security-Policy"]
    assert "form-action 'self' https://pay.example.jp https://idp.example.jp;" in csp


@pytest.mark.django_db
def test_form_action_allows_only_this_site_on_the_embedded_default(client, settings):
    settings.BASE_URL = "http://testserver"
    csp = client.get("/")["Content-Security-Policy"]
    (form_action,) = [d.split()[1:] for d in csp.split("; ") if d.startswith("form-action ")]
    assert form_action[0] == "'self'" and set(form_action) <= {"'self'", "http://testserver"}

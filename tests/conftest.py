"""Shared fixtures: Koto demo data, signed-in residents and staff, and a headless Chromium with axe-core.

Browser tests need Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); elsewhere they are
skipped with a message saying so.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("SMARTKOTO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BROWSER_TIMEOUT_MS = 20000  # actions and expect(...) wait this long: generous for a loaded 2-core machine


# -- parallel runs (pytest-xdist, `--dist loadgroup`) --------------------------------------------------
def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` the browser tests share one worker (one live server, one Chromium), and the tests
    with real parallel clients or server processes share another group, so two of them never compete for the
    cores at once."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.get_closest_marker("concurrency"):
            item.add_marker(pytest.mark.xdist_group("concurrency"))


# -- isolation ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no sign-in lock, used code or rate count from another test,
    and no municipality profile a process remembered from another test's rolled-back data."""
    from django.core.cache import cache

    from smartkoto.municipality import queries as municipality

    cache.clear()
    municipality.forget()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (a request to /en/ leaves English active in the thread)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


# -- data ---------------------------------------------------------------------------------------
@pytest.fixture
def koto(db):
    """The Koto municipality profile, departments and offices."""
    from smartkoto.municipality import demo

    demo.load()


@pytest.fixture
def make_resident(db):
    from django.utils import timezone

    from smartkoto.identity.models import AssuranceLevel, ResidentProfile, User

    def make(name="江東 花子", address="東京都江東区東陽四丁目2番1号", subject=None, level=AssuranceLevel.CARD, email=None, **extra):
        count = User.objects.count()
        user = User.objects.create(username=f"resident-{count}-{subject or ''}", kind=User.Kind.RESIDENT)
        ResidentProfile.objects.create(
            user=user, provider="development", subject=subject or f"test-{count}", assurance_level=level,
            full_name=name if level >= AssuranceLevel.CARD else "", address=address if level >= AssuranceLevel.CARD else "",
            postal_code="135-0016", birth_date="1988-04-12" if level >= AssuranceLevel.CARD else None, sex="female",
            facts_source="development", facts_verified_at=timezone.now(), email=email or f"resident{count}@example.jp", **extra,
        )
        return user

    return make


@pytest.fixture
def resident(make_resident):
    return make_resident()


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


@pytest.fixture
def make_staff(koto):
    from smartkoto.identity.models import StaffMembership, User
    from smartkoto.municipality.models import Department

    def make(username="case-worker", department="kumin", role="case_worker", password="correct horse battery staple"):
        user = User.objects.create(username=username, kind=User.Kind.STAFF, last_name="職員", first_name=username)
        user.set_password(password)
        user.save()
        roles = [role] if isinstance(role, str) else role
        for r in roles:
            StaffMembership.objects.create(user=user, department=Department.objects.get(code=department), role=r)
        return user

    return make


@pytest.fixture
def staff_login():
    """Sign a Django test client in as staff who passed both factors."""

    def login(client, user):
        client.force_login(user)
        session = client.session
        session["mfa_verified"] = True
        session.save()
        return client

    return login


@pytest.fixture
def staff_client(client, make_staff, staff_login):
    return staff_login(client, make_staff())


# -- browser --------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium, or set SMARTKOTO_CHROMIUM)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings):
    """The live server's address, with the settings that must name it (OIDC issuer, links in emails)."""
    from smartkoto.identity.providers import oidc

    settings.BASE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["*"]
    oidc.clear_metadata_cache()
    yield live_server.url
    oidc.clear_metadata_cache()


@pytest.fixture
def open_page(browser, site):
    """`open_page(width, height)`: a page in a browser context of its own (a second person: clerk, display
    board), closed after the test even when it fails, so nothing left open keeps polling the server."""
    contexts = []

    def open_(width=390, height=844, **options):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def axe():
    """`axe(page)` runs axe-core's WCAG 2.2 A/AA rules on the page and fails with the report."""
    from axe_playwright_python.sync_playwright import Axe

    runner = Axe()

    def check(page, label=""):
        page.wait_for_load_state()  # a navigation already under way finishes first; the caller waits for the page it means
        results = runner.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, f"axe-core violations on {label or page.url}:\n{results.generate_report()}"
        return results

    return check


@pytest.fixture
def browser_sign_in_resident():
    """Sign a browser in through the development OpenID provider as one of the sample residents."""

    def sign_in(page, base_url, resident_index=0, language_prefix=""):
        page.goto(f"{base_url}{language_prefix}/sign-in/")
        page.locator("form[action$='/sign-in/start/'] button").click()
        page.locator(f"#resident-{resident_index}").check()
        page.locator("button[name=sign_in]").click()
        page.wait_for_url("**/my/profile/**")

    return sign_in


@pytest.fixture
def browser_sign_in_staff():
    """Sign a browser in as staff: staff ID and password, then the current TOTP code."""

    def sign_in(page, base_url, user, password="correct horse battery staple"):
        import pyotp

        from smartkoto.identity.models import TOTPDevice

        page.goto(f"{base_url}/staff/sign-in/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/sign-in/code/")
        device = TOTPDevice.objects.get(user=user)
        page.fill("#id_code", pyotp.TOTP(device.secret).now())
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/sign-in/" not in url)

    return sign_in

"""The foundation in a real browser: staff sign-in with TOTP (and first-time enrolment), the language
switch, axe-core on every foundation page in Japanese and English, and the layout at 320 px."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["", "/en"]  # Japanese at /, English under /en/


def check_page(page, axe, label):
    """axe-core finds nothing, and at 320 px wide nothing scrolls sideways."""
    axe(page, label)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 700})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{label}: the page is {width}px wide at a 320px viewport"
    finally:
        page.set_viewport_size(size)


def expected_lang(prefix):
    return "en" if prefix == "/en" else "ja"


@pytest.fixture
def auditor(make_staff):
    user = make_staff(username="dx-auditor", department="dx", role=["dx_admin", "auditor"])
    return user


def test_staff_signs_in_with_password_and_totp_and_sees_the_staff_home(page, site, make_staff, browser_sign_in_staff):
    from django.utils import timezone

    from smartkoto.identity.models import TOTPDevice

    user = make_staff(username="kumin-case")
    TOTPDevice.objects.create(user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    browser_sign_in_staff(page, site, user)
    expect(page).to_have_url(f"{site}/staff/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_have_text("職員ホーム", use_inner_text=True)
    expect(page.locator(".site-header--staff")).to_have_count(1)


def test_staff_enrols_an_authenticator_the_first_time(page, site, make_staff):
    from smartkoto.identity.models import TOTPDevice

    user = make_staff(username="new-staff")
    page.goto(f"{site}/en/staff/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/sign-in/code/")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    assert TOTPDevice.objects.get(user=user).confirmed_at is None
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/en/staff/")
    expect(page.locator("h1")).to_have_text("Staff home", use_inner_text=True)
    assert TOTPDevice.objects.get(user=user).confirmed_at is not None


def test_language_switch_changes_the_visible_strings_and_back(page, site, koto):
    page.goto(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    japanese_heading = page.locator("h1").inner_text()
    japanese_nav = page.locator(".site-footer").inner_text()
    page.locator("a.site-header__lang[hreflang=en]").click()
    page.wait_for_url(f"{site}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Koto City online services", use_inner_text=True)
    assert page.locator("h1").inner_text() != japanese_heading
    assert page.locator(".site-footer").inner_text() != japanese_nav
    expect(page.locator(".site-footer")).to_contain_text("Accessibility statement", use_inner_text=True)
    page.locator("a.site-header__lang[hreflang=ja]").click()
    page.wait_for_url(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert page.locator("h1").inner_text() == japanese_heading


def test_language_switch_keeps_the_page(page, site, koto):
    page.goto(f"{site}/accessibility/")
    page.locator("a.site-header__lang[hreflang=en]").click()
    page.wait_for_url(f"{site}/en/accessibility/")
    expect(page.locator("h1")).to_have_text("Accessibility statement", use_inner_text=True)


@pytest.mark.parametrize("prefix", LANGUAGES, ids=["ja", "en"])
def test_public_pages_pass_axe_and_fit_320px(page, site, koto, axe, prefix):
    for path in ("/", "/accessibility/", "/privacy/", "/sign-in/", "/staff/sign-in/"):
        page.goto(f"{site}{prefix}{path}")
        expect(page.locator("html")).to_have_attribute("lang", expected_lang(prefix))
        check_page(page, axe, f"{prefix}{path}")
    response = page.goto(f"{site}{prefix}/no-such-page/")
    assert response.status == 404
    check_page(page, axe, f"{prefix} 404 page")


@pytest.mark.parametrize("prefix", LANGUAGES, ids=["ja", "en"])
def test_pages_with_errors_pass_axe(page, site, koto, axe, prefix):
    page.goto(f"{site}{prefix}/sign-in/")
    page.fill("#id_email", "not-an-address")
    page.locator("form:has(#id_email) button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    expect(page).to_have_title(re.compile("^" + re.escape("エラー:" if prefix == "" else "Error:")))
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    check_page(page, axe, f"{prefix}/sign-in/ with an error")

    page.goto(f"{site}{prefix}/staff/sign-in/")
    page.fill("#id_username", "nobody")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    check_page(page, axe, f"{prefix}/staff/sign-in/ with an error")


@pytest.mark.parametrize("prefix", LANGUAGES, ids=["ja", "en"])
def test_resident_pages_pass_axe(page, site, koto, axe, prefix):
    page.goto(f"{site}{prefix}/sign-in/")
    page.locator("form[action$='/sign-in/start/'] button").click()
    page.wait_for_url("**/dev-oidc/authorize**")
    expect(page.locator("html")).to_have_attribute("lang", expected_lang(prefix))
    check_page(page, axe, f"development provider ({prefix or 'ja'})")
    page.locator("#resident-0").check()
    page.locator("button[name=sign_in]").click()
    page.wait_for_url("**/my/profile/")
    check_page(page, axe, f"{prefix}/my/profile/")
    page.goto(f"{site}{prefix}/my/profile/")
    page.fill("#id_phone", "call me")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    expect(page.locator("#id_phone")).to_have_attribute("aria-invalid", "true")
    check_page(page, axe, f"{prefix}/my/profile/ with an error")


@pytest.mark.parametrize("prefix", LANGUAGES, ids=["ja", "en"])
def test_staff_pages_pass_axe(page, site, axe, auditor, prefix):
    import pyotp as otp

    from smartkoto.core import audit
    from smartkoto.identity.models import TOTPDevice

    audit.record("test.seeded", actor_kind="system", department_code="kumin")
    page.goto(f"{site}{prefix}/staff/sign-in/")
    page.fill("#id_username", auditor.username)
    page.fill("#id_password", "correct horse battery staple")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/staff/sign-in/code/")
    check_page(page, axe, f"{prefix} staff code page (enrolling)")
    page.fill("#id_code", "000000" if otp.TOTP(TOTPDevice.objects.get(user=auditor).secret).now() != "000000" else "111111")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    check_page(page, axe, f"{prefix} staff code page with an error")
    page.fill("#id_code", otp.TOTP(TOTPDevice.objects.get(user=auditor).secret).now())
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{site}{prefix}/staff/")
    check_page(page, axe, f"{prefix}/staff/")
    page.goto(f"{site}{prefix}/staff/audit/?verify=1")
    assert page.locator("table.dads-table tbody tr").count() >= 1
    check_page(page, axe, f"{prefix}/staff/audit/")
    page.goto(f"{site}{prefix}/staff/outbox/")
    check_page(page, axe, f"{prefix}/staff/outbox/")


def test_sign_in_form_may_redirect_to_a_provider_on_another_origin(page, site, koto):
    """Browsers apply CSP form-action to the redirect after a POST: the provider's origin must be allowed.
    Here the site is opened under another host name than the one the provider (BASE_URL) uses."""
    other = site.replace("localhost", "127.0.0.1") if "localhost" in site else site.replace("127.0.0.1", "localhost")
    assert other != site
    page.goto(f"{other}/sign-in/")
    page.locator("form[action$='/sign-in/start/'] button").click()
    page.wait_for_url(f"{site}/dev-oidc/authorize**")
    expect(page.locator("#resident-0")).to_be_visible()

"""Resident and staff sign-in in a real browser, with axe-core on every page passed."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_signs_in_with_development_card_provider_and_sees_verified_profile(page, site, koto, axe, browser_sign_in_resident):
    from smartkoto import demo

    demo.load()
    page.goto(site + "/")
    axe(page, "home")
    page.goto(site + "/sign-in/")
    axe(page, "sign-in")
    page.locator("form[action$='/sign-in/start/'] button").click()
    page.wait_for_url("**/dev-oidc/authorize**")
    axe(page, "development provider")
    page.locator("#resident-0").check()
    page.locator("button[name=sign_in]").click()
    page.wait_for_url("**/my/profile/")
    expect(page.get_by_test_id("profile-name")).to_have_text("江東 花子", use_inner_text=True)
    expect(page.get_by_test_id("profile-address")).to_contain_text("東京都江東区東陽四丁目2番1号", use_inner_text=True)
    axe(page, "profile")

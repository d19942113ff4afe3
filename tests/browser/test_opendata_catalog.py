"""Open data catalog in a real phone-sized browser, Japanese and English, with axe-core on every page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "src" / "smartkoto" / "opendata" / "demo_data"


@pytest.fixture
def catalog(koto):
    from smartkoto.opendata import demo

    demo.load()


def test_resident_searches_filters_previews_and_downloads(page, site, axe, catalog):
    page.goto(site + "/opendata/")
    axe(page, "catalog (ja)")
    page.fill("#od-q", "トイレ")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]q="))
    expect(page.locator(".od-result__title")).to_have_text(["公衆トイレ一覧"], use_inner_text=True)
    page.goto(site + "/opendata/")
    page.check("input[name=organization][value=koen]")
    page.click("text=絞り込む")
    page.wait_for_url(re.compile(r"[?&]organization=koen"))
    titles = page.locator(".od-result__title").all_inner_texts()
    assert sorted(titles) == ["公共施設一覧（公園）", "公衆トイレ一覧"]
    axe(page, "catalog filtered")
    page.click("text=公共施設一覧（公園）")
    page.wait_for_url("**/opendata/dataset/*/")
    axe(page, "dataset page")
    expect(page.locator("main")).to_contain_text("出典：江東区（東京都オープンデータカタログサイト）", use_inner_text=True)
    page.click("main .od-resource__title a")
    page.wait_for_url("**/resource/*/")
    expect(page.locator("table.od-preview tbody tr")).to_have_count(20)
    assert page.locator("svg.od-map circle").count() > 100
    assert page.locator("svg.od-chart rect").count() > 1
    axe(page, "resource preview with map and chart")
    page.fill("#rq", "清澄")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]q="))
    assert all("清澄" in row for row in page.locator("table.od-preview tbody tr").all_inner_texts())
    with page.expect_download() as download:
        page.click("text=正規化したCSV（UTF-8）をダウンロード")
    assert download.value.suggested_filename == "parks-normalised.csv"
    page.click("text=問題は見つかりませんでした（レポートを見る）")
    page.wait_for_url("**/report/")
    axe(page, "validation report")


def test_english_pages_and_developer_pages(page, site, axe, catalog):
    page.goto(site + "/en/opendata/")
    expect(page.locator("h1")).to_have_text("Open data catalog", use_inner_text=True)
    axe(page, "catalog (en)")
    page.click("text=Public facilities: ward nurseries")
    page.wait_for_url("**/opendata/dataset/*/")
    axe(page, "dataset (en)")
    page.click("main .od-resource__title a")
    page.wait_for_url("**/resource/*/")
    axe(page, "resource (en)")
    page.click("main a[href$='/report/']")
    page.wait_for_url("**/report/")
    expect(page.locator("main")).to_contain_text("old 5-digit code", use_inner_text=True)
    axe(page, "report (en)")
    page.goto(site + "/opendata/schemas/")
    axe(page, "layouts")
    page.click("text=AED設置箇所一覧 (現行の標準)")
    page.wait_for_url("**/opendata/schemas/*/")
    axe(page, "one layout")
    page.goto(site + "/opendata/developers/")
    axe(page, "developers")


def test_pages_work_without_javascript(open_page, site, catalog):
    page = open_page(java_script_enabled=False)
    page.goto(site + "/opendata/?q=AED")
    expect(page.locator(".od-result__title")).to_have_text(["AED設置箇所一覧"], use_inner_text=True)
    page.click("text=AED設置箇所一覧")
    page.wait_for_url("**/opendata/dataset/*/")
    page.click("main .od-resource__title a")
    page.wait_for_url("**/resource/*/")
    page.select_option("#chart-col", "利用可能曜日")
    page.click("text=グラフを表示")
    page.wait_for_url(re.compile(r"[?&]chart="))
    expect(page.locator("svg.od-chart title")).to_contain_text("利用可能曜日")
    assert page.locator("svg.od-chart rect").count() > 1


def test_staff_publishes_a_dataset_with_a_validated_upload(page, site, axe, browser_sign_in_staff, catalog):
    from smartkoto.identity import demo as identity_demo
    from smartkoto.identity.models import User
    from smartkoto.opendata.models import Dataset

    identity_demo.load()  # demo staff with password and TOTP; only the apps this test needs
    browser_sign_in_staff(page, site, User.objects.get(username="dx-admin"), password="koto-demo-2026")
    page.goto(site + "/staff/opendata/")
    axe(page, "staff open data home")
    page.click("text=新しいデータセット")
    page.wait_for_url("**/staff/opendata/new/")
    axe(page, "new dataset form")
    page.fill("#id_title_ja", "保育園一覧（試験）")
    page.fill("#id_name", "Bad name")
    page.select_option("#id_department_code", "hoiku")
    page.click("main form button[type=submit]")
    expect(page).to_have_title(re.compile("^エラー:"))
    axe(page, "new dataset form with errors")
    page.fill("#id_name", "nurseries-test")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/opendata/nurseries-test/")
    axe(page, "dataset edit")
    page.click("text=リソースを追加")
    page.fill("#id_name_ja", "区立保育園一覧")
    page.select_option("#id_schema_id", "public_facility:legacy")
    page.set_input_files("#id_file", str(DEMO / "koto_131083_public_facility_10_nurseries_legacy.csv"))
    axe(page, "add resource form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/resources/*/")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator("main")).to_contain_text("旧形式の5桁のコード", use_inner_text=True)
    axe(page, "resource status and report")
    page.click("text=nurseries-test") if page.locator("text=nurseries-test").count() else page.goto(site + "/staff/opendata/nurseries-test/")
    page.click("text=このデータセットを公開する")
    expect(page.locator("input[name=state][value=draft]")).to_have_count(1)  # the page now offers to withdraw it
    assert Dataset.objects.get(name="nurseries-test").is_published
    page.goto(site + "/opendata/dataset/nurseries-test/")
    axe(page, "published dataset")

"""Open data catalog in a real phone-sized browser, Japanese and English, with axe-core on every page."""

from pathlib import Path

import pytest

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
    assert page.locator(".od-result__title").all_inner_texts() == ["公衆トイレ一覧"]
    page.goto(site + "/opendata/")
    page.check("input[name=organization][value=koen]")
    page.click("text=絞り込む")
    titles = page.locator(".od-result__title").all_inner_texts()
    assert sorted(titles) == ["公共施設一覧（公園）", "公衆トイレ一覧"]
    axe(page, "catalog filtered")
    page.click("text=公共施設一覧（公園）")
    axe(page, "dataset page")
    assert "出典：江東区（東京都オープンデータカタログサイト）" in page.inner_text("main")
    page.click("main .od-resource__title a")
    assert page.locator("table.od-preview tbody tr").count() == 20
    assert page.locator("svg.od-map circle").count() > 100
    assert page.locator("svg.od-chart rect").count() > 1
    axe(page, "resource preview with map and chart")
    page.fill("#rq", "清澄")
    page.click("form[role=search] button[type=submit]")
    assert all("清澄" in row for row in page.locator("table.od-preview tbody tr").all_inner_texts())
    with page.expect_download() as download:
        page.click("text=正規化したCSV（UTF-8）をダウンロード")
    assert download.value.suggested_filename == "parks-normalised.csv"
    page.click("text=問題は見つかりませんでした（レポートを見る）")
    axe(page, "validation report")


def test_english_pages_and_developer_pages(page, site, axe, catalog):
    page.goto(site + "/en/opendata/")
    assert page.locator("h1").inner_text() == "Open data catalog"
    axe(page, "catalog (en)")
    page.click("text=Public facilities: ward nurseries")
    axe(page, "dataset (en)")
    page.click("main .od-resource__title a")
    axe(page, "resource (en)")
    page.click("main a[href$='/report/']")
    assert "old 5-digit code" in page.inner_text("main")
    axe(page, "report (en)")
    page.goto(site + "/opendata/schemas/")
    axe(page, "layouts")
    page.click("text=AED設置箇所一覧 (現行の標準)")
    axe(page, "one layout")
    page.goto(site + "/opendata/developers/")
    axe(page, "developers")


def test_pages_work_without_javascript(browser, site, catalog):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(site + "/opendata/?q=AED")
        assert page.locator(".od-result__title").all_inner_texts() == ["AED設置箇所一覧"]
        page.click("text=AED設置箇所一覧")
        page.click("main .od-resource__title a")
        page.select_option("#chart-col", "利用可能曜日")
        page.click("text=グラフを表示")
        assert "利用可能曜日" in page.locator("svg.od-chart title").text_content()
        assert page.locator("svg.od-chart rect").count() > 1
    finally:
        context.close()


def test_staff_publishes_a_dataset_with_a_validated_upload(page, site, axe, browser_sign_in_staff, catalog):
    from smartkoto.identity import demo as identity_demo
    from smartkoto.identity.models import User
    from smartkoto.opendata.models import Dataset

    identity_demo.load()  # demo staff with password and TOTP; only the apps this test needs
    browser_sign_in_staff(page, site, User.objects.get(username="dx-admin"), password="koto-demo-2026")
    page.goto(site + "/staff/opendata/")
    axe(page, "staff open data home")
    page.click("text=新しいデータセット")
    axe(page, "new dataset form")
    page.fill("#id_title_ja", "保育園一覧（試験）")
    page.fill("#id_name", "Bad name")
    page.select_option("#id_department_code", "hoiku")
    page.click("main form button[type=submit]")
    assert page.title().startswith("エラー:")
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
    assert page.locator("progress").get_attribute("value") == "100"
    assert "旧形式の5桁のコード" in page.inner_text("main")
    axe(page, "resource status and report")
    page.click("text=nurseries-test") if page.locator("text=nurseries-test").count() else page.goto(site + "/staff/opendata/nurseries-test/")
    page.click("text=このデータセットを公開する")
    assert Dataset.objects.get(name="nurseries-test").is_published
    page.goto(site + "/opendata/dataset/nurseries-test/")
    axe(page, "published dataset")

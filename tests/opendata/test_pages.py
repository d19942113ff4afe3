"""Public pages (no JavaScript needed) and the back office: permissions, publishing, uploads, audit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartkoto.opendata.models import Dataset, ResourceFile

pytestmark = pytest.mark.django_db


def _resource_id(name="aed-locations"):
    return Dataset.objects.get(name=name).resources.first().pk


def test_catalog_search_and_facets_without_javascript(client, demo_catalog):
    page = client.get("/opendata/").content.decode()
    assert "AED設置箇所一覧" in page and "公衆トイレ一覧" in page
    page = client.get("/opendata/", {"q": "トイレ"}).content.decode()
    assert "公衆トイレ一覧" in page and "AED設置箇所一覧" not in page
    page = client.get("/opendata/", {"organization": "koen"}).content.decode()
    assert "公共施設一覧（公園）" in page and "AED設置箇所一覧" not in page
    page = client.get("/en/opendata/", {"q": "ﾄｲﾚ"}).content.decode()  # half-width katakana is folded
    assert "Public toilets" in page and "AED locations" not in page


def test_dataset_page_shows_licence_attribution_and_machine_links(client, demo_catalog):
    page = client.get("/opendata/dataset/aed-locations/").content.decode()
    assert "出典：江東区（東京都オープンデータカタログサイト）" in page
    assert "/dataset/aed-locations.ttl" in page and "creativecommons.org/licenses/by/4.0" in page
    assert client.get("/opendata/dataset/not-there/").status_code == 404


def test_resource_page_previews_table_chart_and_map(client, demo_catalog):
    page = client.get(f"/opendata/dataset/aed-locations/resource/{_resource_id()}/").content.decode()
    assert "有明西学園" in page  # table
    assert 'class="od-chart"' in page and 'class="od-map"' in page and "<circle" in page
    assert "cyberjapandata.gsi.go.jp" in page
    page = client.get(f"/opendata/dataset/aed-locations/resource/{_resource_id()}/", {"q": "有明西", "chart": "利用可能曜日"}).content.decode()
    assert "有明西学園" in page and "有明小学校" not in page.split("od-preview")[1].split("</table>")[0]


def test_map_tiles_can_be_switched_off(client, demo_catalog, settings):
    settings.OPENDATA_MAP_TILES = ""
    page = client.get(f"/opendata/dataset/aed-locations/resource/{_resource_id()}/").content.decode()
    assert "<circle" in page and "data-od-tiles" not in page


def test_waste_collection_resource_without_coordinates_has_no_map(client, demo_catalog):
    page = client.get(f"/opendata/dataset/waste-collection-towns/resource/{_resource_id('waste-collection-towns')}/").content.decode()
    assert 'class="od-map"' not in page and "青海" in page


def test_downloads_original_normalised_and_current_layout(client, demo_catalog, demo_file):
    rid = _resource_id("nurseries")
    original = client.get(f"/opendata/dataset/nurseries/resource/{rid}/download")
    assert b"".join(original.streaming_content) == demo_file("koto_131083_public_facility_10_nurseries_legacy.csv")
    normalised = client.get(f"/opendata/dataset/nurseries/resource/{rid}/download", {"as": "normalised"}).content.decode()
    assert normalised.splitlines()[1].startswith("131083,1,")
    current = client.get(f"/opendata/dataset/nurseries/resource/{rid}/download", {"as": "current"}).content.decode()
    assert current.startswith("全国地方公共団体コード,ID,地方公共団体名,名称")


def test_validation_report_page_in_both_languages(client, demo_catalog):
    url = f"/opendata/dataset/nurseries/resource/{_resource_id('nurseries')}/report/"
    assert "131083" in client.get(url).content.decode()
    assert "5-digit" in client.get("/en" + url).content.decode()


def test_schema_pages_and_json(client):
    assert "AED設置箇所一覧" in client.get("/opendata/schemas/").content.decode()
    body = client.get("/opendata/schemas/aed:current/", {"format": "json"}).json()
    assert body["fields"][0] == {"name": "全国地方公共団体コード", "type": "lgcode", "constraints": {"required": True}}
    assert client.get("/opendata/schemas/nothing:current/").status_code == 404


def test_developers_page_lists_ckanapi_commands(client, demo_catalog):
    assert "ckanapi action package_list" in client.get("/opendata/developers/").content.decode()


# -- back office ----------------------------------------------------------------------------------------
@pytest.fixture
def koen_staff(client, make_staff, staff_login):
    return staff_login(client, make_staff("koen-case", "koen", "case_worker"))


def _dataset_post(**overrides):
    data = {"title_ja": "公園の遊具", "title_en": "Playground equipment", "name": "playground", "department_code": "koen",
            "notes_ja": "", "notes_en": "", "tags": "公園, 遊具", "themes": ["facilities"], "license_id": "cc-by-4.0",
            "attribution": "出典：江東区", "frequency": "annual", "spatial": "東京都江東区", "temporal_start": "", "temporal_end": "",
            "contact_name": "公園河川課", "contact_email": "", "standard_id": ""}
    data.update(overrides)
    return data


def test_staff_of_department_creates_uploads_and_publishes(koen_staff):
    from smartkoto.core.models import AuditRecord

    response = koen_staff.post("/staff/opendata/new/", _dataset_post())
    assert response.status_code == 302
    ds = Dataset.objects.get(name="playground")
    assert ds.state == Dataset.State.DRAFT and ds.tags == ["公園", "遊具"]
    upload = SimpleUploadedFile("p.csv", "名称,緯度,経度\nA,35.6,139.8\n".encode("cp932"))
    response = koen_staff.post("/staff/opendata/playground/resources/new/", {"name_ja": "遊具", "name_en": "", "format": "CSV",
                                                                            "schema_id": "", "file": upload, "url": ""})
    assert response.status_code == 302
    resource = ds.resources.get()
    assert resource.current.load_state == ResourceFile.Load.LOADED and resource.current.encoding == "cp932"
    page = koen_staff.get(response["Location"]).content.decode()
    assert "<progress" in page and 'value="100"' in page
    assert koen_staff.get(f"/staff/opendata/playground/resources/{resource.pk}/status.json").json()["state"] == "loaded"
    koen_staff.post("/staff/opendata/playground/state/", {"state": "active"})
    ds.refresh_from_db()
    assert ds.is_published
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"opendata.dataset_created", "opendata.resource_created", "opendata.file_uploaded", "opendata.dataset_state"} <= actions


def test_staff_form_errors_are_shown_with_summary_and_keep_input(koen_staff):
    response = koen_staff.post("/staff/opendata/new/", _dataset_post(name="Bad Name!", temporal_start="2025-04-01", temporal_end="2024-01-01"))
    page = response.content.decode()
    assert response.status_code == 200 and "error-summary" in page and 'aria-invalid="true"' in page
    assert 'value="公園の遊具"' in page


def test_staff_cannot_publish_for_another_department(koen_staff, demo_catalog):
    response = koen_staff.post("/staff/opendata/new/", _dataset_post(department_code="dx"))
    assert response.status_code == 200 and not Dataset.objects.filter(name="playground").exists()
    assert koen_staff.get("/staff/opendata/aed-locations/").status_code == 403
    assert koen_staff.get("/staff/opendata/parks/").status_code == 200


def test_dx_admin_manages_every_dataset(client, make_staff, staff_login, demo_catalog):
    staff_login(client, make_staff("dx-admin", "dx", "dx_admin"))
    assert client.get("/staff/opendata/aed-locations/").status_code == 200
    assert "AED設置箇所一覧" in client.get("/staff/opendata/").content.decode()


def test_malformed_upload_shows_report_and_keeps_previous_version(koen_staff, demo_catalog):
    resource = Dataset.objects.get(name="parks").resources.get()
    live_before = resource.current_id
    bad = SimpleUploadedFile("bad.csv", b'a,b\n"1,2\n')
    response = koen_staff.post(f"/staff/opendata/parks/resources/{resource.pk}/", {"file": bad}, follow=True)
    page = response.content.decode()
    resource.refresh_from_db()
    assert resource.current_id == live_before
    assert resource.files.first().load_state == ResourceFile.Load.REJECTED
    assert "notice--error" in page


def test_oversized_upload_is_refused_with_a_message(koen_staff, demo_catalog, settings):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 10
    resource = Dataset.objects.get(name="parks").resources.get()
    response = koen_staff.post(f"/staff/opendata/parks/resources/{resource.pk}/", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n3,4\n")})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert resource.files.count() == 1


def test_residents_cannot_reach_the_back_office(resident_client):
    response = resident_client.get("/staff/opendata/")
    assert response.status_code in (302, 403)


def test_procedure_catalog_is_published_as_a_live_dataset_when_procedures_exist(client, koto):
    try:
        from smartkoto.procedures import demo as procedures_demo
    except ImportError:
        pytest.skip("the procedures app is not there yet")
    from smartkoto.opendata import demo, live

    procedures_demo.load()
    if not live.available("procedures"):
        pytest.skip("smartkoto.procedures.queries offers no published procedures")
    demo.load()
    ds = Dataset.objects.get(name="procedures-online")
    resource = ds.resources.get()
    assert ds.is_published and resource.live_source == "procedures" and resource.datastore_active
    from smartkoto.opendata import datastore

    result = datastore.search(resource, {"filters": {"オンライン対応有無": "有"}, "limit": 1})
    assert result["total"] >= 1
    listed = Dataset.objects.get(name="opendata-list").resources.get()
    assert datastore.search(listed, {"q": "手続一覧"})["total"] == 1


def test_counter_congestion_history_is_published_when_the_counters_app_has_history(koto):
    try:
        from smartkoto.counters import demo as counters_demo
    except ImportError:
        pytest.skip("the counters app is not there yet")
    from smartkoto.opendata import datastore, demo, live

    counters_demo.load()
    if not live.available("counter_congestion"):
        pytest.skip("smartkoto.counters.queries has no congestion history yet")
    demo.load()
    resource = Dataset.objects.get(name="counter-congestion").resources.get()
    result = datastore.search(resource, {"limit": 1})
    assert result["total"] >= 1 and "tickets_issued" in result["records"][0]


def test_refresh_command_stores_a_new_version_of_live_datasets(demo_catalog):
    from io import StringIO

    from django.core.management import call_command

    resource = Dataset.objects.get(name="opendata-list").resources.get()
    before = resource.current.version
    out = StringIO()
    call_command("opendata_refresh_live", stdout=out)
    resource.refresh_from_db()
    assert resource.current.version == before + 1 and "opendata-list: version" in out.getvalue()


def test_geojson_resource_is_previewed_on_a_map_with_its_properties(client, make_dataset):
    import json

    from smartkoto.core.actor import Actor
    from smartkoto.opendata import services

    ds, resource = make_dataset("shelters", fmt="GeoJSON")
    features = [{"type": "Feature", "properties": {"名称": f"避難所{n}", "収容人数": 100 + n},
                 "geometry": {"type": "Point", "coordinates": [139.80 + n / 100, 35.67]}} for n in range(3)]
    features.append({"type": "Feature", "properties": {"名称": "公園"},
                     "geometry": {"type": "Polygon", "coordinates": [[[139.81, 35.66], [139.82, 35.66], [139.82, 35.67], [139.81, 35.66]]]}})
    services.upload(resource, "shelters.geojson", json.dumps({"type": "FeatureCollection", "features": features}).encode(),
                    actor=Actor.system("tests"))
    page = client.get(f"/opendata/dataset/shelters/resource/{resource.pk}/").content.decode()
    assert page.count("<circle") == 4 and "避難所2" in page and "収容人数" in page

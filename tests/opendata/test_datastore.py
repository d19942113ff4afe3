"""Loading into the datastore: versions, failed loads leave the previous version live, search features."""

import pytest

from smartkoto.core.actor import Actor
from smartkoto.opendata import datastore, services
from smartkoto.opendata.models import DatastoreRow, ResourceFile

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")

CSV = "名称,区分,人数,緯度,経度\n東陽公園,公園,10,35.67,139.81\n木場公園,公園,250,35.67,139.80\n江東図書館,図書館,30,35.67,139.83\n豊洲図書館,図書館,,35.65,139.79\n"


def _upload(resource, text, name="data.csv", encoding="utf-8"):
    return services.upload(resource, name, text.encode(encoding), actor=SYSTEM)


def test_upload_loads_rows_with_inferred_types_and_makes_version_live(make_dataset):
    _ds, resource = make_dataset()
    version = _upload(resource, CSV)
    resource.refresh_from_db()
    assert version.load_state == ResourceFile.Load.LOADED
    assert resource.current_id == version.pk and resource.datastore_version_id == version.pk
    assert {f["id"]: f["type"] for f in resource.datastore_fields} == {"名称": "text", "区分": "text", "人数": "int", "緯度": "numeric", "経度": "numeric"}
    assert version.rows_loaded == version.rows_total == 4
    assert len(version.sha256) == 64 and version.size == len(CSV.encode())


def test_malformed_file_is_rejected_and_previous_version_stays_live(make_dataset):
    _ds, resource = make_dataset()
    good = _upload(resource, CSV)
    bad = _upload(resource, "名称,区分\nA,B\nC\n\"D,E\n")
    resource.refresh_from_db()
    assert bad.load_state == ResourceFile.Load.REJECTED
    assert bad.report["fatal"] and "ragged" in bad.report["counts"]
    assert resource.current_id == good.pk and resource.datastore_version_id == good.pk
    assert DatastoreRow.objects.filter(version=bad).count() == 0
    assert datastore.search(resource, {})["total"] == 4


def test_load_that_fails_midway_removes_its_rows_and_keeps_previous_version(make_dataset, monkeypatch):
    _ds, resource = make_dataset()
    good = _upload(resource, CSV)
    monkeypatch.setattr(datastore, "BATCH", 2)
    real_members = datastore.json_members

    def json_members(name, kind, cells):
        if "壊れた行" in cells:
            raise RuntimeError("disk full")  # stands for any database failure after some batches were written
        return real_members(name, kind, cells)

    monkeypatch.setattr(datastore, "json_members", json_members)
    bigger = CSV + "亀戸公園,公園,5,35.69,139.83\n" * 5 + "壊れた行,公園,1,35.6,139.8\n"
    failed = _upload(resource, bigger)
    resource.refresh_from_db()
    assert failed.load_state == ResourceFile.Load.FAILED and "disk full" in failed.load_error
    assert resource.current_id == good.pk
    assert DatastoreRow.objects.filter(version=failed).count() == 0
    assert datastore.search(resource, {})["total"] == 4


def test_new_version_replaces_rows_of_the_old_one(make_dataset):
    _ds, resource = make_dataset()
    first = _upload(resource, CSV)
    second = _upload(resource, "名称,区分\n新しい施設,公園\n")
    resource.refresh_from_db()
    assert second.version == first.version + 1
    assert resource.datastore_version_id == second.pk
    assert DatastoreRow.objects.filter(version=first).count() == 0
    assert [r["名称"] for r in datastore.search(resource, {})["records"]] == ["新しい施設"]


def test_shift_jis_upload_is_read_correctly(make_dataset):
    _ds, resource = make_dataset()
    version = _upload(resource, CSV, encoding="cp932")
    assert version.encoding == "cp932"
    resource.refresh_from_db()
    assert datastore.search(resource, {"filters": {"名称": "東陽公園"}})["records"][0]["人数"] == 10


@pytest.fixture
def loaded(make_dataset):
    _ds, resource = make_dataset()
    _upload(resource, CSV)
    resource.refresh_from_db()
    return resource


def test_search_filters_sort_fields_and_total(loaded):
    result = datastore.search(loaded, {"filters": {"区分": "公園"}, "sort": "人数 desc", "fields": "名称,人数"})
    assert result["total"] == 2
    assert result["records"] == [{"名称": "木場公園", "人数": 250}, {"名称": "東陽公園", "人数": 10}]
    assert [f["id"] for f in result["fields"]] == ["名称", "人数"]


def test_search_filter_list_means_any_of(loaded):
    result = datastore.search(loaded, {"filters": {"名称": ["東陽公園", "豊洲図書館"]}, "sort": "_id"})
    assert [r["_id"] for r in result["records"]] == [1, 4]


def test_numeric_filter_value_given_as_text_matches(loaded):
    assert datastore.search(loaded, {"filters": '{"人数": "250"}'})["records"][0]["名称"] == "木場公園"


def test_q_is_japanese_aware_and_can_target_a_field(loaded):
    assert datastore.search(loaded, {"q": "としょかん"})["total"] == 0  # kana folding, not kanji reading
    assert datastore.search(loaded, {"q": "図書"})["total"] == 2
    assert datastore.search(loaded, {"q": "ＥＸＡＭＰＬＥ"})["total"] == 0
    assert datastore.search(loaded, {"q": {"名称": "公園"}})["total"] == 2


def test_limit_offset_and_links(loaded):
    page = datastore.search(loaded, {"limit": 3, "offset": 3, "sort": "_id"})
    assert [r["_id"] for r in page["records"]] == [4]
    assert page["total"] == 4 and "offset=6" in page["_links"]["next"]


def test_records_formats(loaded):
    assert datastore.search(loaded, {"records_format": "lists", "fields": ["_id", "名称"], "limit": 1})["records"] == [[1, "東陽公園"]]
    assert datastore.search(loaded, {"records_format": "csv", "fields": "名称,区分", "limit": 2})["records"] == "東陽公園,公園\n木場公園,公園\n"
    assert datastore.search(loaded, {"records_format": "tsv", "fields": "名称", "limit": 1})["records"] == "東陽公園\n"


def test_distinct_values(loaded):
    result = datastore.search(loaded, {"distinct": True, "fields": "区分", "sort": "区分"})
    assert result["records"] == [{"区分": "公園"}, {"区分": "図書館"}] and result["total"] == 2


def test_sort_puts_empty_values_last(loaded):
    result = datastore.search(loaded, {"sort": "人数 asc", "fields": "名称"})
    assert result["records"][-1]["名称"] == "豊洲図書館"


@pytest.mark.parametrize("params, key", [
    ({"filters": {"無い列": "x"}}, "filters"), ({"sort": "無い列"}, "sort"), ({"fields": "無い列"}, "fields"),
    ({"limit": "many"}, "limit"), ({"records_format": "xml"}, "records_format"), ({"filters": "{broken"}, "filters"),
])
def test_bad_parameters_raise_query_error_naming_the_parameter(loaded, params, key):
    with pytest.raises(datastore.QueryError) as caught:
        datastore.search(loaded, params)
    assert key in caught.value.errors


def test_pdf_resource_is_published_without_datastore(make_dataset):
    _ds, resource = make_dataset(fmt="PDF")
    version = services.upload(resource, "plan.pdf", b"%PDF-1.4 test", actor=SYSTEM)
    resource.refresh_from_db()
    assert version.load_state == ResourceFile.Load.NONE and resource.current_id == version.pk and not resource.datastore_active


def test_every_change_is_audited(make_dataset):
    from smartkoto.core.models import AuditRecord

    _ds, resource = make_dataset()
    _upload(resource, CSV)
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert {"opendata.dataset_created", "opendata.resource_created", "opendata.dataset_state", "opendata.file_uploaded"} <= set(actions)


@pytest.mark.parametrize("text", ["江東区 東陽４－１１", "ＡＥＤ設置ｶﾞｲﾄﾞ", "カタカナ ひらがな\tTab", "Ⅻ㍻ﾊﾟ", "ヴァ ヶ ヵ", ""])
def test_fast_normalize_equals_the_shared_normaliser(text):
    from smartkoto.core.text import normalize

    assert datastore.fast_normalize(text) == normalize(text)


def test_large_versions_get_expression_indexes_on_sqlite_that_filters_use(make_dataset, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL uses the GIN index from migration 0002")
    settings.OPENDATA_INDEX_MIN_ROWS = 3
    _ds, resource = make_dataset()
    many = "名称,区分,人数,緯度,経度\n" + "".join(f"施設{n},区分{n % 50},{n},35.6,139.8\n" for n in range(2000))
    first = _upload(resource, many)
    resource.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type='index' AND name LIKE %s", [f"opendata_row_v{first.pk}_f%"])
        assert cursor.fetchone()[0] == 3  # 名称, 区分, 人数; not the decimal coordinates
        rows = datastore.DatastoreRow.objects.extra(where=[f"version_id = {first.pk}"])
        sql, params = datastore._apply_filters(rows, {"区分": "公園"}, {"区分": "text"}).query.sql_with_params()
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = cursor.fetchall()
        assert any(f"opendata_row_v{first.pk}_f1" in str(step) for step in plan), plan
    _upload(resource, "名称,区分\nA,B\n")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type='index' AND name LIKE %s", [f"opendata_row_v{first.pk}_f%"])
        assert cursor.fetchone()[0] == 0

"""Issue 11: bad input on the CKAN API and open-data pages gets a clear error, never a 5xx; large
XLSX/zip files are refused before they are loaded; loads run on the bulk queue."""

import json

import pytest

pytestmark = pytest.mark.django_db


def get(client, action, query):
    response = client.get(f"/api/3/action/{action}?{query}")
    return response.status_code, response.json()


def post(client, action, body):
    response = client.post(f"/api/3/action/{action}", data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _validation_error(status, body, field):
    assert status == 409, body
    assert body["success"] is False and body["error"]["__type"] == "Validation Error"
    assert isinstance(body["error"][field], list) and body["error"][field][0] and "message" not in body["error"]
    assert body["help"].endswith("help_show?name=" + body["help"].rsplit("=", 1)[1])


def test_repeated_scalar_parameter_is_refused(client, demo_catalog):
    _validation_error(*get(client, "package_search", "q=a&q=b"), "q")
    _validation_error(*get(client, "package_show", "id=parks&id=aed-locations"), "id")
    status, body = get(client, "package_search", 'facet.field=organization&facet.field=tags')  # a list parameter
    assert status == 200 and set(body["result"]["search_facets"]) == {"organization", "tags"}


@pytest.mark.parametrize("query,field", [
    ("start=9223372036854775808", "start"), ("start=-1", "start"), ("start=1000001", "start"), ("rows=abc", "rows"),
    ("rows=1.5", "rows"), ("q=" + "+".join(["公園"] * 1000), "q"), ("q=" + "a" * 1001, "q"), ("fq=" + "x" * 1001, "fq"),
])
def test_package_search_bounds(client, demo_catalog, query, field):
    _validation_error(*get(client, "package_search", query), field)


def test_rows_above_the_maximum_are_lowered_like_ckan(client, demo_catalog):
    status, body = get(client, "package_search", "rows=1000000000000000000000")
    assert status == 200 and body["result"]["count"] == len(body["result"]["results"])


@pytest.mark.parametrize("body,field", [
    ({"rows": "abc"}, "rows"), ({"q": {}}, "q"), ({"fq": []}, "fq"), ({"rows": -1}, "rows"), ({"start": 2**63}, "start"),
    ({"facet.field": {"a": 1}}, "facet.field"), ({"sort": ["name asc"]}, "sort"), ({"rows": True}, "rows"),
])
def test_wrong_json_types_are_validation_errors(client, demo_catalog, body, field):
    _validation_error(*post(client, "package_search", body), field)


@pytest.mark.parametrize("body,field", [
    ({"filters": "x"}, "filters"), ({"filters": {"ID": {"a": 1}}}, "filters"), ({"limit": -1}, "limit"),
    ({"offset": 2**63}, "offset"), ({"q": ["a"]}, "q"), ({"fields": 5}, "fields"), ({"distinct": []}, "distinct"),
])
def test_datastore_search_wrong_types(client, demo_catalog, body, field):
    resource_id = post(client, "package_show", {"id": "aed-locations"})[1]["result"]["resources"][0]["id"]
    _validation_error(*post(client, "datastore_search", {"resource_id": resource_id, **body}), field)


def test_datastore_filters_with_out_of_range_numbers_match_nothing(client, demo_catalog):
    resource_id = post(client, "package_show", {"id": "aed-locations"})[1]["result"]["resources"][0]["id"]
    status, body = post(client, "datastore_search", {"resource_id": resource_id, "filters": {"_id": ["9" * 30, "x"]}})
    assert status == 200 and body["result"]["records"] == []
    status, body = get(client, "datastore_search", f"resource_id={resource_id}&offset=9223372036854775808")
    _validation_error(status, body, "offset")


def test_other_actions_check_their_parameters(client, demo_catalog):
    _validation_error(*get(client, "package_list", "limit=abc"), "limit")
    _validation_error(*post(client, "organization_list", {"sort": {"a": 1}}), "sort")
    _validation_error(*post(client, "group_list", {"all_fields": []}), "all_fields")
    _validation_error(*post(client, "tag_list", {"query": ["x"]}), "query")
    _validation_error(*get(client, "current_package_list_with_resources", "offset=18446744073709551616"), "offset")
    status, body = get(client, "current_package_list_with_resources", "limit=2&page=2")
    assert status == 200 and len(body["result"]) == 2


def test_deeply_nested_json_body_is_a_json_error(client, demo_catalog):
    response = client.post("/api/3/action/package_search", data="{\"q\": " + "[" * 100000 + "]" * 100000 + "}",
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["__type"] == "Bad request"


def test_resource_page_with_a_huge_page_number_shows_the_last_page(client, demo_catalog):
    resource_id = get(client, "package_show", "id=aed-locations")[1]["result"]["resources"][0]["id"]
    from django.urls import reverse

    url = reverse("opendata:resource", args=["aed-locations", resource_id])
    first = client.get(url)
    assert first.status_code == 200
    for page in ("100000000000000000000", "-5", "abc", "1e9"):
        response = client.get(url, {"page": page, "q": " ".join(["AED"] * 1000)})
        assert response.status_code == 200, page


# -- XLSX limits (item 4) --------------------------------------------------------------------------------
def _xlsx(rows, dimension=True, padding=0):
    """A minimal XLSX written with zipfile: `rows` data rows under a header, 300k rows in ~0.4 MB."""
    import io
    import zipfile

    body = "<row><c><v>1</v></c><c><v>2</v></c></row>" * rows  # cell references are optional in OOXML
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + (f'<dimension ref="A1:B{rows + 1}"/>' if dimension else "")
             + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>番号</t></is></c><c r="B1" t="inlineStr"><is><t>値</t></is></c></row>'
             + body + "</sheetData>" + " " * padding + "</worksheet>")
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in files.items():
            book.writestr(name, text)
    return out.getvalue()


def test_small_xlsx_still_reads(koto):
    from smartkoto.opendata import tabular

    report = tabular.validate(_xlsx(3), "XLSX")
    assert not report.fatal and report.rows == 3 and report.columns == ["番号", "値"]


def test_300k_row_xlsx_is_refused_from_its_dimension_before_loading(make_dataset):
    import time

    from smartkoto.core.actor import Actor
    from smartkoto.opendata import messages, services, tabular
    from smartkoto.opendata.models import ResourceFile

    data = _xlsx(300_000)
    assert len(data) < 400 * 1024  # the file was 387 KB
    started = time.monotonic()
    assert tabular.check_xlsx(data) == ("too_many_rows", {"limit": 200_000})
    assert time.monotonic() - started < 0.5
    _ds, resource = make_dataset("big", fmt="XLSX")
    started = time.monotonic()
    version = services.upload(resource, "big.xlsx", data, actor=Actor.system("tests"), run_now=True)
    assert time.monotonic() - started < 5
    assert version.load_state == ResourceFile.Load.REJECTED and version.report["counts"] == {"too_many_rows": 1}
    assert "200000" in messages.described(version.report, "ja")[0]["message"]


def test_xlsx_without_dimension_is_stopped_at_the_row_limit(make_dataset, settings):
    from smartkoto.opendata import tabular

    settings.OPENDATA_XLSX_MAX_ROWS = 100
    report = tabular.validate(_xlsx(250, dimension=False), "XLSX")
    assert report.fatal and report.counts["too_many_rows"] == 1 and report.rows <= 101


def test_xlsx_that_unpacks_too_large_is_refused_unopened(koto, settings):
    from smartkoto.opendata import tabular

    settings.OPENDATA_XLSX_MAX_UNPACKED_BYTES = 1024 * 1024
    data = _xlsx(3, padding=5 * 1024 * 1024)
    assert len(data) < 64 * 1024
    problem = tabular.check_xlsx(data)
    assert problem[0] == "xlsx_too_large" and problem[1]["mb"] == 1
    assert tabular.validate(data, "XLSX").counts["xlsx_too_large"] == 1


def test_staff_upload_of_a_large_xlsx_is_refused_on_the_resource_page(client, make_staff, staff_login, make_dataset):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    staff_login(client, make_staff("dx-admin", "dx", "dx_admin"))
    _ds, resource = make_dataset("big", fmt="XLSX")
    with translation.override("ja"):
        response = client.post(f"/staff/opendata/big/resources/{resource.pk}/", {"file": SimpleUploadedFile("big.xlsx", _xlsx(200_001))},
                               HTTP_ACCEPT_LANGUAGE="ja")
    page = response.content.decode()
    assert response.status_code == 200 and "error-summary" in page and "200000" in page
    assert resource.files.count() == 0


# -- bulk queue (item 9) ---------------------------------------------------------------------------------
BULK_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}}


def test_upload_enqueues_its_load_on_the_bulk_queue(make_dataset, settings):
    from django_tasks_db.models import DBTaskResult

    from smartkoto.core.actor import Actor
    from smartkoto.opendata import services
    from smartkoto.opendata.models import ResourceFile

    settings.TASKS = BULK_TASKS
    _ds, resource = make_dataset("queued")
    version = services.upload(resource, "a.csv", "名称,値\nA,1\n".encode(), actor=Actor.system("tests"))
    assert version.load_state == ResourceFile.Load.QUEUED
    row = DBTaskResult.objects.get(task_path="smartkoto.opendata.tasks.load_resource_file")
    assert row.queue_name == "bulk" and row.args_kwargs["args"] == [version.pk]


def test_live_refresh_command_leaves_loads_to_the_bulk_queue(demo_catalog, settings):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = BULK_TASKS
    call_command("opendata_refresh_live", stdout=StringIO())
    queued = DBTaskResult.objects.filter(task_path="smartkoto.opendata.tasks.load_resource_file")
    assert queued.exists() and set(queued.values_list("queue_name", flat=True)) == {"bulk"}


def test_loads_fall_back_to_the_default_queue_while_the_backend_refuses_bulk(make_dataset, settings, caplog):
    from smartkoto.opendata import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert tasks.bulk_queue() == "default" and "bulk" in caplog.text
    settings.TASKS = BULK_TASKS
    assert tasks.bulk_queue() == "bulk"


@pytest.mark.parametrize("query", ["page=100000000000000000000", "page=-5", "modified_since=0001-01-01",
                                   "modified_since=9999-12-31T23:59:59%2B14:00", "modified_since=0001-01-01T00:00:00-14:00"])
def test_dcat_catalog_edges_answer_without_error(client, demo_catalog, query):
    response = client.get(f"/catalog.jsonld?{query}")
    assert response.status_code == 200


def test_modified_since_with_an_offset_postgresql_refuses_is_read_in_utc(client):
    response = client.get("/catalog.jsonld", {"modified_since": "2026-02-15T19:57:03+22:13"})
    assert response.status_code == 200

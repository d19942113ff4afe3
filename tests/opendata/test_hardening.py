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
    assert isinstance(body["error"][field], list) and body["error"][field][0]
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

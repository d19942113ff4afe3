"""The CKAN Action API through the Django test client: envelope, errors, paging, facets, both URL forms."""

import json

import pytest

pytestmark = pytest.mark.django_db


def call(client, action, method="get", prefix="/api/3/action/", **params):
    if method == "post":
        response = client.post(prefix + action, data=json.dumps(params), content_type="application/json")
    else:
        response = client.get(prefix + action, params)
    assert response["Content-Type"] == "application/json;charset=utf-8"
    return response.status_code, response.json()


def test_version_endpoint_and_no_redirects(client, demo_catalog):
    assert client.get("/api/3").json() == {"version": 3}
    for url in ("/api/3/action/package_list", "/api/action/package_list", "/en/api/3/action/package_list"):
        response = client.get(url)
        assert response.status_code in (200, 404) and not response.has_header("Location")
    assert client.get("/api/action/package_list").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("prefix", ["/api/3/action/", "/api/action/"])
def test_package_list_envelope(client, demo_catalog, method, prefix):
    status, body = call(client, "package_list", method, prefix)
    assert status == 200 and body["success"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=package_list")
    assert "aed-locations" in body["result"] and body["result"] == sorted(body["result"])


def test_drafts_are_not_listed(client, make_dataset):
    make_dataset("published-one")
    make_dataset("draft-one", publish=False)
    assert call(client, "package_list")[1]["result"] == ["published-one"]
    assert call(client, "package_show", id="draft-one")[0] == 404


def test_unknown_action_is_400_and_unknown_parameters_are_ignored(client, demo_catalog):
    status, body = call(client, "no_such_action")
    assert status == 400 and body["success"] is False
    status, body = call(client, "package_list", whatever="x")
    assert status == 200


def test_package_show_by_name_and_id_with_ckan_fields(client, demo_catalog):
    _status, by_name = call(client, "package_show", id="aed-locations")
    pkg = by_name["result"]
    assert call(client, "package_show", id=pkg["id"])[1]["result"]["name"] == "aed-locations"
    for key in ("id", "name", "title", "notes", "owner_org", "organization", "tags", "resources", "license_id", "license_title",
                "license_url", "isopen", "metadata_created", "metadata_modified", "maintainer", "maintainer_email", "author",
                "author_email", "extras", "groups", "num_resources", "num_tags", "private", "state", "type", "url", "version"):
        assert key in pkg, key
    assert pkg["license_id"] == "cc-by-4.0" and pkg["isopen"] is True and pkg["state"] == "active"
    resource = pkg["resources"][0]
    for key in ("id", "package_id", "name", "description", "format", "mimetype", "url", "size", "hash", "created", "last_modified",
                "metadata_modified", "position", "datastore_active", "url_type", "resource_type", "state"):
        assert key in resource, key
    assert resource["datastore_active"] is True and resource["hash"].startswith("sha256:")
    assert {"key": "attribution", "value": "出典：江東区（東京都オープンデータカタログサイト）"} in pkg["extras"]


def test_package_show_missing_is_not_found_error(client, demo_catalog):
    status, body = call(client, "package_show", id="nothing-here")
    assert status == 404 and body["error"]["__type"] == "Not Found Error"


def test_package_search_paging_ends_with_empty_results(client, demo_catalog):
    names, start = [], 0
    while True:
        _status, body = call(client, "package_search", rows=3, start=start)
        if not body["result"]["results"]:
            break
        names += [p["name"] for p in body["result"]["results"]]
        start += 3
    assert sorted(names) == call(client, "package_list")[1]["result"]
    assert body["result"]["count"] == len(names)


def test_package_search_q_fq_facets_and_sort(client, demo_catalog):
    _s, body = call(client, "package_search", q="トイレ", **{"facet.field": '["organization", "tags", "res_format"]'})
    result = body["result"]
    assert [p["name"] for p in result["results"]] == ["public-toilets"]
    assert result["search_facets"]["organization"]["items"] == [{"name": "koen", "display_name": "公園河川課", "count": 1}]
    _s, body = call(client, "package_search", fq="organization:koen", sort="name asc")
    assert [p["name"] for p in body["result"]["results"]] == ["parks", "public-toilets"]
    _s, body = call(client, "package_search", fq='tags:"AED"')
    assert [p["name"] for p in body["result"]["results"]] == ["aed-locations"]
    _s, body = call(client, "package_search", "post", q="こうえん")  # kana folding: こうえん ≠ 公園, finds nothing
    assert body["result"]["count"] == 0


def test_package_search_bad_query_is_search_query_error(client, demo_catalog):
    status, body = call(client, "package_search", sort="flavour desc")
    assert status == 400 and body["error"]["__type"] == "Search Query Error"
    status, body = call(client, "package_search", rows="lots")
    assert status == 409 and body["error"]["__type"] == "Validation Error" and "rows" in body["error"]


def test_organization_group_tag_license_status(client, demo_catalog):
    assert "koen" in call(client, "organization_list")[1]["result"]
    full = call(client, "organization_list", all_fields="true")[1]["result"]
    assert {"name": "koen", "package_count": 2}.items() <= next(o for o in full if o["name"] == "koen").items()
    assert call(client, "organization_show", id="koen")[1]["result"]["title"] == "公園河川課"
    assert call(client, "organization_show", id="nope")[0] == 404
    assert "facilities" in call(client, "group_list")[1]["result"]
    assert "AED" in call(client, "tag_list")[1]["result"]
    assert any(item["id"] == "cc-by-4.0" for item in call(client, "license_list")[1]["result"])
    status = call(client, "status_show")[1]["result"]
    assert {"site_title", "site_description", "site_url", "locale_default", "extensions", "ckan_version"} <= set(status)


def test_resource_show_and_datastore_search(client, demo_catalog):
    resource_id = call(client, "package_show", id="aed-locations")[1]["result"]["resources"][0]["id"]
    assert call(client, "resource_show", id=resource_id)[1]["result"]["format"] == "CSV"
    _s, body = call(client, "datastore_search", "post", resource_id=resource_id, filters={"所在地_町字": ["有明1丁目", "有明2丁目"]},
                    sort="ID desc", limit=2)
    result = body["result"]
    assert result["total"] == 4 and [r["ID"] for r in result["records"]] == ["131083700004", "131083700003"]
    assert result["fields"][0] == {"id": "_id", "type": "int"}
    status, body = call(client, "datastore_search", resource_id=resource_id, filters='{"無い列": 1}')
    assert status == 409 and body["error"]["__type"] == "Validation Error" and "filters" in body["error"]
    assert call(client, "datastore_search", resource_id="00000000-0000-0000-0000-000000000000")[0] == 404
    assert call(client, "datastore_search")[0] == 409


def test_post_with_broken_json_is_a_clear_error(client, demo_catalog):
    response = client.post("/api/3/action/package_list", data="{broken", content_type="application/json")
    assert response.status_code == 400 and response.json()["success"] is False

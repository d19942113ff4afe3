"""Property-based fuzz of the CKAN Action API (issue 11, item 6): arbitrary JSON values for every known
parameter of every action, sent as GET query strings (repeated keys included) and as POSTed JSON bodies.
Every answer is a CKAN envelope with 200, 400, 404 or 409, never a 5xx.

Bounded and derandomized for CI (hypothesis with a fixed seed, 100 examples per action)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

ACTIONS = {
    "package_search": ["q", "fq", "rows", "start", "sort", "facet.field", "facet.limit", "facet.mincount", "include_private"],
    "package_show": ["id", "name_or_id", "use_default_schema"],
    "package_list": ["limit", "offset"],
    "current_package_list_with_resources": ["limit", "offset", "page"],
    "organization_list": ["sort", "limit", "offset", "all_fields", "organizations"],
    "organization_show": ["id", "include_datasets"],
    "group_list": ["sort", "limit", "offset", "all_fields"],
    "group_show": ["id"],
    "tag_list": ["query", "q", "all_fields"],
    "license_list": [],
    "resource_show": ["id"],
    "datastore_search": ["resource_id", "id", "filters", "q", "fields", "sort", "limit", "offset", "records_format",
                         "distinct", "include_total", "plain", "language"],
    "status_show": [],
    "help_show": ["name"],
    "site_read": [],
}

EDGE_INTS = st.sampled_from([-1, 0, 1, 999, 1000, 1001, 32001, 10**6, 10**6 + 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20, 10**30, -(2**63)])
EDGE_TEXT = st.sampled_from(["", " ", "abc", "*:*", "-1", "1e3", "1.5", "true", "null", "[]", "{}", '{"a": 1}', "[1, 2]",
                             "NaN", "Infinity", "name asc", "score desc, name desc", '"', "'", "\\", "\x00", "ID desc",
                             "organization:koen", 'tags:"AED"', " ".join(["公園"] * 1000), "a" * 5000, "9" * 5000,
                             "%", "_id", "区分", "所在地_町字 desc"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), EDGE_INTS, st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=40), EDGE_TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.one_of(st.text(max_size=10), EDGE_TEXT), inner, max_size=4)),
                    max_leaves=12)


def _as_query_value(value):
    return value if isinstance(value, str) else json.dumps(value, allow_nan=True)


@pytest.fixture
def ids(client, demo_catalog):
    found = client.get("/api/3/action/package_show", {"id": "aed-locations"}).json()["result"]
    return {"resource": found["resources"][0]["id"], "package": found["id"]}


def _check(response):
    assert response.status_code in (200, 400, 404, 409), (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) >= {"help", "success"} and isinstance(body["success"], bool)
    if body["success"]:
        assert response.status_code == 200 and "result" in body
    else:
        assert response.status_code != 200 and isinstance(body["error"], dict) and body["error"].get("__type")


@pytest.mark.parametrize("action", sorted(ACTIONS))
@settings(max_examples=100, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_ckan_action_never_answers_5xx(client, ids, action, data):
    names = ACTIONS[action] + ["unknown_param"]
    values = st.one_of(JSON, st.sampled_from([ids["resource"], ids["package"], "aed-locations", "koen", "facilities", "AED"]))
    if data.draw(st.booleans(), label="post"):
        body = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=len(names)), label="body")
        response = client.post(f"/api/3/action/{action}", data=json.dumps(body, allow_nan=True), content_type="application/json")
    else:
        pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), values.map(_as_query_value)), max_size=6), label="query")
        query = {}
        for key, value in pairs:
            query.setdefault(key, []).append(value.replace("\x00", ""))
        response = client.get(f"/api/3/action/{action}", query)
    _check(response)


@pytest.mark.parametrize("body", [
    "[]", "1", '"x"', "null", '{"rows": "abc"}', '{"q": {}}', '{"fq": []}', '{"rows": 1e400}', '{"start": 9223372036854775808}',
])
def test_ckan_post_bodies_of_wrong_shape(client, demo_catalog, body):
    _check(client.post("/api/3/action/package_search", data=body, content_type="application/json"))


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_public_pages_never_answer_5xx(client, ids, data):
    """The HTML catalog, resource page and DCAT feeds with arbitrary query parameters (repeated ones included)."""
    from django.urls import reverse

    url = data.draw(st.sampled_from([reverse("opendata:resource", args=["aed-locations", ids["resource"]]), reverse("opendata:catalog"),
                                     "/catalog.jsonld", "/data.json"]), label="url")
    names = ["page", "q", "chart", "organization", "tags", "res_format", "groups", "license_id", "sort", "modified_since"]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), JSON.map(_as_query_value)), max_size=5), label="query")
    query = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value.replace("\x00", ""))
    response = client.get(url, query)
    assert response.status_code in (200, 400, 404), (response.status_code, url, query)

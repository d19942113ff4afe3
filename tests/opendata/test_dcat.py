"""DCAT-AP (JSON-LD, Turtle, RDF/XML) with Hydra paging and modified_since, and DCAT-US data.json."""

import json
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.django_db


def test_catalog_jsonld_lists_datasets_with_distributions_and_paging(client, demo_catalog):
    response = client.get("/catalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    graph = json.loads(response.content)["@graph"]
    datasets = [n for n in graph if "dcat:Dataset" in n.get("@type", [])]
    assert len(datasets) == 8
    aed = next(d for d in datasets if d["@id"].endswith("/opendata/dataset/aed-locations/"))
    assert {"@value": "AED設置箇所一覧", "@language": "ja"} in aed["dct:title"]
    assert aed["dct:accrualPeriodicity"]["@id"].endswith("/frequency/ANNUAL")
    distributions = [n for n in graph if "dcat:Distribution" in n.get("@type", [])]
    assert all("dcat:downloadURL" in d and "dct:license" in d for d in distributions)
    paging = next(n for n in graph if "hydra:PagedCollection" in n.get("@type", []))
    assert paging["hydra:totalItems"]["@value"] == "8" and "hydra:nextPage" not in paging


def test_catalog_pages_hold_100_and_link_to_the_next(client, make_dataset, monkeypatch):
    from smartkoto.opendata import dcat

    monkeypatch.setattr(dcat, "PAGE_SIZE", 2)
    for i in range(5):
        make_dataset(f"d{i}")
    graph = json.loads(client.get("/catalog.jsonld?page=2").content)["@graph"]
    paging = next(n for n in graph if "hydra:PagedCollection" in n.get("@type", []))
    assert paging["hydra:nextPage"].endswith("page=3") and paging["hydra:previousPage"].endswith("page=1")
    assert paging["hydra:lastPage"].endswith("page=3")
    assert len([n for n in graph if "dcat:Dataset" in n.get("@type", [])]) == 2


def test_modified_since_filters(client, make_dataset):
    from django.utils import timezone

    from smartkoto.opendata.models import Dataset

    make_dataset("old-one")
    make_dataset("new-one")
    Dataset.objects.filter(name="old-one").update(modified=timezone.now() - timezone.timedelta(days=30))
    since = (timezone.now() - timezone.timedelta(days=1)).date().isoformat()
    text = client.get(f"/catalog.ttl?modified_since={since}").content.decode()
    assert "new-one" in text and "old-one" not in text
    assert client.get("/catalog.ttl?modified_since=yesterday").status_code == 400


def test_turtle_and_rdfxml_are_well_formed(client, demo_catalog):
    turtle = client.get("/dataset/aed-locations.ttl")
    assert turtle["Content-Type"].startswith("text/turtle")
    text = turtle.content.decode()
    assert "a dcat:Dataset" in text and 'dct:title "AED設置箇所一覧"@ja' in text and "spdx:checksumValue" in text
    rdf = client.get("/catalog.rdf")
    root = ElementTree.fromstring(rdf.content)
    assert root.tag == "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
    assert client.get("/dataset/nothing.ttl").status_code == 404
    assert client.get("/dataset/aed-locations.xyz").status_code == 404


def test_turtle_parses_with_a_strict_reader_if_available(client, demo_catalog):
    rdflib = pytest.importorskip("rdflib")
    graph = rdflib.Graph().parse(data=client.get("/catalog.ttl").content.decode(), format="turtle")
    assert len(graph) > 100


def test_data_json_is_dcat_us_1_1(client, demo_catalog):
    body = client.get("/data.json").json()
    assert body["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    entry = next(d for d in body["dataset"] if d["title"] == "AED設置箇所一覧")
    for key in ("title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier", "accessLevel"):
        assert key in entry, key
    assert entry["accessLevel"] == "public" and entry["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert entry["distribution"][0]["mediaType"] == "text/csv" and entry["accrualPeriodicity"] == "R/P1Y"


def test_feeds_are_in_the_openapi_document_and_catalog_is_in_the_navigation(client):
    paths = client.get("/api/schema").json()["paths"]
    assert {"/catalog.jsonld", "/catalog.ttl", "/dataset/{id}.jsonld", "/data.json", "/api/3/action/{action}"} <= set(paths)
    home = client.get("/").content.decode()
    assert 'href="/opendata/"' in home

"""Contract: the unmodified ckanapi client (CLI and library) against the running server.

These run ckanapi exactly as a civic developer would: `ckanapi action …` and `RemoteCKAN(url)`.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]

CKANAPI = shutil.which("ckanapi") or str(Path(sys.executable).with_name("ckanapi"))


@pytest.fixture
def ckan_site(site, koto):
    from smartkoto.opendata import demo

    demo.load()
    return site


def cli(site, *args):
    done = subprocess.run([CKANAPI, *args, "-r", site], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_lists_shows_and_searches_to_the_end(ckan_site):
    names = json.loads(cli(ckan_site, "action", "package_list"))
    assert "aed-locations" in names and len(names) == 8
    shown = json.loads(cli(ckan_site, "action", "package_show", "id=aed-locations"))
    assert shown["title"] == "AED設置箇所一覧" and shown["organization"]["name"] == "seikatsu-eisei"
    # Without rows=, `ckanapi search datasets` pages through package_search until a page comes back
    # empty (start=8 must give results: []); with rows= it fetches that one page only.
    lines = [json.loads(line) for line in cli(ckan_site, "search", "datasets").splitlines() if line.strip()]
    one_page = [line for line in cli(ckan_site, "search", "datasets", "rows=3", "start=6").splitlines() if line.strip()]
    assert len(one_page) == 2
    assert sorted(p["name"] for p in lines) == names


def test_cli_get_only_mode_and_datastore_search_with_filters_and_sort(ckan_site):
    shown = json.loads(cli(ckan_site, "action", "package_show", "id=public-toilets", "-g"))
    resource_id = shown["resources"][0]["id"]
    result = json.loads(cli(ckan_site, "action", "datastore_search", f"resource_id={resource_id}",
                            'filters:{"所在地_町字": "清澄2丁目"}', "sort=ID desc", "limit:2"))
    assert result["total"] >= 1 and all(r["所在地_町字"] == "清澄2丁目" for r in result["records"])
    ids = [r["ID"] for r in result["records"]]
    assert ids == sorted(ids, reverse=True)


def test_cli_reports_missing_dataset(ckan_site):
    done = subprocess.run([CKANAPI, "action", "package_show", "id=no-such-dataset", "-r", ckan_site],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "NotFound" in (done.stdout + done.stderr)


def test_library_search_paging_show_and_datastore(ckan_site):
    from ckanapi import NotFound, RemoteCKAN, ValidationError

    for get_only in (False, True):
        with RemoteCKAN(ckan_site, get_only=get_only) as ckan:
            names = ckan.action.package_list()
            seen, start = [], 0
            while True:
                page = ckan.action.package_search(q="", rows=3, start=start, sort="name asc")
                if not page["results"]:
                    break
                seen += [p["name"] for p in page["results"]]
                start += 3
            assert seen == sorted(names) and page["count"] == len(names)
            facets = ckan.action.package_search(**{"facet.field": json.dumps(["organization", "tags"]), "rows": 0})["search_facets"]
            assert any(item["name"] == "koen" for item in facets["organization"]["items"])
            aed = ckan.action.package_show(id="aed-locations")
            resource = aed["resources"][0]
            assert ckan.action.resource_show(id=resource["id"])["datastore_active"] is True
            if not get_only:  # a JSON object travels in a POST body; GET sends it as a JSON string
                filters = {"所在地_町字": ["有明1丁目", "有明2丁目"]}
            else:
                filters = json.dumps({"所在地_町字": ["有明1丁目", "有明2丁目"]})
            rows = ckan.action.datastore_search(resource_id=resource["id"], filters=filters, sort="ID desc", limit=3)
            assert rows["total"] == 4 and [r["ID"] for r in rows["records"]] == ["131083700004", "131083700003", "131083700002"]
            assert "koen" in ckan.action.organization_list()
            assert ckan.action.status_show()["locale_default"] == "ja"
            with pytest.raises(NotFound):
                ckan.action.package_show(id="no-such-dataset")
            with pytest.raises(ValidationError):
                ckan.action.datastore_search(resource_id=resource["id"], sort="無い列")

"""The page cache for anonymous visitors (core/pagecache.py, ADR 0007): hits skip the view and keep every header,
a change to what a page shows is visible on the next request (also in another process), and nothing personal,
signed-in or CSRF-bearing is ever kept."""

import tempfile
import urllib.request

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from smartkoto.core import pagecache
from smartkoto.core.actor import Actor
from smartkoto.core.http import mark_private
from tests.opendata.conftest import make_dataset  # noqa: F401  (a fixture)

SYSTEM = Actor.system("tests")


@pytest.fixture(autouse=True)
def _fresh_memos():
    pagecache.reset()
    yield
    pagecache.reset()


@pytest.fixture
def catalog(koto):
    from smartkoto.lifeevents import demo as lifeevents_demo
    from smartkoto.procedures import demo as procedures_demo

    procedures_demo.load()
    lifeevents_demo.load()


def get(client, url, data=None, **kwargs):
    """(response, number of queries it took): a hit takes none (the test store is in memory)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data, **kwargs)
    return response, len(queries)


def headers(response):
    return {name: value for name, value in response.items() if name != "X-Request-ID"}


# -- hits and misses ------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/en/", "/procedures/", "/procedures/?q=住民", "/procedures/juminhyo/",
                                 "/en/procedures/juminhyo/", "/life-events/", "/api/procedures/", "/api/schema"])
def test_a_second_anonymous_request_is_a_hit_with_the_same_headers(client, catalog, url):
    miss, miss_queries = get(client, url)
    hit, hit_queries = get(client, url)
    assert miss.status_code == hit.status_code == 200
    assert miss_queries > 0 and hit_queries == 0
    assert hit.content == miss.content
    assert headers(hit) == headers(miss)
    for name in ("Content-Security-Policy", "Content-Language", "ETag", "X-Frame-Options", "X-Content-Type-Options"):
        assert hit.has_header(name), name


@pytest.mark.django_db
def test_open_data_pages_and_ckan_reads_are_hits(client, demo_catalog_loaded):
    name = demo_catalog_loaded
    for url in ["/opendata/", f"/opendata/dataset/{name}/", "/api/3/action/package_search?q=AED",
                f"/api/3/action/package_show?id={name}"]:
        miss, miss_queries = get(client, url)
        hit, hit_queries = get(client, url)
        assert miss.status_code == hit.status_code == 200, url
        assert miss_queries > 0 and hit_queries == 0, url
        assert hit.content == miss.content


@pytest.fixture
def demo_catalog_loaded(koto):
    from smartkoto.opendata import demo
    from smartkoto.opendata.models import Dataset

    demo.load()
    return Dataset.objects.filter(state=Dataset.State.PUBLISHED).order_by("name").first().name


@pytest.mark.django_db
def test_a_matching_etag_gets_304_from_the_cache(client, catalog):
    first = client.get("/procedures/")
    response, queries = get(client, "/procedures/", headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304 and queries == 0
    assert response["ETag"] == first["ETag"]


@pytest.mark.django_db
def test_languages_are_kept_apart(client, catalog):
    for _round in range(2):
        ja, en = client.get("/procedures/"), client.get("/en/procedures/")
        assert ja["Content-Language"] == "ja" and en["Content-Language"] == "en"
        assert '<html lang="ja">' in ja.content.decode() and '<html lang="en">' in en.content.decode()


@pytest.mark.django_db
def test_each_search_is_its_own_page(client, catalog):
    all_procedures = client.get("/procedures/").content
    searched = client.get("/procedures/", {"q": "住民票"}).content
    assert searched != all_procedures
    assert client.get("/procedures/", {"q": "住民票"}).content == searched


# -- a change shows on the next request -------------------------------------------------------------------
@pytest.mark.django_db
def test_a_procedure_change_shows_on_the_next_request(client, catalog):
    from smartkoto.procedures import queries, services

    get(client, "/procedures/")
    assert get(client, "/procedures/")[1] == 0
    procedure = queries.get("juminhyo")
    procedure.name = {"ja": "住民票の写しの請求（新）", "en": "Certificate of residence (new)"}
    services.save_procedure(procedure, actor=SYSTEM)
    response, queries_used = get(client, "/procedures/")
    assert queries_used > 0 and "住民票の写しの請求（新）" in response.content.decode()
    assert "Certificate of residence (new)" in client.get("/en/procedures/juminhyo/").content.decode()


@pytest.mark.django_db
def test_unpublishing_a_procedure_takes_it_off_the_api_at_once(client, catalog):
    from smartkoto.procedures import queries, services

    assert "juminhyo" in client.get("/api/procedures/").content.decode()
    procedure = queries.get("juminhyo")
    procedure.published = False
    services.save_procedure(procedure, actor=SYSTEM)
    assert '"juminhyo"' not in client.get("/api/procedures/").content.decode()


@pytest.mark.django_db
def test_publishing_a_form_version_bumps_the_procedure_pages(client, catalog):
    from smartkoto.procedures import queries, services

    before = pagecache.versions(["procedures"])
    procedure = queries.get("juminhyo")
    services.create_published(procedure, procedure.live_version().definition, actor=SYSTEM)
    assert pagecache.versions(["procedures"]) != before


@pytest.mark.django_db
def test_a_dataset_published_shows_in_the_catalog_next_request(client, make_dataset):
    from smartkoto.opendata import services
    from smartkoto.opendata.models import Dataset

    dataset, _resource = make_dataset("cache-test-data", publish=False, title=("キャッシュ試験", "Cache test"))
    assert "キャッシュ試験" not in client.get("/opendata/").content.decode()
    assert "cache-test-data" not in client.get("/api/3/action/package_list").content.decode()
    services.set_state(dataset, Dataset.State.PUBLISHED, actor=SYSTEM)
    assert "キャッシュ試験" in client.get("/opendata/").content.decode()
    assert "cache-test-data" in client.get("/api/3/action/package_list").content.decode()


@pytest.mark.django_db
def test_a_life_event_edited_in_admin_shows_next_request(client, catalog):
    from smartkoto.lifeevents.models import LifeEvent

    client.get("/life-events/")
    event = LifeEvent.objects.order_by("order").first()
    event.name = {**event.name, "ja": "改名した手続きの入口"}
    event.save()  # what the admin's change form does
    assert "改名した手続きの入口" in client.get("/life-events/").content.decode()


@pytest.mark.django_db
def test_the_municipality_profile_shows_on_every_page_next_request(client, catalog):
    from smartkoto.municipality.models import Municipality

    for url in ("/", "/procedures/juminhyo/", "/api/schema"):
        client.get(url)
    profile = Municipality.objects.get()
    profile.phone = "03-0000-1234"
    profile.save()
    for url in ("/", "/procedures/juminhyo/"):
        assert "03-0000-1234" in client.get(url).content.decode(), url


@pytest.mark.django_db
def test_a_profile_changed_by_another_process_is_not_rendered_from_this_process_copy(client, catalog):
    from smartkoto.municipality.models import Municipality

    assert client.get("/").status_code == 200  # this process now remembers the profile (municipality.queries)
    # Another process: the row changes without this process's save signal, then its commit bumps the topic.
    Municipality.objects.update(phone="03-0000-5678")
    pagecache.bump("municipality")
    assert "03-0000-5678" in client.get("/procedures/juminhyo/").content.decode()


@pytest.mark.django_db
def test_a_bump_inside_a_transaction_that_rolls_back_is_harmless(client, catalog):
    from django.db import transaction

    client.get("/procedures/")
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache.bump("procedures")
        raise RuntimeError
    response = client.get("/procedures/")
    assert response.status_code == 200


# -- never cached -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_signed_in_residents_are_never_served_or_stored(resident_client, catalog, client):
    resident_client.get("/procedures/")
    assert get(resident_client, "/procedures/")[1] > 0
    # nor did the signed-in page land in the cache for the next anonymous visitor
    assert get(client, "/procedures/")[1] > 0


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", [settings.SESSION_COOKIE_NAME, "messages"])
def test_a_session_or_message_cookie_bypasses_the_cache(client, catalog, cookie):
    client.get("/procedures/")
    client.cookies[cookie] = "x"
    assert get(client, "/procedures/")[1] > 0


@pytest.mark.django_db
def test_a_service_token_request_bypasses_the_cache(client, catalog):
    client.get("/api/procedures/")
    assert get(client, "/api/procedures/", headers={"authorization": "Bearer nothing"})[1] > 0


@pytest.mark.django_db
def test_a_page_that_used_a_csrf_token_is_not_stored(client, catalog):
    from smartkoto.lifeevents.models import LifeEvent

    url = f"/life-events/{LifeEvent.objects.order_by('order').first().code}/"
    first = client.get(url)
    assert first.status_code == 200 and "csrfmiddlewaretoken" in first.content.decode()
    assert get(client, url)[1] > 0


@pytest.mark.django_db
def test_undeclared_query_parameters_posts_and_404s_are_not_cached(client, catalog):
    client.get("/procedures/?utm=1")
    assert get(client, "/procedures/?utm=1")[1] > 0
    client.get("/procedures/no-such-procedure/")
    response, queries = get(client, "/procedures/no-such-procedure/")
    assert response.status_code == 404 and queries > 0
    client.get("/api/3/action/package_search")
    assert get(client, "/api/3/action/package_search", {"q": "AED"})[1] > 0  # another search, another copy
    post = client.post("/api/3/action/package_search", {"q": "AED"})
    assert post.status_code == 200
    assert get(client, "/api/3/action/package_search")[1] == 0  # the POST neither read nor replaced the copy


@pytest.mark.django_db
def test_head_reads_copies_but_never_stores_them(client, catalog):
    head, queries = get_head(client, "/procedures/juminhyo/")
    assert head.status_code == 200 and queries > 0
    assert get(client, "/procedures/juminhyo/")[1] > 0  # the HEAD stored nothing
    head, queries = get_head(client, "/procedures/juminhyo/")
    assert head.status_code == 200 and queries == 0 and head["ETag"]


def get_head(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.head(url)
    return response, len(queries)


@pytest.mark.django_db
def test_a_ckan_action_not_listed_is_not_cached(client, catalog):
    assert pagecache.plan_for("/api/3/action/help_show", "ja") is None
    assert pagecache.plan_for("/api/3/action/package_search", "ja") is not None


def test_responses_that_set_cookies_are_private_or_not_200_are_refused():
    request = RequestFactory().get("/procedures/")
    assert pagecache.storable(request, HttpResponse("ok"))
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("sessionid", "x")
    assert not pagecache.storable(request, with_cookie)
    assert not pagecache.storable(request, mark_private(HttpResponse("ok")))
    assert not pagecache.storable(request, HttpResponse("moved", status=302))
    assert not pagecache.storable(request, HttpResponse("gone", status=404))
    request.META["CSRF_COOKIE_USED"] = True
    assert not pagecache.storable(request, HttpResponse("ok"))


@pytest.mark.django_db
def test_private_pages_are_never_listed(client, catalog):
    """No rule names a private_page view (a cached copy of personal data would reach the next visitor)."""
    from django.urls import get_resolver

    private = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif getattr(pattern.callback, "private_page", False) or getattr(getattr(pattern.callback, "view_class", None), "private_page", False):
                private.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    assert private and not private & set(pagecache.rules())


# -- live pages ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_live_pages_are_kept_seconds_and_keep_their_etag(client, koto, settings, monkeypatch):
    from smartkoto.counters import demo as counters_demo

    counters_demo.load()
    store, timeouts = caches["pages"], []
    original = store.set
    monkeypatch.setattr(store, "set", lambda key, value, timeout, **kw: (timeouts.append(timeout), original(key, value, timeout, **kw)))
    url = "/api/counters/offices/honchosha/status"
    first = client.get(url)
    assert timeouts == [settings.PAGE_CACHE_LIVE_SECONDS]
    assert first["Cache-Control"] == "no-cache" and first["ETag"].startswith('W/"q')
    response, queries = get(client, url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304 and queries == 0
    assert response["ETag"] == first["ETag"] and response["Cache-Control"] == "no-cache"
    client.get("/procedures/")
    assert timeouts[-1] == settings.PAGE_CACHE_SECONDS  # published content: kept until a version changes


@pytest.mark.django_db
def test_a_queue_change_shows_on_the_congestion_page_next_request(client, koto):
    from smartkoto.counters import demo as counters_demo
    from smartkoto.counters import queries, services

    counters_demo.load()
    office = queries.office("honchosha", actor=SYSTEM)
    counter_type = queries.counter_types(office, actor=SYSTEM)[0]
    before = client.get("/api/counters/offices/honchosha/status").json()
    services.issue_ticket(counter_type, actor=Actor.anonymous(), kiosk="honchosha")  # at the enrolled lobby kiosk
    after = client.get("/api/counters/offices/honchosha/status").json()
    waiting = {c["code"]: c["waiting"] for c in after["counters"]}
    assert waiting[counter_type.code] == {c["code"]: c["waiting"] for c in before["counters"]}[counter_type.code] + 1


# -- two processes --------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_change_made_here_shows_in_another_process_on_its_next_request(koto, settings):
    """`smartkoto serve` in a subprocess shares only the database (or Redis) with this test process."""
    from django.core.management import call_command

    from smartkoto.procedures import demo as procedures_demo
    from smartkoto.procedures import queries, services
    from tests.crash_server import Server

    if not settings.REDIS_URL:
        call_command("createcachetable", verbosity=0)
        settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                                          "LOCATION": "smartkoto_cache"}}
        settings.PAGE_CACHE_VERSIONS = "default"
        pagecache.reset()
    procedures_demo.load()
    server = Server(tempfile.mkdtemp(prefix="sk-pagecache-"))
    try:
        def catalog():
            with urllib.request.urlopen(server.url + "/api/procedures/", timeout=30) as response:
                return response.read().decode()

        first = catalog()
        assert catalog() == first and "住民票（新名称）" not in first
        procedure = queries.get("juminhyo")
        procedure.name = {"ja": "住民票（新名称）", "en": "Residence certificate (renamed)"}
        services.save_procedure(procedure, actor=SYSTEM)
        assert "住民票（新名称）" in catalog()
    finally:
        server.stop()

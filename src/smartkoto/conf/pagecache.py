"""What the page cache may keep (core/pagecache.py, ADR 0007): one table of cacheable addresses by URL name,
each with the topics its page shows and the query parameters it reads, and one table of the models that feed
each topic. A page that is not listed here is never cached; a listed page is still never cached for a signed-in
visitor, a request with a session or message cookie, or a response that sets a cookie, used a CSRF token or is
marked private.

Every HTML page shows the municipality (header, footer, opening hours), so every rule names that topic.
"""

from smartkoto.core.pagecache import Rule

PAGE = ("municipality",)
PROCEDURES = ("procedures", *PAGE)
OPENDATA = ("opendata", *PAGE)
LIFE_EVENTS = ("lifeevents", "procedures", *PAGE)
COUNTERS = ("counters", *PAGE)

CATALOG_FILTERS = ("q", "department", "life_event", "online")
OPENDATA_FILTERS = ("q", "page", "organization", "groups", "tags", "res_format", "license_id")
CKAN_ACTIONS = ("package_search", "package_show", "package_list", "resource_show", "datastore_search",
                "organization_list", "organization_show", "group_list", "group_show", "tag_list", "license_list",
                "status_show", "current_package_list_with_resources")


def ckan_parameters(kwargs):
    """An action reads the parameters of its own spec (CKAN ignores others; they only make another key)."""
    from smartkoto.opendata.api import SPECS

    return SPECS.get(kwargs.get("name"), {}).keys()


RULES = {
    "core:home": Rule(("procedures", "lifeevents", *PAGE)),
    "core:accessibility": Rule(PAGE),
    "core:privacy": Rule(PAGE),
    "openapi_schema": Rule(PAGE),
    # procedures
    "procedures:catalog": Rule(PROCEDURES, CATALOG_FILTERS),
    "procedures:detail": Rule(PROCEDURES),
    "procedures:online_share": Rule(PROCEDURES),
    "procedures_api:catalog": Rule(PROCEDURES, CATALOG_FILTERS),
    "procedures_api:detail": Rule(PROCEDURES),
    # life events (a page with a form holding a CSRF token is refused when it is rendered)
    "lifeevents:index": Rule(LIFE_EVENTS),
    "lifeevents:questions": Rule(LIFE_EVENTS),
    "lifeevents_api:list": Rule(LIFE_EVENTS),
    "lifeevents_api:detail": Rule(LIFE_EVENTS),
    # open data
    "opendata:catalog": Rule(OPENDATA, OPENDATA_FILTERS),
    "opendata:developers": Rule(OPENDATA),
    "opendata:schemas": Rule(OPENDATA),
    "opendata:schema": Rule(OPENDATA),
    "opendata:dataset": Rule(OPENDATA),
    "opendata:resource": Rule(OPENDATA, ("q", "page", "chart")),
    "opendata_api:action": Rule(OPENDATA, ckan_parameters, only={"name": CKAN_ACTIONS}),
    "opendata_api:action_unversioned": Rule(OPENDATA, ckan_parameters, only={"name": CKAN_ACTIONS}),
    "opendata_api:catalog": Rule(OPENDATA, ("modified_since", "page")),
    "opendata_api:dataset": Rule(OPENDATA),
    "opendata_api:data_json": Rule(OPENDATA),
    # live congestion pages: a copy of a few seconds (PAGE_CACHE_LIVE_SECONDS), their ETag/304 kept
    "counters:index": Rule(COUNTERS, live=True),
    "counters:congestion": Rule(COUNTERS, ("fragment",), live=True),
    "counters:display": Rule(COUNTERS, ("fragment",), live=True),
    "counters_api:offices": Rule(COUNTERS, live=True),
    "counters_api:office_status": Rule(COUNTERS, live=True),
}

# Saving or deleting a row of these models bumps the topics (services, admin and demo loaders alike).
# Queue changes are not listed: live pages are kept only seconds, and the queue moves all day.
TOPICS = {
    "municipality.Municipality": PAGE,
    "municipality.Department": PAGE,
    "municipality.Office": PAGE,
    "municipality.CalendarException": PAGE,
    "procedures.Procedure": ("procedures",),
    "procedures.FormVersion": ("procedures",),
    "opendata.Dataset": ("opendata",),
    "opendata.Resource": ("opendata",),
    "opendata.ResourceFile": ("opendata",),
    "lifeevents.LifeEvent": ("lifeevents",),
    "lifeevents.Question": ("lifeevents",),
    "lifeevents.Rule": ("lifeevents",),
    "counters.CounterType": ("counters",),
}

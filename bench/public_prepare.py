"""Step of bench_public.py run in the measured code's own environment (PYTHONPATH, DATABASE_URL, data folder):
find the open-data dataset and resource the table uses, sign a resident in (a session row in the database the
server reads), and count the database queries of each row's request with Django's test client.

Prints one JSON object: {"paths": {label: path}, "cookie": "sessionid=…", "queries": {label: [first, repeat]},
"status": {label: status}}. Two requests per row: the first may fill caches, the repeat is what load sees.
"""

import json
import os
import sys

ROWS = [
    ("/healthz", "/healthz"),
    ("/", "/"),
    ("/procedures/", "/procedures/"),
    ("/procedures/?q=住民", "/procedures/?q=%E4%BD%8F%E6%B0%91"),
    ("/procedures/juminhyo/", "/procedures/juminhyo/"),
    ("/counters/", "/counters/"),
    ("/opendata/", "/opendata/"),
    ("open-data dataset page", None),
    ("/life-events/", "/life-events/"),
    ("/api/3/action/package_search?q=AED", "/api/3/action/package_search?q=AED"),
    ("/api/3/action/datastore_search (10 rows)", None),
    ("/api/procedures/", "/api/procedures/"),
    ("OpenAPI document (/api/schema)", "/api/schema"),
    ("signed-in resident: /applications/", "/applications/"),
]
SIGNED_IN = "signed-in resident: /applications/"


def resident_session_cookie():
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from smartkoto.identity.models import AssuranceLevel, ResidentProfile, User

    user, created = User.objects.get_or_create(username="bench-resident", defaults={"kind": User.Kind.RESIDENT})
    if created:
        ResidentProfile.objects.create(
            user=user, provider="development", subject="bench-resident", assurance_level=AssuranceLevel.CARD,
            full_name="江東 花子", address="東京都江東区東陽四丁目2番1号", postal_code="135-0016", birth_date="1988-04-12",
            sex="female", facts_source="development", facts_verified_at=timezone.now(), email="bench-resident@example.jp")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkoto.conf.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from smartkoto.opendata.models import Dataset, Resource

    resource = (Resource.objects.filter(datastore_version__isnull=False, dataset__state=Dataset.State.PUBLISHED)
                .select_related("dataset").order_by("dataset__name", "position").first())
    paths = dict(ROWS)
    if resource is None:
        sys.exit("No published open-data resource with a datastore in the demo data.")
    paths["open-data dataset page"] = f"/opendata/dataset/{resource.dataset.name}/"
    paths["/api/3/action/datastore_search (10 rows)"] = f"/api/3/action/datastore_search?resource_id={resource.pk}&limit=10"
    cookie = resident_session_cookie()
    anonymous = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=cookie)
    queries, status = {}, {}
    for label, _path in ROWS:
        client = signed_in if label == SIGNED_IN else anonymous
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(paths[label])
            counts.append(len(captured))
        queries[label], status[label] = counts, response.status_code
    print(json.dumps({"rows": [label for label, _ in ROWS], "paths": paths, "cookie": cookie, "queries": queries,
                      "status": status, "signed_in": SIGNED_IN}))


if __name__ == "__main__":
    main()

"""Issue 11 probe: every URL of appointments, counters and life events (public, staff and API, found with
`django.urls.get_resolver`), asked with odd query strings and odd path dates by an anonymous visitor, a signed-in
resident and a case worker, answers without a server error. Bounded: one GET per URL × query × actor."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

NAMESPACES = {"appointments", "appointments_staff", "appointments_api", "counters", "counters_staff", "counters_api",
              "lifeevents", "lifeevents_staff", "lifeevents_api"}
HUGE = "100000000000000000000"
QUERIES = [
    "",
    "date=9999-12-31&start=9999-12-31&end=9999-12-31&from=9999-12-31&to=9999-12-31&office=honchosha&service=jumin-ido",
    "date=0001-01-01&start=0001-01-01&end=0001-01-01&from=0001-01-01&to=0001-01-01&office=honchosha&service=jumin-ido",
    "date=x&start=x&end=x&from=x&to=x&page=x&office=x&service=x&types=x&window=x&fragment=1&ask=1&route=x&return=check",
    f"page={HUGE}&offset={HUGE}&limit={HUGE}&key=x&done=1&item={HUGE}",
    "date=2026-12-02&date=2026-12-03&office=honchosha&office=kameido&service=jumin-ido&service=x"
    "&start=2026-01-01&start=2026-02-01&end=2026-03-01&end=2026-01-01&from=2026-01-01&from=x&types=ido&types=ido",
    "start=2026-12-31&end=2026-01-01&from=2026-12-31&to=2026-01-01&office=honchosha",
    "start=2000-01-01&end=2026-01-01&from=2000-01-01&to=2026-01-01",
    f"date=99999-01-01&start=-1&end=%00&window={'9' * 500}&office=%FF",
]
ODD_DAYS = ["9999-12-31", "0001-01-01", "x", "99999-01-01", "2026-02-30"]


def routes():
    """(namespace:name, [kwarg names]) of every URL of the three apps."""
    found = []

    def walk(resolver, namespace):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                inner = ":".join(filter(None, [namespace, item.namespace])) if item.namespace else namespace
                walk(item, inner)
            elif isinstance(item, URLPattern) and item.name and namespace in NAMESPACES:
                found.append((f"{namespace}:{item.name}", sorted(getattr(item.pattern, "converters", {}))))

    walk(get_resolver(), None)
    return sorted(set((name, tuple(kwargs)) for name, kwargs in found))


@pytest.fixture
def world(booking_demo, make_resident, make_staff, staff_login):
    """A booking, a ticket, a checklist and a pre-entry to put in the URLs; three clients."""
    from smartkoto.appointments import services as appointments
    from smartkoto.core.actor import Actor
    from smartkoto.counters import demo as counters_demo
    from smartkoto.counters import services as counters
    from smartkoto.counters.models import CounterType
    from smartkoto.lifeevents import demo as lifeevents_demo
    from smartkoto.lifeevents.models import Checklist, PreEntry
    from smartkoto.procedures import demo as procedures_demo

    procedures_demo.load()
    lifeevents_demo.load()
    from smartkoto.municipality.models import Office

    office = Office.objects.get(code="honchosha")
    for order, (code, prefix, ja, en, dept, minutes) in enumerate(counters_demo.MAIN):
        CounterType.objects.update_or_create(office=office, code=code, defaults={
            "prefix": prefix, "name": {"ja": ja, "en": en}, "department_code": dept,
            "default_service_minutes": minutes, "order": order})
    ticket = counters.issue_ticket(CounterType.objects.get(office=office, code="ido"), actor=Actor.anonymous(), kiosk="honchosha")

    resident = Client(raise_request_exception=False)
    resident.force_login(make_resident())
    day = appointments.today() + timedelta(days=1)
    while not appointments.slot_times(appointments_service(), office, day):
        day += timedelta(days=1)
    day_url = reverse("appointments:day", args=["jumin-ido", "honchosha", day.isoformat()])
    key = re.findall(r'name="slot" value="(t?\d+)"', resident.get(day_url).content.decode())[0]
    reference = resident.post(day_url, {"slot": key, "key": "probe"})["Location"].rstrip("/").split("/")[-2]
    resident.post(reverse("lifeevents:questions", args=["tennyu"]), {
        "event_date": "2026-04-01", "household": "3", "has_child": "yes", "nursery": "yes", "insurance": "kokuho",
        "has_dog": "no", "bicycle": "no"})
    checklist = Checklist.objects.get()
    resident.post(reverse("lifeevents:pre_entry_start", args=["tennyu"]), {"checklist": str(checklist.public_id)})
    entry = PreEntry.objects.get()

    worker = staff_login(Client(raise_request_exception=False), make_staff())
    return {"clients": {"anonymous": Client(raise_request_exception=False), "resident": resident, "case worker": worker},
            "reference": reference, "token": ticket.token, "checklist": checklist.public_id, "entry": entry.public_id,
            "day": day.isoformat()}


def appointments_service():
    from smartkoto.appointments.models import Service

    return Service.objects.get(code="jumin-ido")


def kwargs_for(name, kwarg_names, world):
    values = {"code": "tennyu" if name.startswith("lifeevents") else "jumin-ido", "office_code": "honchosha",
              "office": "honchosha", "day": world["day"], "reference": world["reference"], "token": world["token"],
              "item_id": 1, "key": "shared", "step_id": "applicant", "slug": "tennyu"}
    if "public_id" in kwarg_names:
        if "entr" in name or "pre_entry" in name:
            values["public_id"] = world["entry"]
        elif "bundle" in name and "start_bundle" not in name:
            values["public_id"] = uuid.uuid4()
        else:
            values["public_id"] = world["checklist"]
    return {k: values[k] for k in kwarg_names}


def test_every_url_of_the_three_apps_answers_odd_queries_without_a_server_error(world):
    found = routes()
    assert len(found) >= 40 and any(n == "appointments_api:availability" for n, _k in found)
    failures, asked = [], 0
    for name, kwarg_names in found:
        kwargs = kwargs_for(name, kwarg_names, world)
        with translation.override("ja"):
            urls = [reverse(name, kwargs=kwargs)]
            if "day" in kwarg_names:
                urls += [reverse(name, kwargs={**kwargs, "day": odd}) for odd in ODD_DAYS]
        for who, client in world["clients"].items():
            for url in urls:
                for query in QUERIES if url == urls[0] else [""]:
                    response = client.get(f"{url}?{query}" if query else url)
                    asked += 1
                    if response.status_code >= 500:
                        failures.append(f"{response.status_code} {who} GET {url}?{query}")
    print(f"probe: {len(found)} URLs, {asked} requests, {len(failures)} server errors")
    assert asked > 1000
    assert not failures, "\n".join(failures)

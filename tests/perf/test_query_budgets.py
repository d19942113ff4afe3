"""Query budgets: no list issues a number of queries that grows with the number of items.

Each test renders its lists with a few items, grows the items (to about 200), renders them again, and asserts
the second rendering took no more queries than the first and at most `BUDGET`. Every measurement starts cold:
the cache and the per-process memos are emptied first, so a memo or a page cache cannot hide an N+1.
How to add a list: docs/developing.md, "Query budgets".
"""

import copy
import itertools
import uuid
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

BUDGET = 10
GROWN = 200
# Pages allowed more than BUDGET, each for a fixed reason that does not grow with the items.
ALLOWANCE = {
    "/payments/": (25, "asks the payment provider about the 3 newest open payments (views.public.LIST_POLLS)"),
    "/staff/appointments/day/": (14, "writes its audit record (4 statements) before reading the day"),
    "/staff/counters/": (12, "the clerk's desk: the ticket at the window, who waits and who was missed, and the summaries"),
}


def budget_for(url):
    return next((allowed for prefix, (allowed, _why) in ALLOWANCE.items() if url.startswith(prefix)), BUDGET)


# -- data once per module ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The Koto demo data, loaded once for the module inside a transaction rolled back at its end."""
    from django.db import transaction

    from smartkoto import demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.load(force=True)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def data(demo_data, db):
    """Each test's own changes are rolled back (a savepoint inside the module's transaction)."""


def clone(obj, count, **changes):
    """`count` copies of a model row, saved in one bulk insert. `changes` maps a field to `f(i)` (unique fields
    without a default must be given); unique fields with a default (UUIDs) get a fresh one."""
    model = type(obj)
    rows = []
    for i in range(count):
        row = copy.copy(obj)
        row._state = copy.copy(obj._state)
        row._state.adding = True
        row._state.fields_cache = {}
        for field in model._meta.concrete_fields:
            if field.primary_key:
                setattr(row, field.attname, None)
            elif field.unique and field.has_default():
                setattr(row, field.attname, field.get_default())
        for name, make in changes.items():
            setattr(row, name, make(i))
        rows.append(row)
    return model.objects.bulk_create(rows)


# -- measuring --------------------------------------------------------------------------------------
def _cold():
    from django.core.cache import cache

    from smartkoto.counters import queries as counters
    from smartkoto.municipality import queries as municipality

    cache.clear()
    municipality.forget()
    counters.forget()


def queries_for(client, url, *, cold=True):
    """The queries of one GET of `url`, after emptying the cache (and, when `cold`, the per-process memos)."""
    from django.core.cache import cache

    if cold:
        _cold()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    # Savepoints around an audit record are transaction control, not reads: not counted.
    sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    return len(sql), sql


def measure(client, urls):
    return {url: queries_for(client, url) for url in urls}


def assert_flat(client, before, after):
    """Same lists, more items: no more queries than with few items (both measured cold), and within `BUDGET`
    once the per-process memos (municipality profile, service times) are warm, as they are in a running site."""
    problems, shown = [], []
    for url, (count, sql) in after.items():
        small = before[url][0]
        warm, warm_sql = queries_for(client, url, cold=False)
        if count > small:
            problems.append(f"{url}: {small} queries with few items, {count} with many")
            shown.append((url, sql))
        if warm > budget_for(url):
            problems.append(f"{url}: {warm} queries with many items (budget {budget_for(url)})")
            shown.append((url, warm_sql))
    if problems:
        details = []
        for url, sql in shown:
            seen = Counter(statement[:160] for statement in sql)
            details.append(f"--- {url}\n" + "\n".join(f"{n:4d} x {statement}" for statement, n in seen.most_common()))
        pytest.fail("\n".join(problems) + "\n" + "\n".join(details))


@pytest.fixture
def staff(client, make_staff, staff_login):
    """A signed-in staff client with a given role in a department."""

    def sign_in(role="case_worker", department="kumin"):
        user = make_staff(f"budget-{role}-{department}-{uuid.uuid4().hex[:6]}", department, role)
        staff_login(client, user)
        return client

    return sign_in


# -- counters ---------------------------------------------------------------------------------------
_queue_numbers = itertools.count()


def _grow_counters(queues_per_office, tickets_per_queue):
    from datetime import timedelta

    from django.utils import timezone

    from smartkoto.counters import queries
    from smartkoto.counters.models import CounterType, Ticket
    from smartkoto.municipality import queries as municipality

    day, now = queries.today(), timezone.now()
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    made = []
    for office in municipality.offices():
        template = CounterType.objects.filter(office=office).first()
        if template is None:
            continue
        numbers = [next(_queue_numbers) for _ in range(queues_per_office)]
        made += clone(template, queues_per_office, code=lambda i: f"budget-{numbers[i]}",
                      prefix=lambda i: letters[numbers[i] // 24 % 24] + letters[numbers[i] % 24], order=lambda i: 500 + numbers[i])
    statuses = [Ticket.Status.WAITING, Ticket.Status.WAITING, Ticket.Status.CALLED, Ticket.Status.SERVED]
    tickets = []
    for ct in made:
        for i in range(tickets_per_queue):
            status = statuses[i % len(statuses)]
            tickets.append(Ticket(
                office_id=ct.office_id, counter_type=ct, issued_on=day, number=i + 1, display=f"{ct.prefix}-{i + 1}",
                status=status, issued_at=now - timedelta(minutes=30), waiting_since=now - timedelta(minutes=30),
                window="3" if status != Ticket.Status.WAITING else "",
                called_at=now - timedelta(minutes=10) if status != Ticket.Status.WAITING else None,
                first_called_at=now - timedelta(minutes=10) if status != Ticket.Status.WAITING else None,
                serving_at=now - timedelta(minutes=8) if status == Ticket.Status.SERVED else None,
                finished_at=now - timedelta(minutes=2) if status == Ticket.Status.SERVED else None))
    Ticket.objects.bulk_create(tickets)


def _office_code():
    from smartkoto.counters.models import CounterType

    return CounterType.objects.filter(active=True).values_list("office__code", flat=True).first()


def test_congestion_pages_and_api_do_not_grow_with_queues_or_tickets(data, client):
    office = _office_code()
    urls = ["/counters/", f"/counters/{office}/", f"/counters/{office}/?fragment=1", f"/counters/{office}/display/",
            "/api/counters/offices", f"/api/counters/offices/{office}/status"]
    _grow_counters(queues_per_office=2, tickets_per_queue=4)
    before = measure(client, urls)
    _grow_counters(queues_per_office=20, tickets_per_queue=10)
    assert_flat(client, before, measure(client, urls))


def test_staff_desk_and_counters_home_do_not_grow_with_tickets(data, staff):
    from smartkoto.counters.models import CounterType

    ct = CounterType.objects.filter(active=True).select_related("office").first()
    client = staff("counter_clerk", ct.department_code)
    urls = ["/staff/counters/", f"/staff/counters/{ct.office.code}/desk/"]
    _grow_counters(queues_per_office=1, tickets_per_queue=4)
    before = measure(client, urls)
    _grow_counters(queues_per_office=1, tickets_per_queue=GROWN)
    assert_flat(client, before, measure(client, urls))


# -- procedures -------------------------------------------------------------------------------------
def _grow_procedures(count):
    from smartkoto.procedures.models import FormVersion, Procedure

    template = Procedure.objects.filter(published=True, slug="juminhyo").first() or Procedure.objects.filter(published=True).first()
    live = template.live_version()
    start = Procedure.objects.filter(slug__startswith="budget-").count()
    made = clone(template, count, slug=lambda i: f"budget-{start + i}")
    if live is not None:
        for procedure in made:
            clone(live, 1, procedure_id=lambda i, p=procedure: p.pk)
    return template


def test_catalog_search_and_api_do_not_grow_with_procedures(data, client):
    from smartkoto.core.i18n import tr

    template = _grow_procedures(5)
    word = tr(template.name, "ja")[:2]
    urls = ["/procedures/", f"/procedures/?q={word}", "/en/procedures/", "/procedures/?online=online",
            "/api/procedures/", f"/api/procedures/?q={word}", f"/procedures/{template.slug}/", f"/api/procedures/{template.slug}",
            "/procedures/online-share/"]
    before = measure(client, urls)
    _grow_procedures(GROWN)
    assert_flat(client, before, measure(client, urls))


def test_catalog_signed_in_does_not_grow_with_procedures(data, resident_client):
    _grow_procedures(5)
    urls = ["/procedures/", "/api/procedures/"]
    before = measure(resident_client, urls)
    _grow_procedures(GROWN)
    assert_flat(resident_client, before, measure(resident_client, urls))


def test_procedure_builder_list_does_not_grow_with_procedures(data, staff):
    client = staff("dx_admin", "kumin")
    _grow_procedures(5)
    before = measure(client, ["/staff/procedures/"])
    _grow_procedures(GROWN)
    assert_flat(client, before, measure(client, ["/staff/procedures/"]))


# -- open data --------------------------------------------------------------------------------------
def _grow_datasets(count, resources_each=2):
    from smartkoto.opendata.models import Dataset, Resource

    template = Dataset.objects.filter(state="active").first()
    resources = list(Resource.objects.filter(dataset=template)[:resources_each])
    start = Dataset.objects.filter(name__startswith="budget-").count()
    made = clone(template, count, name=lambda i: f"budget-{start + i}")
    for dataset in made:
        for resource in resources:
            clone(resource, 1, dataset_id=lambda i, d=dataset: d.pk)
    return template


def _grow_resources(dataset, count):
    from smartkoto.opendata.models import Resource

    template = Resource.objects.filter(dataset=dataset).first()
    clone(template, count, position=lambda i: 1000 + i)


def test_open_data_lists_ckan_and_dcat_do_not_grow_with_datasets(data, client):
    from smartkoto.opendata.models import Resource

    template = _grow_datasets(5)
    resource = Resource.objects.filter(datastore_version__isnull=False).select_related("dataset").first()
    urls = ["/opendata/", "/opendata/?q=AED", "/en/opendata/", f"/opendata/dataset/{template.name}/",
            "/api/3/action/package_search", "/api/3/action/package_search?q=AED", "/api/3/action/package_search?rows=1000",
            "/api/3/action/package_list", "/api/3/action/current_package_list_with_resources",
            "/api/3/action/organization_list?all_fields=true", "/api/3/action/group_list?all_fields=true",
            "/api/3/action/tag_list", f"/api/3/action/package_show?id={template.name}",
            f"/api/3/action/datastore_search?resource_id={resource.pk}&limit=10",
            f"/opendata/dataset/{resource.dataset.name}/resource/{resource.pk}/",
            "/catalog.jsonld", "/catalog.ttl", "/data.json", f"/dataset/{template.name}.jsonld"]
    before = measure(client, urls)
    _grow_datasets(GROWN // 2)
    _grow_resources(template, 50)
    assert_flat(client, before, measure(client, urls))


def test_open_data_staff_list_does_not_grow_with_datasets(data, staff):
    client = staff("dx_admin", "kumin")
    _grow_datasets(5)
    before = measure(client, ["/staff/opendata/"])
    _grow_datasets(GROWN // 2)
    assert_flat(client, before, measure(client, ["/staff/opendata/"]))


def _api_client(scopes, department=None):
    from django.test import Client

    from smartkoto.identity.models import ServiceAccount

    _account, token = ServiceAccount.issue(f"budget-{uuid.uuid4().hex[:6]}", scopes, department=department)
    return Client(headers={"Authorization": f"Bearer {token}"})


def _first(model, **filters):
    found = model.objects.filter(**filters).order_by("pk").first()
    assert found is not None, f"the demo data has no {model.__name__} {filters}"
    return found


# -- applications -----------------------------------------------------------------------------------
def _grow_applications(template, count, **changes):
    from smartkoto.applications.models import Application

    start = Application.objects.count()
    return clone(template, count, reference=lambda i: f"BUDGET-{start + i}", **changes)


def test_resident_applications_list_does_not_grow(data, client, make_resident):
    from smartkoto.applications.models import Application

    resident = make_resident()
    client.force_login(resident)
    submitted = Application.objects.exclude(reference=None).exclude(status="draft").order_by("pk").first()
    assert submitted is not None, "the demo data has no submitted application"
    _grow_applications(submitted, 3, applicant_id=lambda i: resident.pk)
    draft = Application.objects.filter(status="draft").order_by("pk").first() or submitted
    clone(draft, 3, applicant_id=lambda i: resident.pk, reference=lambda i: None)
    before = measure(client, ["/applications/"])
    _grow_applications(submitted, GROWN, applicant_id=lambda i: resident.pk)
    clone(draft, GROWN // 4, applicant_id=lambda i: resident.pk, reference=lambda i: None)
    assert_flat(client, before, measure(client, ["/applications/"]))


def test_case_list_export_and_cases_api_do_not_grow(data, staff):
    from smartkoto.applications.models import Application
    from smartkoto.applications.permissions import API_SCOPE

    submitted = Application.objects.exclude(reference=None).exclude(status="draft").select_related("procedure__department").order_by("pk").first()
    department = submitted.procedure.department.code
    client = staff("case_worker", department)
    api = _api_client([API_SCOPE], department=None)
    _grow_applications(submitted, 3)
    urls = ["/staff/cases/", "/staff/cases/?status=submitted", "/staff/cases/processing-times/"]
    before, before_api = measure(client, urls), measure(api, ["/api/applications/cases"])
    _grow_applications(submitted, GROWN)
    assert_flat(client, before, measure(client, urls))
    assert_flat(api, before_api, measure(api, ["/api/applications/cases"]))


# -- appointments -----------------------------------------------------------------------------------
def _booking(resident):
    """One booking made through the service, the template of the others."""
    from datetime import timedelta

    from smartkoto.appointments import services
    from smartkoto.appointments.models import Service
    from smartkoto.core.actor import Actor
    from smartkoto.municipality import calendar, queries as municipality

    service = _first(Service, active=True)
    office = service.offices.order_by("pk").first()
    day = calendar.business_days(services.today() + timedelta(days=1), 1, office)[0]
    slot = services.ensure_slots(service, municipality.office(office.code), day, actor=Actor.anonymous()).first()
    return services.hold(slot.pk, actor=Actor.for_user(resident), idempotency_key=uuid.uuid4().hex)


def test_resident_bookings_and_service_lists_do_not_grow(data, client, make_resident):
    from smartkoto.appointments.models import Booking, Service

    resident = make_resident()
    client.force_login(resident)
    booking = _booking(resident)
    service = booking.service
    start = Booking.objects.count()

    def grow(count):
        n = Booking.objects.count()
        clone(booking, count, reference=lambda i: f"B{n + i:09d}", idempotency_key=lambda i: None,
              user_id=lambda i: resident.pk, status=lambda i: "cancelled")
        clone(service, count // 4 or 1, code=lambda i: f"budget-{n + i}")

    grow(3 + start * 0)
    urls = ["/appointments/", "/appointments/my/", f"/appointments/s/{service.code}/", "/api/appointments/services"]
    before = measure(client, urls)
    grow(GROWN)
    assert_flat(client, before, measure(client, urls))


def test_staff_booking_day_does_not_grow_with_bookings(data, staff, make_resident):
    from smartkoto.appointments.models import Booking

    booking = _booking(make_resident())
    booking = Booking.objects.select_related("service", "office", "slot").get(pk=booking.pk)
    client = staff("counter_clerk", booking.service.department_code)
    from smartkoto.counters.queries import TOKYO  # the day as the staff page names it

    day = booking.slot.starts_at.astimezone(TOKYO).date().isoformat()
    url = f"/staff/appointments/day/{booking.service.code}/{booking.office.code}/{day}/"

    def grow(count):
        n = Booking.objects.count()
        clone(booking, count, reference=lambda i: f"D{n + i:09d}", idempotency_key=lambda i: None, user_id=lambda i: None)

    grow(3)
    before = measure(client, [url, "/staff/appointments/"])
    grow(GROWN)
    assert_flat(client, before, measure(client, [url, "/staff/appointments/"]))


# -- payments ---------------------------------------------------------------------------------------
def _grow_payments(template, count, **changes):
    from smartkoto.payments.models import Payment

    n = Payment.objects.count()
    return clone(template, count, idempotency_key=lambda i: f"budget-{n + i}", **changes)


def test_resident_and_staff_payment_lists_do_not_grow(data, client, make_resident, staff):
    from smartkoto.core.actor import Actor
    from smartkoto.payments import services

    resident = make_resident()
    template = services.request_payment(
        actor=Actor.system("budget"), payer=resident, reference="BUDGET-PAY", amount_yen=600,
        description={"ja": "住民票の写し", "en": "Certificate of residence"}, fee_code="juminhyo-copy",
        department_code="kumin", return_url="/payments/", idempotency_key="budget-template")
    _grow_payments(template, 3, payer_id=lambda i: resident.pk)
    client.force_login(resident)
    before = measure(client, ["/payments/"])
    _grow_payments(template, GROWN, payer_id=lambda i: resident.pk)
    assert_flat(client, before, measure(client, ["/payments/"]))

    client.logout()
    client = staff("case_worker", template.department_code)
    api = _api_client(["payments:read"])
    urls = ["/staff/payments/", "/staff/payments/slips/", "/staff/payments/refunds/"]
    before, before_api = measure(client, urls), measure(api, ["/api/payments/?reference=BUDGET-PAY"])
    _grow_payments(template, GROWN)
    assert_flat(client, before, measure(client, urls))
    assert_flat(api, before_api, measure(api, ["/api/payments/?reference=BUDGET-PAY"]))


# -- life events ------------------------------------------------------------------------------------
def test_life_event_pages_do_not_grow_with_events(data, client):
    from smartkoto.lifeevents.models import LifeEvent

    template = _first(LifeEvent)
    n = LifeEvent.objects.count()
    urls = ["/life-events/", f"/life-events/{template.code}/", "/api/lifeevents/", f"/api/lifeevents/{template.code}"]
    clone(template, 3, code=lambda i: f"budget-{n + i}")
    before = measure(client, urls)
    clone(template, GROWN, code=lambda i: f"budget-{n + 10 + i}")
    assert_flat(client, before, measure(client, urls))


# -- audit ------------------------------------------------------------------------------------------
def test_audit_list_does_not_grow_with_records(data, staff):
    from smartkoto.core import audit
    from smartkoto.core.actor import Actor

    client = staff("auditor", "kumin")
    for i in range(3):
        audit.record("perf.budget", actor=Actor.system("budget"), detail={"i": i})
    before = measure(client, ["/staff/audit/"])
    for i in range(GROWN):
        audit.record("perf.budget", actor=Actor.system("budget"), detail={"i": i})
    assert_flat(client, before, measure(client, ["/staff/audit/"]))

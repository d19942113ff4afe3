"""The permission matrix, generated from the URL configuration (issue 10, "One door per app").

Every URL under staff/ or api/ must be classified in tests/core/matrix_table.py. Each one is requested as
every subject (five staff roles in their own department, the resident who owns the objects, another
resident, an anonymous visitor, a scoped and an unscoped service token) with GET and POST, once with an
object of the subjects' own department and once with an object of another department where the URL takes
one. The answer must be the table's:

- refused: 403, or a redirect to a sign-in page (401 too);
- allowed: any other 2xx/3xx/4xx — POST bodies are empty: the point is the permission answer, not validation;
- 405 ("method not offered"): passes for any expectation — the view never got to a permission question;
- 5xx: always a failure.

All cells run in one test (one demo load) that prints "matrix: N cells, M unexpected" and lists them.
"""

import re
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from . import matrix_table as table

REFUSE_REDIRECTS = ("/staff/sign-in/", "/staff/admin/login/", "/sign-in/")


# -- the URL configuration --------------------------------------------------------------------------
def walk(resolver=None, prefix="", namespace=""):
    """(route, full name, kwarg names, pattern) of every URL pattern, namespaces joined with ':'."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or route
            full = f"{namespace}:{name}" if namespace else name
            yield route.lstrip("^"), full, list(entry.pattern.regex.groupindex), entry.pattern


def door_urls():
    """Every staff/ and api/ URL (unprefixed, i.e. the Japanese pages), by name."""
    found = {}
    for route, name, kwargs, pattern in walk():
        if route.startswith(("staff/", "api/")):
            found.setdefault(name, (route, kwargs, pattern))
    return found


def test_every_staff_and_api_url_is_in_the_table():
    urls = door_urls()
    missing = sorted(name for name in urls if name not in table.EXCLUDED and table.classify(name) is None)
    stale = sorted(name for name in table.URLS if name not in urls)
    print(f"door URLs: {len(urls)}, excluded: {len(table.EXCLUDED)}, unclassified: {len(missing)}, stale: {len(stale)}")
    assert not missing, "staff/ or api/ URLs missing from tests/core/matrix_table.py (classify them):\n" + "\n".join(missing)
    assert not stale, "URL names in the table that the URL configuration no longer has:\n" + "\n".join(stale)
    for name in table.URLS:
        assert name not in table.EXCLUDED
    for access, _mode in list(table.URLS.values()) + list(table.NAMESPACES.values()):
        assert access in table.ACCESS, access


# -- the world: demo data plus the objects the demo does not make, in two departments --------------------
class World:
    pass


def build_world(make_staff, make_resident):
    from smartkoto import demo
    from smartkoto.municipality import demo as municipality

    municipality.load()  # the `koto` fixture
    demo.load()
    from smartkoto.applications.models import Application, Attachment
    from smartkoto.appointments.models import Booking, Service, Slot
    from smartkoto.counters.models import CounterType, Ticket
    from smartkoto.identity.models import ServiceAccount, User
    from smartkoto.lifeevents.models import LifeEvent, PreEntry
    from smartkoto.municipality.models import Department
    from smartkoto.notifications.models import OutboxAttachment, OutboxEmail
    from smartkoto.opendata.models import Dataset
    from smartkoto.payments.models import Payment, ReconciliationRun, Refund
    from smartkoto.procedures.models import Procedure

    own = table.OWN_DEPARTMENT
    w = World()
    w.objects = {}

    # subjects
    users = {}
    for role in table.DEPARTMENT_SUBJECTS:
        users[role] = make_staff(username=f"matrix-{role.value}", department=own, role=role)
    for role in (table.DX, table.AUDITOR):
        users[role] = make_staff(username=f"matrix-{role.value}", department=table.CROSS_DEPARTMENT, role=role)
    users[table.DX].is_staff = users[table.DX].is_superuser = True  # as identity.demo makes DX administrators
    users[table.DX].save()
    requester = make_staff(username="matrix-requester", department=own, role=table.CASE)
    application_own = Application.objects.exclude(status="draft").filter(department_code=own).exclude(reference=None).first()
    application_other = Application.objects.exclude(status="draft").exclude(department_code=own).exclude(reference=None).first()
    assert application_own and application_other, "the demo must have submitted applications in two departments"
    users[table.RESIDENT_OWNER] = application_own.applicant or make_resident()
    users[table.RESIDENT_OTHER] = make_resident(name="別人 太郎", subject="matrix-other")
    w.users = users
    w.tokens = {}
    department = Department.objects.get(code=own)
    _a, w.tokens[table.SERVICE] = ServiceAccount.issue("matrix-scoped", ["cases:read", "payments:read", "payments:write"], department=department)
    _a, w.tokens[table.SERVICE_NO_SCOPE] = ServiceAccount.issue("matrix-unscoped", [], department=department)

    def pair(key, own_obj, other_obj):
        assert own_obj is not None and other_obj is not None, f"no {key} in two departments"
        w.objects[key] = {"own": own_obj, "other": other_obj}

    # applications (+ an attachment each)
    pair("application", application_own, application_other)
    for application in (application_own, application_other):
        application.applicant = application.applicant or users[table.RESIDENT_OWNER]
        application.save(update_fields=["applicant"])
    w.attachments = {}
    for scope, application in w.objects["application"].items():
        attachment = Attachment.objects.filter(application=application).first()
        w.attachments[scope] = attachment.pk if attachment else uuid.uuid4()

    # bookings
    services = Service.objects.filter(active=True)
    service_own = services.filter(department_code=own).first()
    service_other = services.exclude(department_code=own).exclude(department_code=table.CROSS_DEPARTMENT).first()
    pair("service", service_own, service_other)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    bookings = {}
    for n, (scope, service) in enumerate(w.objects["service"].items()):
        office = service.offices.first()
        slot = Slot.objects.create(service=service, office=office, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=5)
        bookings[scope] = Booking.objects.create(reference=f"MXB{n}{uuid.uuid4().hex[:6].upper()}", service=service, office=office, slot=slot,
                                                 user=users[table.RESIDENT_OWNER], status=Booking.Status.CONFIRMED)
    pair("booking", bookings["own"], bookings["other"])

    # counters: an office where only the own department serves, and one where only another does
    offices = list(CounterType.objects.filter(department_code=own).values_list("office__code", flat=True).distinct().order_by("office__code"))
    assert len(offices) >= 2, "the demo must have the own department's counters in two offices"
    other_office = offices[-1]
    CounterType.objects.filter(office__code=other_office).update(department_code="koseki")
    w.offices = {"own": offices[0], "other": other_office}
    w.ticket = Ticket.objects.order_by("-pk").first()

    # payments (+ a refund each, requested by someone else)
    payments = {}
    for scope, code in (("own", own), ("other", "hoiku")):
        payments[scope] = Payment.objects.create(
            reference=f"MX-{scope}", amount_yen=300, fee_code="matrix", department_code=code, return_url="/",
            idempotency_key=f"matrix-{scope}", request_hash="x", provider="simulated", status="succeeded", captured_yen=300, refund_reserved_yen=100,
            payer=users[table.RESIDENT_OWNER], expires_at=timezone.now() + timedelta(hours=1))
    pair("payment", payments["own"], payments["other"])
    pair("refund", *(Refund.objects.create(payment=payments[s], amount_yen=100, reason="matrix", requested_by=requester) for s in ("own", "other")))
    from smartkoto.payments.models import Fee

    fees = Fee.objects.all()
    pair("fee", fees.filter(department_code=own).first(), fees.exclude(department_code=own).exclude(department_code=table.CROSS_DEPARTMENT).first())
    w.reconciliation = ReconciliationRun.objects.create(provider="simulated", period_start=date.today(), period_end=date.today())

    # open data
    datasets = Dataset.objects.all()
    pair("dataset", datasets.filter(department_code=own).first(), datasets.exclude(department_code=own).exclude(department_code=table.CROSS_DEPARTMENT).first())

    # procedures
    procedures = Procedure.objects.select_related("department")
    pair("procedure", procedures.filter(department__code=own).first(), procedures.exclude(department__code=own).exclude(department__code=table.CROSS_DEPARTMENT).first())

    # pre-entries made at the counter
    entries = {}
    for scope in ("own", "other"):
        procedure = w.objects["procedure"][scope]
        entries[scope] = PreEntry.objects.create(procedure_slug=procedure.slug, department_code=procedure.department.code,
                                                 owner=users[table.RESIDENT_OWNER], status="ready")
    pair("preentry", entries["own"], entries["other"])
    w.life_event = LifeEvent.objects.first()

    # the digital guide: FAQ entries and logged (👎) questions of two departments
    from smartkoto.guide.models import Entry as GuideEntry, Question as GuideQuestion

    guide_entries, guide_questions = {}, {}
    for scope, code in (("own", own), ("other", "seiso")):
        guide_entries[scope] = GuideEntry.objects.create(key=f"{code}-matrix", department=Department.objects.get(code=code),
                                                         question={"ja": "質問", "en": "Question"}, answer={"ja": "答え", "en": "Answer"})
        guide_questions[scope] = GuideQuestion.objects.create(kind="unhelpful", text="質問", result=f"faq:{code}-matrix", department_code=code)
    pair("guide_entry", guide_entries["own"], guide_entries["other"])
    pair("guide_question", guide_questions["own"], guide_questions["other"])

    # the mail outbox
    w.email = OutboxEmail.objects.create(from_email="noreply@example.jp", to=["resident@example.jp"], subject="matrix", body="matrix")
    w.email_attachment = OutboxAttachment.objects.create(email=w.email, filename="a.txt", content_type="text/plain", content=b"a")
    w.other_user = User.objects.filter(kind="staff").first()
    return w


# -- concrete URLs ----------------------------------------------------------------------------------
def _first_version(procedure):
    version = procedure.versions.order_by("number").first()
    return version.number if version else 1


def _first_step(procedure):
    version = procedure.versions.order_by("-number").first()
    steps = (version.definition or {}).get("steps") or [{}] if version else [{}]
    return steps[0].get("id") or "step"


def _resource_id(dataset):
    resource = dataset.resources.first()
    return resource.pk if resource else uuid.uuid4()


FILL = {
    # name: function(world, scope) -> kwargs; names listed here are requested for "own" and "other"
    "notifications_staff:email": None,
    "applications_staff:case": lambda w, s: {"reference": w.objects["application"][s].reference},
    "applications_staff:attachment": lambda w, s: {"reference": w.objects["application"][s].reference, "attachment_id": w.attachments[s]},
    "appointments_staff:day": lambda w, s: {"code": w.objects["service"][s].code, "office_code": w.objects["booking"][s].office.code,
                                            "day": w.objects["booking"][s].slot.starts_at.date().isoformat()},
    "appointments_staff:set_status": lambda w, s: {"reference": w.objects["booking"][s].reference},
    "counters_staff:desk": lambda w, s: {"office": w.offices[s]},
    "payments_staff:detail": lambda w, s: {"pk": w.objects["payment"][s].pk},
    "payments_staff:refund_request": lambda w, s: {"pk": w.objects["payment"][s].pk},
    "payments_staff:refund_decide": lambda w, s: {"pk": w.objects["refund"][s].pk},
    "payments_staff:fee": lambda w, s: {"pk": w.objects["fee"][s].pk},
    "opendata_staff:dataset_edit": lambda w, s: {"name": w.objects["dataset"][s].name},
    "opendata_staff:resource": lambda w, s: {"name": w.objects["dataset"][s].name, "resource_id": _resource_id(w.objects["dataset"][s])},
    "opendata_staff:resource_status": lambda w, s: {"name": w.objects["dataset"][s].name, "resource_id": _resource_id(w.objects["dataset"][s])},
    "procedures_staff:version": lambda w, s: {"slug": w.objects["procedure"][s].slug, "number": _first_version(w.objects["procedure"][s])},
    "lifeevents_staff:entry": lambda w, s: {"public_id": w.objects["preentry"][s].public_id},
    "lifeevents_staff:entry_pdf": lambda w, s: {"public_id": w.objects["preentry"][s].public_id},
    "lifeevents_staff:entry_step": lambda w, s: {"public_id": w.objects["preentry"][s].public_id, "step_id": _first_step(w.objects["procedure"][s])},
    "guide_staff:edit": lambda w, s: {"key": w.objects["guide_entry"][s].key},
    "guide_staff:dismiss": lambda w, s: {"pk": w.objects["guide_question"][s].pk},
    "applications_api:case": lambda w, s: {"reference": w.objects["application"][s].reference},
    "payments_api:detail": lambda w, s: {"public_id": w.objects["payment"][s].public_id},
}
FILL.pop("notifications_staff:email")
for _name in ("transition", "assign", "fee", "message", "note", "decision", "receipt"):
    FILL[f"applications_staff:{_name}"] = FILL["applications_staff:case"]
for _name in ("enrol_kiosk", "action"):
    FILL[f"counters_staff:{_name}"] = FILL["counters_staff:desk"]
for _name in ("edit", "builder", "field_add", "preview", "publish", "versions", "export", "import"):
    FILL[f"procedures_staff:{_name}"] = lambda w, s: {"slug": w.objects["procedure"][s].slug}
for _name in ("dataset_state", "resource_new"):
    FILL[f"opendata_staff:{_name}"] = FILL["opendata_staff:dataset_edit"]

FILL_ONCE = {
    # name: function(world) -> kwargs; no department in play
    "notifications_staff:email": lambda w: {"pk": w.email.pk},
    "notifications_staff:attachment": lambda w: {"pk": w.email_attachment.pk},
    "payments_staff:reconciliation_run": lambda w: {"pk": w.reconciliation.pk},
    "procedures_api:detail": lambda w: {"slug": w.objects["procedure"]["own"].slug},
    "appointments_api:availability": lambda w: {"code": w.objects["service"]["own"].code},
    "counters_api:office_status": lambda w: {"office": w.offices["own"]},
    "counters_api:ticket": lambda w: {"token": w.ticket.token if w.ticket else "none"},
    "lifeevents_api:detail": lambda w: {"code": w.life_event.code},
    "payments_api:webhook": lambda w: {"provider": "simulated"},
}


def _admin_kwargs(w, kwargs, pattern):
    values = {}
    for key in kwargs:
        if key == "app_label":
            match = re.search(r"\(\?P<app_label>([^)]*)\)", pattern.regex.pattern)
            values[key] = match.group(1).split("|")[0]
        elif key == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            values[key] = ContentType.objects.get_for_model(type(w.other_user)).pk
        elif key in ("object_id", "id", "user_id", "pk"):
            values[key] = str(w.other_user.pk)
        else:
            values[key] = "1"
    return values


def concrete_urls(w):
    """[(name, access, mode, scope, url)] for every classified door URL."""
    out = []
    for name, (route, kwargs, pattern) in sorted(door_urls().items()):
        if name in table.EXCLUDED:
            continue
        access, mode = table.classify(name)
        if not kwargs:
            out.append((name, access, mode, "", reverse(name)))
        elif name in FILL:
            for scope in ("own", "other"):
                out.append((name, access, mode, scope, reverse(name, kwargs=FILL[name](w, scope))))
        elif name in FILL_ONCE:
            out.append((name, access, mode, "", reverse(name, kwargs=FILL_ONCE[name](w))))
        elif getattr(pattern, "name", None) is None and isinstance(route, str) and name.endswith(route):
            # an unnamed pattern (the admin's catch-all): fill its groups with a plain word
            out.append((name, access, mode, "", "/" + re.sub(r"\(\?P<\w+>[^)]*\)", "matrix/", route).replace("$", "")))
        elif name.startswith("admin:"):
            out.append((name, access, mode, "", reverse(name, kwargs=_admin_kwargs(w, kwargs, pattern))))
        else:
            raise AssertionError(f"{name} ({route}) takes {kwargs}: add it to FILL or FILL_ONCE")
    return out


# -- subjects' clients -------------------------------------------------------------------------------
def clients(w, staff_login):
    made = {}
    for subject in table.SUBJECTS:
        client = Client(raise_request_exception=False)
        if subject in table.STAFF_SUBJECTS:
            staff_login(client, w.users[subject])
        elif subject in (table.RESIDENT_OWNER, table.RESIDENT_OTHER):
            client.force_login(w.users[subject])
        elif subject in (table.SERVICE, table.SERVICE_NO_SCOPE):
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {w.tokens[subject]}"
        made[subject] = client
    return made


def answer(response):
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 405:
        return "n/a"
    if status in (401, 403):
        return table.REFUSED
    if 300 <= status < 400:
        location = response.get("Location", "")
        if any(part in location for part in REFUSE_REDIRECTS):
            return table.REFUSED
    return table.ALLOWED


def _make_staff(username, department, role):
    """As tests/conftest.py's make_staff (which is function-scoped)."""
    from smartkoto.identity.models import StaffMembership, User
    from smartkoto.municipality.models import Department

    user = User.objects.create(username=username, kind=User.Kind.STAFF, last_name="職員", first_name=username)
    StaffMembership.objects.create(user=user, department=Department.objects.get(code=department), role=role)
    return user


def _make_resident(name="江東 花子", subject=None):
    """As tests/conftest.py's make_resident (which is function-scoped)."""
    from smartkoto.identity.models import AssuranceLevel, ResidentProfile, User

    count = User.objects.count()
    user = User.objects.create(username=f"resident-{count}-{subject or ''}", kind=User.Kind.RESIDENT)
    ResidentProfile.objects.create(
        user=user, provider="development", subject=subject or f"matrix-{count}", assurance_level=AssuranceLevel.CARD,
        full_name=name, address="東京都江東区東陽四丁目2番1号", postal_code="135-0016", birth_date="1988-04-12", sex="female",
        facts_source="development", facts_verified_at=timezone.now(), email=f"matrix{count}@example.jp")
    return user


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test's own
    transaction (the `db` fixture) is a savepoint inside it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(_make_staff, _make_resident)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_permission_matrix(db, world, staff_login):
    import logging

    urls = concrete_urls(world)
    subject_clients = clients(world, staff_login)
    logging.disable(logging.WARNING)  # thousands of expected 403/404 warnings
    try:
        cells, unexpected, problems = _run_cells(urls, subject_clients)
    finally:
        logging.disable(logging.NOTSET)
    print(f"\nmatrix: {cells} cells, {unexpected} unexpected")
    for line in problems:
        print("  " + line)
    groups = Counter("403 not audited" if "access.refused" in line else re.sub(r"^(\w+) \S+ \[(\w+)/.*? as (\S+): (.*) \(\d+\)$", r"\2 \3 \1: \4", line) for line in problems)
    for group, count in sorted(groups.items()):
        print(f"  {count:4d} × {group}")
    assert not problems, f"matrix: {cells} cells, {unexpected} unexpected, {len(problems) - unexpected} refusals not audited (listed above)"


AUDITED_SUBJECTS = set(table.STAFF_SUBJECTS) | {table.SERVICE, table.SERVICE_NO_SCOPE}
"""A 403 to these subjects must leave an `access.refused` audit record (issue 10, rule 7). Residents and
anonymous visitors are turned away by the staff area guard before any view."""


def _run_cells(urls, subject_clients):
    from django.core.cache import cache

    from smartkoto.core.models import AuditRecord

    refusals = AuditRecord.objects.filter(action="access.refused")
    cells = unexpected = 0
    problems, unaudited = [], []
    for method in ("GET", "POST"):  # every read first: a write by an allowed subject must not hide a later read
        for name, access, mode, scope, url in urls:
            for subject in (table.ADMIN_SUBJECTS if access == "admin" else table.SUBJECTS):
                client = subject_clients[subject]
                cache.clear()  # no rate limit carried from one cell to the next
                watched = subject in AUDITED_SUBJECTS
                before = refusals.count() if watched else 0
                response = client.get(url) if method == "GET" else client.post(url, {})
                got = answer(response)
                if watched and response.status_code == 403 and refusals.count() == before:
                    unaudited.append(f"{method} {name} {url} as {subject}")
                want = table.expected(access, subject, method, mode, scope)
                cells += 1
                if got == "n/a" or got == want:
                    continue
                unexpected += 1
                problems.append(f"{method} {name} [{access}/{mode}{'/' + scope if scope else ''}] {url} as {subject}: "
                                f"want {want}, got {got} ({response.status_code})")
    problems += [f"{line}: 403 without an access.refused audit record" for line in unaudited]
    print(f"\nrefusals (403) to staff and service tokens without an audit record: {len(unaudited)}")
    return cells, unexpected, problems


# -- list pages show only what the actor may read ------------------------------------------------------
def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


LIST_PAGES = [
    # (list URL name, object kind in the world, how the page names an object, who sees every department)
    ("applications_staff:inbox", "application", lambda obj: obj.reference, (table.AUDITOR,)),
    ("payments_staff:index", "payment", lambda obj: obj.reference, (table.AUDITOR,)),
    ("opendata_staff:home", "dataset", lambda obj: obj.name, (table.AUDITOR, table.DX)),
]


@pytest.mark.parametrize("url_name, kind, label, everywhere", LIST_PAGES, ids=[row[0] for row in LIST_PAGES])
def test_list_pages_are_filtered_to_own_department(db, world, staff_login, url_name, kind, label, everywhere):
    subject_clients = clients(world, staff_login)
    own, other = label(world.objects[kind]["own"]), label(world.objects[kind]["other"])
    url = reverse(url_name)
    for subject in table.DEPARTMENT_SUBJECTS:
        html = _page(subject_clients[subject], url)
        assert own in html and other not in html, subject
    for subject in everywhere:
        html = _page(subject_clients[subject], url)
        assert own in html and other in html, subject

"""Counter pages without JavaScript, live updates by ETag/304, the JSON API, the open-data CSV, the desk."""

import csv
import io

import pytest
from django.urls import reverse as _reverse
from django.utils import translation

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.roles import Role
from smartkoto.counters import services
from smartkoto.counters.models import Ticket

AT_KIOSK = {"actor": Actor.anonymous(), "kiosk": "honchosha"}  # the enrolled lobby kiosk of the main office

pytestmark = pytest.mark.django_db


def reverse(name, args=None):
    with translation.override("ja"):
        return _reverse(name, args=args)


def test_kiosk_issues_a_ticket_and_shows_the_number_with_a_link(kiosk_client, queues):
    client = kiosk_client
    response = client.post(reverse("counters:kiosk", args=["honchosha"]), {"counter": "ido"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    ticket = Ticket.objects.get()
    assert ticket.display in page and reverse("counters:ticket", args=[ticket.token]) in page and "<svg" in page


def test_kiosk_check_in_with_a_bad_code_explains_at_the_field(kiosk_client, queues):
    client = kiosk_client
    response = client.post("/en" + reverse("counters:kiosk", args=["honchosha"]), {"reference": "12"})
    body = response.content.decode()
    assert response.status_code == 400 and body.count("A booking reference has 8 letters and numbers") == 2
    assert 'value="12"' in body


def test_a_browser_that_is_not_an_enrolled_kiosk_cannot_take_numbers(client, queues):
    url = reverse("counters:kiosk", args=["honchosha"])
    page = client.get("/en" + url)
    assert page.status_code == 200 and "issued by the kiosk in the lobby" in page.content.decode()
    assert 'data-testid="kiosk-ido"' not in page.content.decode()
    assert client.post(url, {"counter": "ido"}).status_code == 403
    assert not Ticket.objects.exists()


def test_a_kiosk_cookie_for_another_office_or_forged_is_refused(client, queues):
    from smartkoto.counters import kiosk_devices

    url = reverse("counters:kiosk", args=["honchosha"])
    client.cookies[kiosk_devices.COOKIE] = kiosk_devices.cookie_value("toyosu")
    assert client.post(url, {"counter": "ido"}).status_code == 403
    client.cookies[kiosk_devices.COOKIE] = "honchosha:forged-signature"
    assert client.post(url, {"counter": "ido"}).status_code == 403
    assert not Ticket.objects.exists()


def test_a_clerk_enrols_a_lobby_tablet_as_the_kiosk(client, queues, make_staff, staff_login):
    clerk = make_staff("kiosk-clerk", "kumin", Role.COUNTER_CLERK)
    staff_login(client, clerk)
    response = client.post(_reverse("counters_staff:enrol_kiosk", args=["honchosha"]))
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="counters.kiosk_enrolled").exists()
    from smartkoto.counters import kiosk_devices

    issued_cookie = response.cookies[kiosk_devices.COOKIE].value
    client.logout()  # the test client forgets every cookie here; a real browser keeps the kiosk cookie
    client.cookies[kiosk_devices.COOKIE] = issued_cookie
    assert client.post(reverse("counters:kiosk", args=["honchosha"]), {"counter": "ido"}).status_code == 302
    assert Ticket.objects.count() == 1


def test_ticket_page_answers_304_until_the_queue_changes(client, ido, clerk):
    mine = services.issue_ticket(ido, **AT_KIOSK)
    services.issue_ticket(ido, **AT_KIOSK)
    url = reverse("counters:ticket", args=[mine.token])
    first = client.get(url)
    assert first.status_code == 200 and "ETag" in first
    assert "A001" in first.content.decode()
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    services.call_next([ido], "2", actor=clerk)
    changed = client.get(url + "?fragment=1", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    body = changed.content.decode()
    assert "<html" not in body and "2" in body and 'data-testid="ticket-called"' in body


def test_display_and_congestion_show_the_called_number(client, ido, clerk):
    services.issue_ticket(ido, **AT_KIOSK)
    services.issue_ticket(ido, **AT_KIOSK)
    services.call_next([ido], "4", actor=clerk)
    display = client.get(reverse("counters:display", args=["honchosha"])).content.decode()
    assert 'data-testid="call-A001"' in display
    congestion = client.get("/en" + reverse("counters:congestion", args=["honchosha"])).content.decode()
    assert "1 person" in congestion and "A001" in congestion and "about" in congestion


def test_status_api_with_etag(client, ido, clerk):
    services.issue_ticket(ido, **AT_KIOSK)
    response = client.get("/api/counters/offices/honchosha/status")
    data = response.json()
    ido_row = next(c for c in data["counters"] if c["code"] == "ido")
    assert ido_row["waiting"] == 1 and ido_row["wait_max"] >= 5
    assert client.get("/api/counters/offices/honchosha/status", headers={"if-none-match": response["ETag"]}).status_code == 304
    services.call_next([ido], "1", actor=clerk)
    assert client.get("/api/counters/offices/honchosha/status", headers={"if-none-match": response["ETag"]}).status_code == 200


def test_congestion_history_csv_is_stable_open_data(client, ido):
    from smartkoto.counters.queries import CONGESTION_HISTORY_FIELDS

    services.issue_ticket(ido, **AT_KIOSK)
    response = client.get("/api/counters/congestion-history.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == CONGESTION_HISTORY_FIELDS and rows[0]["tickets_issued"] == "1"
    assert client.get("/api/counters/congestion-history.csv?from=2026-02-01&to=2026-01-01").status_code == 400


def test_clerk_desk_calls_next_and_every_action_is_audited(client, queues, make_staff, staff_login):
    staff_login(client, make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))
    home = client.get(reverse("counters_staff:home") + "?office=honchosha&types=ido&window=2")
    assert home.status_code == 302
    desk = home["Location"]
    assert client.get(desk).status_code == 200
    action = reverse("counters_staff:action", args=["honchosha"])
    client.post(action, {"action": "issue", "counter": "ido", "types": ["ido"], "window": "2"})
    client.post(action, {"action": "call_next", "types": ["ido"], "window": "2"})
    ticket = Ticket.objects.get()
    assert ticket.status == "called" and ticket.window == "2"
    assert ticket.display in client.get(desk).content.decode()
    client.post(action, {"action": "transfer", "ticket": ticket.pk, "target": "cert", "types": ["ido"], "window": "2"})
    ticket.refresh_from_db()
    assert ticket.counter_type.code == "cert"
    actions = set(AuditRecord.objects.filter(action__startswith="counters.").values_list("action", flat=True))
    assert {"counters.issue", "counters.call", "counters.transfer"} <= actions


def test_clerk_of_another_department_has_no_desk(client, queues, make_staff, staff_login):
    staff_login(client, make_staff("seiso-case", "seiso", Role.CASE_WORKER))
    assert client.get(reverse("counters_staff:home")).status_code == 403
    assert client.post(reverse("counters_staff:action", args=["honchosha"]), {"action": "call_next"}).status_code == 403


def test_figures_for_managers_only(client, queues, make_staff, staff_login, ido, clerk):
    t = services.issue_ticket(ido, **AT_KIOSK)
    services.issue_ticket(ido, source=Ticket.Source.BOOKING, **AT_KIOSK)
    services.call_next([ido], "1", actor=clerk)
    services.call_next([ido], "1", actor=clerk)
    services.act(t, "no_show", actor=clerk)
    manager = make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER)
    staff_login(client, manager)
    body = client.get("/en" + reverse("counters_staff:figures")).content.decode()
    assert 'data-testid="booked-share">50.0%' in body
    assert 'data-testid="no-show-rate">100.0%' in body
    bad = client.get("/en" + reverse("counters_staff:figures") + "?start=2026-02-01&end=2026-01-01")
    assert "The last day must be on or after the first day." in bad.content.decode()
    client.logout()
    staff_login(client, clerk.user)
    assert client.get(reverse("counters_staff:figures")).status_code == 403


def test_openapi_document_lists_the_counter_and_booking_paths(client):
    from openapi_spec_validator import validate

    document = client.get("/api/schema").json()
    validate(document)
    for path in ("/api/counters/offices/{office}/status", "/api/counters/tickets/{token}",
                 "/api/counters/congestion-history.csv", "/api/appointments/services/{code}/availability"):
        assert path in document["paths"]

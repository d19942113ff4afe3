"""Who may work the counters (permissions.py): an auditor, a DX administrator and staff of another
department are refused at the desk and at kiosk enrolment with 403, nothing changes, and the refusal is
in the audit log. Auditors still read the desk and figures; the ticket holder cancels only their ticket."""

import pytest
from django.urls import reverse as _reverse
from django.utils import translation

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role
from smartkoto.counters import kiosk_devices, services
from smartkoto.counters.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

AT_KIOSK = {"actor": Actor.anonymous(), "kiosk": "honchosha"}
REFUSED = [  # none works the kumin queues (ido, cert) at honchosha
    pytest.param(("auditor", "dx", Role.AUDITOR), id="auditor"),
    pytest.param(("dx-admin", "dx", Role.DX_ADMIN), id="dx_admin"),
    pytest.param(("seiso-manager", "seiso", Role.DEPARTMENT_MANAGER), id="other-department"),
]


def reverse(name, args=None):
    with translation.override("ja"):
        return _reverse(name, args=args)


def refusals(user):
    return AuditRecord.objects.filter(action="access.refused", actor_id=user.pk)


def queue_state():
    return list(Ticket.objects.order_by("pk").values_list("pk", "status", "window", "counter_type_id", "call_count"))


@pytest.mark.parametrize("who", REFUSED)
def test_issuing_calling_and_moving_tickets_at_the_desk_is_refused(who, client, make_staff, staff_login, ido, cert):
    waiting = services.issue_ticket(ido, **AT_KIOSK)
    user = make_staff(*who)
    staff_login(client, user)
    before, events = queue_state(), TicketEvent.objects.count()
    action = reverse("counters_staff:action", args=["honchosha"])
    posts = [{"action": "issue", "counter": "ido"}, {"action": "call_next"},
             {"action": "transfer", "ticket": waiting.pk, "target": "cert"},
             {"action": "check_in", "reference": "K7PQ2M9X"}]
    for data in posts:
        assert client.post(action, {**data, "types": ["ido"], "window": "1"}).status_code == 403
    assert queue_state() == before and TicketEvent.objects.count() == events
    assert refusals(user).count() == len(posts)
    assert not AuditRecord.objects.filter(action__in=["counters.call", "counters.transfer"]).exists()


@pytest.mark.parametrize("who", REFUSED)
def test_enrolling_a_kiosk_is_refused(who, client, make_staff, staff_login, queues):
    user = make_staff(*who)
    staff_login(client, user)
    response = client.post(reverse("counters_staff:enrol_kiosk", args=["honchosha"]))
    assert response.status_code == 403
    assert kiosk_devices.COOKIE not in response.cookies
    assert not AuditRecord.objects.filter(action="counters.kiosk_enrolled").exists()
    assert refusals(user).count() == 1


def test_a_case_worker_works_the_desk_but_does_not_enrol_kiosks(client, make_staff, staff_login, ido):
    case_worker = make_staff("kumin-case", "kumin", Role.CASE_WORKER)
    staff_login(client, case_worker)
    action = reverse("counters_staff:action", args=["honchosha"])
    client.post(action, {"action": "issue", "counter": "ido", "types": ["ido"], "window": "1"})
    assert Ticket.objects.count() == 1
    assert client.post(reverse("counters_staff:enrol_kiosk", args=["honchosha"])).status_code == 403
    assert refusals(case_worker).count() == 1


def test_an_auditor_reads_the_desk_without_buttons_and_the_figures(client, make_staff, staff_login, ido):
    services.issue_ticket(ido, **AT_KIOSK)
    staff_login(client, make_staff("auditor", "dx", Role.AUDITOR))
    body = client.get(reverse("counters_staff:desk", args=["honchosha"]) + "?types=ido&window=1").content.decode()
    assert "A001" in body and 'value="call_next"' not in body and 'data-testid="enrol-kiosk"' not in body
    assert client.get(reverse("counters_staff:figures")).status_code == 200


def test_a_dx_administrator_has_no_desk_and_no_figures(client, make_staff, staff_login, queues):
    admin = make_staff("dx-admin", "dx", Role.DX_ADMIN)
    staff_login(client, admin)
    assert client.get(reverse("counters_staff:home")).status_code == 403
    assert client.get(reverse("counters_staff:desk", args=["honchosha"])).status_code == 403
    assert client.get(reverse("counters_staff:figures")).status_code == 403
    assert refusals(admin).count() == 3


def test_staff_of_another_department_cannot_move_a_ticket_by_service(make_staff, ido, clerk):
    ticket = services.issue_ticket(ido, **AT_KIOSK)
    services.call_next([ido], "1", actor=clerk)
    other = Actor.for_user(make_staff("koseki-clerk", "koseki", Role.COUNTER_CLERK))
    with pytest.raises(Forbidden):
        services.act(ticket, "finish", actor=other)
    with pytest.raises(Forbidden):
        services.call_next([ido], "2", actor=other)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLED


def test_only_an_enrolled_kiosk_issues_without_staff(ido):
    with pytest.raises(Forbidden):
        services.issue_ticket(ido, actor=Actor.anonymous())
    with pytest.raises(Forbidden):
        services.issue_ticket(ido, actor=Actor.anonymous(), kiosk="toyosu")
    assert not Ticket.objects.exists()


def test_only_the_ticket_holder_cancels_it(client, ido):
    ticket = services.issue_ticket(ido, **AT_KIOSK)
    with pytest.raises(Forbidden):
        services.cancel_ticket(ticket, actor=Actor.anonymous(session={}))
    client.get(reverse("counters:ticket", args=[ticket.token]))  # the phone that scanned the QR code
    client.post(reverse("counters:cancel_ticket", args=[ticket.token]))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CANCELLED


def test_the_kiosk_checks_a_booked_resident_in_as_the_system(kiosk_client, ido, resident):
    from datetime import timedelta

    from django.utils import timezone

    from smartkoto.appointments import demo as appointments_demo
    from smartkoto.appointments.models import Booking, Service, Slot
    from smartkoto.counters import queries

    appointments_demo.load()
    service = Service.objects.get(code="jumin-ido")
    slot = Slot.objects.create(service=service, office=ido.office, capacity=2, starts_at=timezone.now() + timedelta(minutes=1),
                               ends_at=timezone.now() + timedelta(minutes=31))
    if timezone.localtime(slot.starts_at, queries.TOKYO).date() != queries.today():
        pytest.skip("the booking would fall on tomorrow at this hour")
    booking = Booking.objects.create(reference="K7PQ2M9X", service=service, office=ido.office, slot=slot, user=resident,
                                     status=Booking.Status.CONFIRMED)
    response = kiosk_client.post(reverse("counters:kiosk", args=["honchosha"]), {"reference": "SKB:K7PQ2M9X"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    assert booking.events.last().actor == "kiosk:honchosha"
    assert Ticket.objects.get(booking_reference="K7PQ2M9X").source == Ticket.Source.BOOKING


def test_the_kiosk_does_not_hold_the_tickets_it_issues(kiosk_client, queues):
    response = kiosk_client.post(reverse("counters:kiosk", args=["honchosha"]), {"counter": "ido"})
    assert response.status_code == 302 and kiosk_client.get(response["Location"]).status_code == 200
    ticket = Ticket.objects.get()
    kiosk_client.post(reverse("counters:cancel_ticket", args=[ticket.token]))  # the next visitor at the kiosk
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING

"""The counter queue: numbers, call order, recall/serve/finish/no-show/transfer, check-in, estimates."""

from datetime import timedelta

import pytest
from django.utils import timezone

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.counters import queries, services
from smartkoto.counters.models import Ticket, TicketEvent

AT_KIOSK = {"actor": Actor.anonymous(), "kiosk": "honchosha"}  # the enrolled lobby kiosk of the main office
PUBLIC = Actor.anonymous()

pytestmark = pytest.mark.django_db
T = Ticket.Status


def test_tickets_are_numbered_per_queue_and_day(ido, cert):
    a1, a2 = services.issue_ticket(ido, **AT_KIOSK), services.issue_ticket(ido, **AT_KIOSK)
    c1 = services.issue_ticket(cert, **AT_KIOSK)
    assert (a1.display, a2.display, c1.display) == ("A001", "A002", "C001")
    assert a1.issued_on == queries.today()


def test_call_next_takes_booked_and_transferred_first_then_by_number(ido, clerk):
    first = services.issue_ticket(ido, **AT_KIOSK)
    booked = services.issue_ticket(ido, source=Ticket.Source.BOOKING, priority=1, **AT_KIOSK)
    called = services.call_next([ido], "3", actor=clerk)
    assert called.pk == booked.pk and called.window == "3" and called.status == T.CALLED
    assert services.call_next([ido], "3", actor=clerk).pk == first.pk
    assert services.call_next([ido], "3", actor=clerk) is None
    assert AuditRecord.objects.filter(action="counters.call").count() == 2


def test_recall_serve_finish_are_recorded(ido, clerk):
    ticket = services.issue_ticket(ido, **AT_KIOSK)
    services.call_next([ido], "1", actor=clerk)
    first_call = Ticket.objects.get(pk=ticket.pk).first_called_at
    ticket = services.act(ticket, "recall", actor=clerk)
    assert ticket.call_count == 2 and ticket.first_called_at == first_call
    ticket = services.act(ticket, "serve", actor=clerk)
    assert ticket.status == T.SERVING
    ticket = services.act(ticket, "finish", actor=clerk)
    assert ticket.status == T.SERVED and ticket.finished_at >= ticket.serving_at
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True)) == ["issue", "call", "recall", "serve", "finish"]


def test_no_show_and_put_back(ido, clerk):
    ticket = services.issue_ticket(ido, **AT_KIOSK)
    services.call_next([ido], "1", actor=clerk)
    ticket = services.act(ticket, "no_show", actor=clerk)
    assert ticket.status == T.NO_SHOW
    ticket = services.act(ticket, "return", actor=clerk)
    assert ticket.status == T.WAITING and ticket.priority == 1


def test_transfer_moves_the_ticket_keeping_its_number(ido, cert, clerk):
    ticket = services.issue_ticket(ido, **AT_KIOSK)
    services.issue_ticket(cert, **AT_KIOSK)
    services.call_next([ido], "1", actor=clerk)
    moved = services.act(ticket, "transfer", actor=clerk, to_counter=cert)
    assert moved.counter_type_id == cert.pk and moved.display == "A001" and moved.status == T.WAITING
    assert services.call_next([cert], "5", actor=clerk).pk == ticket.pk  # transferred go first


def test_impossible_moves_are_refused(ido, clerk):
    ticket = services.issue_ticket(ido, **AT_KIOSK)
    with pytest.raises(services.QueueRefused):
        services.act(ticket, "finish", actor=clerk)  # not called yet
    with pytest.raises(services.QueueRefused):
        services.act(ticket, "no_show", actor=clerk)


def test_ticket_status_counts_people_ahead_and_gives_a_wait_range(ido, clerk):
    tickets = [services.issue_ticket(ido, **AT_KIOSK) for _ in range(4)]
    status = queries.ticket_status(tickets[3], actor=PUBLIC)
    assert status["ahead"] == 3
    assert 0 <= status["wait_min"] < status["wait_max"]
    assert status["wait_min"] % 5 == 0 and status["wait_max"] % 5 == 0
    services.call_next([ido], "1", actor=clerk)
    assert queries.ticket_status(tickets[3], actor=PUBLIC)["ahead"] == 2


def test_wait_range_comes_from_recent_service_times(ido):
    now = timezone.now()
    for minutes in (4, 5, 6, 20):
        Ticket.objects.create(office=ido.office, counter_type=ido, issued_on=queries.today() - timedelta(days=1),
                              number=minutes, display=f"Z{minutes}", status=T.SERVED, issued_at=now, waiting_since=now,
                              serving_at=now - timedelta(minutes=minutes), finished_at=now)
    low, high = queries.service_minutes(ido)
    assert 4 <= low <= 5 and 6 <= high <= 20
    assert queries.wait_range(ido, 10, windows=2, per_person=(4, 8)) == (20, 40)
    assert queries.wait_range(ido, 0) == (0, 5)


def test_check_in_with_a_booking_gives_a_priority_ticket_once(ido, resident, clerk, monkeypatch):
    from smartkoto.appointments import demo as appointments_demo
    from smartkoto.appointments import services as booking_services
    from smartkoto.appointments.models import Booking

    appointments_demo.load()
    today = queries.today()
    from smartkoto.appointments.models import Service

    service = Service.objects.get(code="jumin-ido")
    slot = booking_services.Slot.objects.create(service=service, office=ido.office, capacity=2,
                                                starts_at=timezone.now() + timedelta(minutes=1),
                                                ends_at=timezone.now() + timedelta(minutes=31))
    booking = Booking.objects.create(reference="K7PQ2M9X", service=service, office=ido.office, slot=slot, user=resident,
                                     status=Booking.Status.CONFIRMED)
    if timezone.localtime(slot.starts_at, queries.TOKYO).date() != today:
        pytest.skip("the booking would fall on tomorrow at this hour")
    ticket = services.check_in(ido.office, "skb:k7pq2m9x", actor=clerk)
    assert ticket.counter_type_id == ido.pk and ticket.priority == 1 and ticket.source == Ticket.Source.BOOKING
    assert services.check_in(ido.office, "K7PQ2M9X", actor=clerk).pk == ticket.pk
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    with pytest.raises(services.QueueRefused):
        services.check_in(ido.office, "NOSUCH00", actor=clerk)


def test_congestion_history_has_hourly_rows_without_personal_data(ido, clerk):
    for _ in range(3):
        services.issue_ticket(ido, **AT_KIOSK)
    services.call_next([ido], "1", actor=clerk)
    rows = queries.congestion_history(queries.today(), queries.today(), actor=PUBLIC)
    assert list(rows[0].keys()) == queries.CONGESTION_HISTORY_FIELDS
    assert rows[0]["tickets_issued"] == 3 and rows[0]["tickets_called"] == 1
    assert rows[0]["office_code"] == "honchosha" and rows[0]["counter_code"] == "ido"


def test_hourly_forecast_averages_the_same_weekday(ido, monkeypatch):
    from smartkoto.counters import demo

    monkeypatch.setattr(demo, "HISTORY_OFFICES", {"honchosha": 4})
    demo.history(weeks=3)
    forecast = queries.hourly_forecast(ido, weekday=2, actor=PUBLIC)  # Wednesdays
    assert forecast["days"] >= 1
    assert any(hour["average"] > 0 for hour in forecast["hours"])
    assert all(0 <= hour["width"] <= 10 for hour in forecast["hours"])

"""Koto demo queues (honchosha and the branch offices) and eight weeks of ticket history, so the
congestion forecast, the figures and the open-data CSV have something to show."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from smartkoto.core.i18n import both
from smartkoto.municipality import calendar
from smartkoto.municipality import queries as municipality

from .models import CounterType, Ticket, TicketSequence
from .queries import TOKYO

MAIN = [
    ("ido", "A", "住所変更・戸籍の届出", "Moving and family register notifications", "kumin", 15),
    ("card", "B", "マイナンバーカード", "My Number card", "koseki", 10),
    ("cert", "C", "証明書の発行", "Certificates", "kumin", 5),
    ("hoken", "D", "国民健康保険・年金", "Health insurance and pension", "iryohoken", 12),
]
BRANCH = [
    ("ido", "A", "届出", "Notifications", "kumin", 15),
    ("cert", "C", "証明書の発行", "Certificates", "kumin", 5),
]
CARD_BRANCHES = {"toyosu", "ojima"}
HOURLY = {8: 0.6, 9: 1.4, 10: 1.3, 11: 1.0, 12: 0.7, 13: 0.9, 14: 1.0, 15: 1.1, 16: 0.8}
HISTORY_OFFICES = {"honchosha": 6, "toyosu": 3, "ojima": 2}  # tickets per hour at the usual level


def load():
    for office in municipality.offices():
        rows = MAIN if office.kind == "main" else BRANCH + ([MAIN[1]] if office.code in CARD_BRANCHES else [])
        for order, (code, prefix, ja, en, dept, minutes) in enumerate(rows):
            CounterType.objects.update_or_create(office=office, code=code, defaults={
                "prefix": prefix, "name": both(ja, en), "department_code": dept,
                "default_service_minutes": minutes, "order": order})
    if not Ticket.objects.exists():
        history()


def history(weeks=8, seed=131083):
    """Served and missed tickets on past open days; numbers continue each day from 1."""
    rng = random.Random(seed)
    today = timezone.localtime(timezone.now(), TOKYO).date()
    tickets = []
    for code, rate in HISTORY_OFFICES.items():
        office = municipality.office(code)
        if office is None:
            continue
        for counter_type in CounterType.objects.filter(office=office):
            day = today - timedelta(weeks=weeks)
            while day < today:
                if calendar.is_open(day, office):
                    number = 0
                    monday_boost = 1.4 if day.weekday() == 0 else 1.0
                    for hour, factor in HOURLY.items():
                        for _ in range(max(int(rng.gauss(rate * factor * monday_boost, 1)), 0)):
                            number += 1
                            minute = rng.randint(30 if hour == 8 else 0, 59)
                            issued = datetime.combine(day, time(hour, minute), TOKYO)
                            wait = timedelta(minutes=max(rng.gauss(12 * factor, 5), 1))
                            service = timedelta(minutes=max(rng.gauss(counter_type.default_service_minutes, 3), 1))
                            missed = rng.random() < 0.04
                            tickets.append(Ticket(
                                office=office, counter_type=counter_type, issued_on=day, number=number,
                                display=f"{counter_type.prefix}{number:03d}",
                                status=Ticket.Status.NO_SHOW if missed else Ticket.Status.SERVED,
                                source=Ticket.Source.BOOKING if rng.random() < 0.2 else Ticket.Source.KIOSK,
                                window=str(rng.randint(1, 3)), issued_at=issued, waiting_since=issued,
                                called_at=issued + wait, first_called_at=issued + wait, call_count=1,
                                serving_at=None if missed else issued + wait + timedelta(minutes=1),
                                finished_at=issued + wait + (timedelta(minutes=3) if missed else service + timedelta(minutes=1))))
                    TicketSequence.objects.update_or_create(counter_type=counter_type, day=day, defaults={"last_number": number})
                day += timedelta(days=1)
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    return len(tickets)

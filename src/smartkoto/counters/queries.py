"""Reads of the counter queue: what live pages, the JSON API, managers' figures and open data need.

`congestion_history()` and `CONGESTION_HISTORY_FIELDS` are the stable interface the open-data app
imports; the same rows are published as CSV at /api/counters/congestion-history.csv.
"""

import math
import time as time_module
from collections import defaultdict
from datetime import datetime, time, timedelta
from statistics import quantiles
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from smartkoto.core import audit, guest
from smartkoto.core.i18n import tr
from smartkoto.core.permissions import Forbidden
from smartkoto.municipality import queries as municipality

from .models import CounterType, QueueState, Ticket

from .permissions import GUEST_KIND, figures_departments, policy

TOKYO = ZoneInfo("Asia/Tokyo")
T = Ticket.Status
HOURS = list(range(8, 17))  # 8:30–17:00 opening: hours 8..16
RECENT_DAYS = 14
HISTORY_WEEKS = 8


def today():
    return timezone.localtime(timezone.now(), TOKYO).date()


def version(office):
    return QueueState.objects.filter(office=office).values_list("version", flat=True).first() or 0


def _round_down5(minutes):
    return int(minutes // 5 * 5)


def _round_up5(minutes):
    return int(math.ceil(minutes / 5) * 5)


_memo = {}


def forget():
    """Drop the remembered service times and forecasts (tests measuring a cold page)."""
    _memo.clear()


def _memoised(key, seconds, compute):
    """A per-process memo for figures that change slowly (recent service times, the forecast)."""
    now = time_module.monotonic()
    hit = _memo.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = compute()
    if len(_memo) > 2000:
        _memo.clear()
    _memo[key] = (now + seconds, value)
    return value


def service_minutes(counter_type):
    """(low, high) minutes per person from recent finished tickets (25th and 75th percentile).

    Remembered for a minute per process: a queue page shown a thousand times a minute computes it once.
    """
    return _service_minutes_for([counter_type])[counter_type.pk]


def _service_minutes_for(types):
    """`service_minutes` of several queues: the ones not remembered are computed in one query."""
    now = time_module.monotonic()
    found, missing = {}, []
    for ct in types:
        hit = _memo.get(("service", ct.pk))
        if hit is not None and hit[0] > now:
            found[ct.pk] = hit[1]
        else:
            missing.append(ct)
    if missing:
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        recent = (Ticket.objects.filter(counter_type__in=missing, status=T.SERVED, finished_at__gte=since, serving_at__isnull=False)
                  .annotate(recency=Window(RowNumber(), partition_by=[F("counter_type_id")], order_by=F("finished_at").desc()))
                  .filter(recency__lte=60).values_list("counter_type_id", "serving_at", "finished_at"))
        durations = defaultdict(list)
        for counter_type_id, start, end in recent:
            durations[counter_type_id].append(max((end - start).total_seconds() / 60, 0.5))
        for ct in missing:
            found[ct.pk] = _memoised(("service", ct.pk), 60, lambda ct=ct: _per_person(ct, sorted(durations[ct.pk])))
    return found


def _per_person(counter_type, durations):
    if len(durations) >= 4:
        q = quantiles(durations, n=4)
        return q[0], q[2]
    if durations:
        return min(durations), max(durations)
    usual = counter_type.default_service_minutes
    return usual * 0.5, usual * 1.5


def open_windows(counter_type):
    """Windows that called someone of this queue in the last hour (at least one)."""
    return _open_windows_for([counter_type])[counter_type.pk]


def _open_windows_for(types):
    since = timezone.now() - timedelta(hours=1)
    pairs = set(Ticket.objects.filter(counter_type__in=types, called_at__gte=since).exclude(window="")
                .order_by().values_list("counter_type_id", "window").distinct())
    return {ct.pk: max(sum(1 for type_id, _window in pairs if type_id == ct.pk), 1) for ct in types}


def wait_range(counter_type, ahead, windows=None, per_person=None):
    """Estimated wait in minutes as a range, rounded to 5 minutes, from recent service times."""
    if ahead <= 0:
        return 0, 5
    low, high = per_person or service_minutes(counter_type)
    windows = windows or open_windows(counter_type)
    return _round_down5(ahead * low / windows), max(_round_up5(ahead * high / windows), 5)


def _waiting(counter_type, day):
    return Ticket.objects.filter(counter_type=counter_type, issued_on=day, status=T.WAITING)


def queue_summary(counter_type, day=None, *, actor):
    policy.check(actor, "queue.read", counter_type)
    return _queue_summaries([counter_type], day)[0]


def _queue_summaries(types, day=None):
    """What a live page shows per queue, for several queues in a fixed number of queries (not one set per queue)."""
    types = list(types)
    if not types:
        return []
    day = day or today()
    waiting = dict(Ticket.objects.filter(counter_type__in=types, issued_on=day, status=T.WAITING)
                   .values("counter_type_id").annotate(n=Count("id")).values_list("counter_type_id", "n"))
    calling = defaultdict(list)
    for row in (Ticket.objects.filter(counter_type__in=types, issued_on=day, status__in=[T.CALLED, T.SERVING])
                .annotate(latest=Window(RowNumber(), partition_by=[F("counter_type_id")], order_by=F("called_at").desc(nulls_last=True)))
                .filter(latest__lte=4).order_by("counter_type_id", "latest").values("counter_type_id", "display", "window", "status")):
        calling[row.pop("counter_type_id")].append(row)
    busy = [ct for ct in types if waiting.get(ct.pk)]
    per_person = _service_minutes_for(busy) if busy else {}
    windows = _open_windows_for(busy) if busy else {}
    summaries = []
    for ct in types:
        count = waiting.get(ct.pk, 0)
        low, high = wait_range(ct, count, windows.get(ct.pk), per_person.get(ct.pk))
        now_calling = calling.get(ct.pk, [])
        summaries.append({"code": ct.code, "name": tr(ct.name), "prefix": ct.prefix, "waiting": count,
                          "calling": now_calling, "now_calling": now_calling[0]["display"] if now_calling else "",
                          "wait_min": low, "wait_max": high, "level": level(count)})
    return summaries


def level(waiting):
    """Busy-ness band shown as words and colours: 0 quiet … 3 very busy."""
    if waiting == 0:
        return 0
    if waiting <= 5:
        return 1
    if waiting <= 15:
        return 2
    return 3


def office_status(office, *, actor, types=None):
    """People waiting, numbers called and the wait per queue of one office (public). `types`: the office's
    active queues when the caller has them already."""
    return office_statuses([office], actor=actor, types=types)[0]


def office_statuses(offices, *, actor, types=None):
    """`office_status` of several offices in a fixed number of queries (the congestion overview)."""
    offices = list(offices)
    for office in offices:
        policy.check(actor, "queue.read", office)
    versions = dict(QueueState.objects.filter(office__in=offices).values_list("office_id", "version"))
    types = list(CounterType.objects.filter(office__in=offices, active=True) if types is None else types)
    summaries = dict(zip((ct.pk for ct in types), _queue_summaries(types)))
    updated_at = timezone.localtime(timezone.now(), TOKYO).isoformat(timespec="seconds")
    return [{"office": office.code, "office_name": tr(office.name), "version": versions.get(office.pk, 0),
             "updated_at": updated_at,
             "counters": [summaries[ct.pk] for ct in types if ct.office_id == office.pk]} for office in offices]


def recent_calls(office, limit=8, *, actor):
    policy.check(actor, "queue.read", office)
    return list(Ticket.objects.filter(office=office, issued_on=today(), status__in=[T.CALLED, T.SERVING])
                .select_related("counter_type").order_by("-called_at")[:limit])


def ticket_status(ticket, *, actor):
    """Where a ticket stands (public to whoever has its token)."""
    policy.check(actor, "queue.read", ticket)
    ahead = 0
    if ticket.status == T.WAITING:
        ahead = (_waiting(ticket.counter_type, ticket.issued_on)
                 .filter(Q(priority__gt=ticket.priority)
                         | Q(priority=ticket.priority, waiting_since__lt=ticket.waiting_since)
                         | Q(priority=ticket.priority, waiting_since=ticket.waiting_since, number__lt=ticket.number))
                 .count())
    low, high = wait_range(ticket.counter_type, ahead) if ticket.status == T.WAITING else (0, 0)
    return {"display": ticket.display, "status": ticket.status, "status_label": str(ticket.get_status_display()),
            "counter": tr(ticket.counter_type.name), "ahead": ahead, "window": ticket.window,
            "wait_min": low, "wait_max": high, "issued_at": timezone.localtime(ticket.issued_at, TOKYO).isoformat(timespec="seconds"),
            "version": version(ticket.office)}


def hourly_forecast(counter_type, weekday=None, *, actor):
    """Average tickets issued per hour on this weekday over the last weeks, with a 0–3 busy level.

    Built from days before today only, so it is remembered per process for the rest of the day.
    """
    return hourly_forecasts([counter_type], weekday, actor=actor)[counter_type.pk]


def hourly_forecasts(types, weekday=None, *, actor):
    """`hourly_forecast` of several queues by queue id; those not remembered are computed in one query."""
    for counter_type in types:
        policy.check(actor, "queue.read", counter_type)
    weekday = today().weekday() if weekday is None else weekday
    now, found, missing = time_module.monotonic(), {}, []
    for ct in types:
        hit = _memo.get(("forecast", ct.pk, weekday, today()))
        if hit is not None and hit[0] > now:
            found[ct.pk] = hit[1]
        else:
            missing.append(ct)
    if missing:
        since = today() - timedelta(weeks=HISTORY_WEEKS)
        issued = defaultdict(list)
        for counter_type_id, day, at in (
                Ticket.objects.filter(counter_type__in=missing, issued_on__gte=since, issued_on__lt=today(),
                                      issued_on__week_day=(weekday + 1) % 7 + 1)
                .values_list("counter_type_id", "issued_on", "issued_at")):
            issued[counter_type_id].append((day, at))
        for ct in missing:
            found[ct.pk] = _memoised(("forecast", ct.pk, weekday, today()), 3600,
                                     lambda ct=ct: _hourly_forecast(issued[ct.pk], weekday))
    return found


def _hourly_forecast(issued, weekday):
    per_hour, days = defaultdict(int), set()
    for day, at in issued:
        if day.weekday() != weekday:
            continue
        days.add(day)
        per_hour[timezone.localtime(at, TOKYO).hour] += 1
    count = len(days) or 1
    averages = {hour: per_hour[hour] / count for hour in HOURS}
    top = max(averages.values()) if averages else 0
    rows = []
    for hour in HOURS:
        avg = averages[hour]
        band = 0 if not top else min(int(avg / top * 4), 3) if avg else 0
        rows.append({"hour": hour, "label": f"{hour}:00", "average": round(avg, 1), "level": band,
                     "width": 0 if not top else int(round(avg / top * 10))})
    return {"weekday": weekday, "days": len(days), "hours": rows}


# -- open data: hourly congestion history -----------------------------------------------------------
CONGESTION_HISTORY_FIELDS = [
    "date", "hour", "office_code", "office_name", "counter_code", "counter_name",
    "tickets_issued", "tickets_called", "tickets_served", "no_shows", "average_wait_minutes", "longest_wait_minutes",
]


def congestion_history(start, end, office=None, *, actor):
    """Rows per day, hour (Asia/Tokyo), office and counter type between two dates (inclusive).

    Waits are measured from issue to first call. No personal data: only counts and minutes (public).
    """
    policy.check(actor, "queue.read", office)
    qs = Ticket.objects.filter(issued_on__gte=start, issued_on__lte=end)
    if office is not None:
        qs = qs.filter(office=office)
    names = {ct.pk: (ct.office.code, tr(ct.office.name, "ja"), ct.code, tr(ct.name, "ja"))
             for ct in CounterType.objects.select_related("office")}
    groups = {}
    rows_ = qs.values_list("issued_on", "issued_at", "counter_type_id", "first_called_at", "status")
    for issued_on, issued_at, counter_type_id, first_called_at, status in rows_.iterator(chunk_size=5000):
        office_code, office_name, counter_code, counter_name = names[counter_type_id]
        hour = timezone.localtime(issued_at, TOKYO).hour
        key = (issued_on, hour, office_code, counter_code)
        row = groups.get(key)
        if row is None:
            row = groups[key] = {
                "date": issued_on.isoformat(), "hour": hour, "office_code": office_code, "office_name": office_name,
                "counter_code": counter_code, "counter_name": counter_name, "tickets_issued": 0, "tickets_called": 0,
                "tickets_served": 0, "no_shows": 0, "_waits": []}
        row["tickets_issued"] += 1
        if first_called_at:
            row["tickets_called"] += 1
            row["_waits"].append((first_called_at - issued_at).total_seconds() / 60)
        if status == T.SERVED:
            row["tickets_served"] += 1
        elif status == T.NO_SHOW:
            row["no_shows"] += 1
    rows = []
    for key in sorted(groups):
        row = groups[key]
        waits = row.pop("_waits")
        row["average_wait_minutes"] = round(sum(waits) / len(waits), 1) if waits else ""
        row["longest_wait_minutes"] = round(max(waits), 1) if waits else ""
        rows.append(row)
    return rows


# -- managers' figures ------------------------------------------------------------------------------
def figures(start, end, offices=None, *, actor):
    """Waits and service times by hour and counter, no-show rate, booked vs walk-in share, over the
    departments `actor` may see figures of (auditors: all; department managers: their own)."""
    policy.check(actor, "figures.read")
    department_codes = figures_departments(actor)
    audit.record("counters.figures", actor=actor, detail={"start": str(start), "end": str(end)})
    qs = Ticket.objects.filter(issued_on__gte=start, issued_on__lte=end).select_related("counter_type", "office")
    if offices:
        qs = qs.filter(office__in=offices)
    if department_codes is not None:
        qs = qs.filter(counter_type__department_code__in=department_codes)
    by_key = defaultdict(lambda: {"count": 0, "waits": [], "services": []})
    for ticket in qs.iterator(chunk_size=2000):
        hour = timezone.localtime(ticket.issued_at, TOKYO).hour
        cell = by_key[(ticket.office.code, tr(ticket.counter_type.name), hour)]
        cell["count"] += 1
        if ticket.first_called_at:
            cell["waits"].append((ticket.first_called_at - ticket.issued_at).total_seconds() / 60)
        if ticket.status == T.SERVED and ticket.serving_at and ticket.finished_at:
            cell["services"].append((ticket.finished_at - ticket.serving_at).total_seconds() / 60)
    rows = []
    for (office_code, counter, hour), cell in sorted(by_key.items()):
        rows.append({"office": office_code, "counter": counter, "hour": hour, "count": cell["count"],
                     "wait": round(sum(cell["waits"]) / len(cell["waits"]), 1) if cell["waits"] else None,
                     "service": round(sum(cell["services"]) / len(cell["services"]), 1) if cell["services"] else None})
    totals = qs.aggregate(
        total=Count("id"), booked=Count("id", filter=Q(source=Ticket.Source.BOOKING)),
        walk_in=Count("id", filter=~Q(source=Ticket.Source.BOOKING)),
        no_show=Count("id", filter=Q(status=T.NO_SHOW)), served=Count("id", filter=Q(status=T.SERVED)))
    decided = totals["no_show"] + totals["served"]
    totals["no_show_rate"] = round(totals["no_show"] / decided * 100, 1) if decided else None
    totals["booked_share"] = round(totals["booked"] / totals["total"] * 100, 1) if totals["total"] else None
    totals["walk_in_share"] = round(totals["walk_in"] / totals["total"] * 100, 1) if totals["total"] else None
    return {"rows": rows, "totals": totals}


# -- doors for views --------------------------------------------------------------------------------
def public_offices(*, actor):
    """Offices with an active counter queue."""
    policy.check(actor, "queue.read")
    codes = set(CounterType.objects.filter(active=True).values_list("office__code", flat=True))
    return [office for office in municipality.offices() if office.code in codes]


def office(code, *, actor, with_queues=True):
    """An office by its code (with at least one active queue unless `with_queues=False`), or None."""
    if with_queues:  # the office comes with its first active queue: one query
        queue = CounterType.objects.filter(office__code=code, active=True).select_related("office").first()
        found = queue.office if queue is not None else None
    else:
        found = municipality.office(code)
    if found is None:
        return None
    policy.check(actor, "queue.read", found)
    return found


def counter_types(office, *, actor):
    """The office's active queues (what the kiosk offers)."""
    policy.check(actor, "queue.read", office)
    return CounterType.objects.filter(office=office, active=True)


def counter_type(office, code, *, actor):
    policy.check(actor, "queue.read", office)
    return CounterType.objects.filter(office=office, code=code, active=True).first()


def ticket(token, *, actor, office_code=None, claim=False):
    """A ticket by its secret token (from the kiosk's QR code), or None. With `claim` (the ticket's own
    page, opened on the resident's phone) this browser session becomes the ticket's holder
    (`core.guest`), who may cancel it; the kiosk's "issued" page and the API do not claim."""
    found = Ticket.objects.select_related("counter_type", "office").filter(token=token)
    if office_code is not None:
        found = found.filter(office__code=office_code)
    found = found.first()
    if found is not None:
        policy.check(actor, "queue.read", found)
        if claim:
            guest.claim(actor, GUEST_KIND, found.token)
    return found


def staff_counter_types(*, actor, office=None):
    """Active queues whose desk `actor` may open: own departments' (auditors: all)."""
    qs = CounterType.objects.filter(active=True).select_related("office")
    if office is not None:
        qs = qs.filter(office=office)
    return [ct for ct in qs if policy.can(actor, "desk.read", ct)]


def acting_counter_types(*, actor, office):
    """Queues at `office` where `actor` may act at the desk; `Forbidden` when there is none (auditors read
    desks but never act), checked before anything the browser sent is read."""
    found = [ct for ct in staff_counter_types(actor=actor, office=office) if policy.can(actor, "desk.act", ct)]
    if not found:
        raise Forbidden("counters.desk.act", actor=actor, target=office)
    return found


def desk(office, types, window, *, actor):
    """What the clerk's desk shows: the ticket at `window`, who waits and who was missed in `types`."""
    for ct in types:
        policy.check(actor, "desk.read", ct)
    day = today()
    return {
        "current": (Ticket.objects.filter(office=office, issued_on=day, window=window, status__in=[T.CALLED, T.SERVING])
                    .select_related("counter_type").order_by("-called_at").first()),
        "waiting": (Ticket.objects.filter(counter_type__in=types, issued_on=day, status=T.WAITING)
                    .select_related("counter_type").order_by("-priority", "waiting_since", "number")),
        "missed": Ticket.objects.filter(counter_type__in=types, issued_on=day, status=T.NO_SHOW).order_by("-finished_at")[:10],
        "summaries": _queue_summaries(types),
    }


def figures_offices(*, actor):
    policy.check(actor, "figures.read")
    codes = set(CounterType.objects.values_list("office__code", flat=True))
    return [office for office in municipality.offices() if office.code in codes]


def day_bounds(day):
    start = datetime.combine(day, time.min, TOKYO)
    return start, start + timedelta(days=1)

"""Back office: a calendar per office and service, the day's bookings, walk-ins, no-shows, capacity.

Who may do what is `permissions.py`; the services check it, these views only ask it to show buttons.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.i18n import tr
from smartkoto.core.workflow import TransitionNotAllowed
from smartkoto.core import http
from smartkoto.core.http import private_page

from .. import edge, queries, services
from ..forms import CapacityForm, StaffDayForm, WalkInForm
from ..permissions import policy
from ..services import TOKYO, BookingRefused


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Appointments"), "url": reverse("appointments_staff:calendar")}, *extra]


@private_page
def calendar_view(request):
    """Week grid (Monday to Friday) of places taken per slot, for one service at one office."""
    mine = queries.staff_services(actor=request.actor)
    if not mine:
        raise PermissionDenied
    office_choices = sorted({(o.code, tr(o.name)) for s in mine for o in s.offices.all()})
    data = request.GET if request.GET else None
    first_office = mine[0].offices.first()
    form = StaffDayForm(data, initial={"service": mine[0].code, "office": first_office.code if first_office else "",
                                       "date": services.today()},
                        services=[(s.code, tr(s.name)) for s in mine], offices=office_choices)
    grid, days, service, office = [], [], None, None
    if form.is_valid() or data is None:
        values = form.cleaned_data if data is not None else form.initial
        service = next(s for s in mine if s.code == values["service"])
        office = service.offices.filter(code=values["office"]).first()
        if office is None:
            form.add_error("office", _("This service is not offered at this office."))
        else:
            monday = values["date"] - timedelta(days=values["date"].weekday())
            days = [monday + timedelta(days=i) for i in range(5)]
            by_time = {}
            for d, slots in queries.week_slots(service, office, days, actor=request.actor).items():
                for slot in slots:
                    key = timezone.localtime(slot.starts_at, TOKYO).strftime("%H:%M")
                    by_time.setdefault(key, {})[d] = slot
            for key in sorted(by_time):
                grid.append({"time": key, "cells": [by_time[key].get(d) for d in days]})
    return render(request, "appointments/staff/calendar.html", {
        "form": form, "grid": grid, "days": days, "service": service, "office": office,
        "breadcrumbs": _crumbs()[:-1] + [{"label": _("Appointments")}],
    })


def _parse_day(day):
    """The day of a staff day page: YYYY-MM-DD within a year of today, else 404."""
    found = http.parse_day(day)
    first, last = edge.staff_window(services.today())
    if found is None or not first <= found <= last:
        raise Http404
    return found


@private_page
def day_view(request, code, office_code, day):
    the_day = _parse_day(day)
    found = queries.staff_day(code, office_code, the_day, actor=request.actor)
    if found is None:
        raise Http404
    service, office = found["service"], found["office"]
    capacity_form = CapacityForm(initial={"capacity": found["capacity"]}, prefix="cap")
    walk_in_form = WalkInForm(procedure_choices=services.procedure_choices(service), prefix="walk")
    status = 200
    if request.method == "POST":
        if "cap-capacity" in request.POST:
            capacity_form = CapacityForm(request.POST, prefix="cap")
            if capacity_form.is_valid():
                kept = services.set_capacity(service, office, the_day, capacity_form.cleaned_data["capacity"],
                                             actor=request.actor, reason=capacity_form.cleaned_data["reason"])
                messages.success(request, _("Places per slot changed for this day."))
                if kept:
                    messages.warning(request, _("%(count)s slots already had more bookings; they keep them.") % {"count": kept})
                return redirect(request.path)
            status = 400
        else:
            walk_in_form = WalkInForm(request.POST, procedure_choices=services.procedure_choices(service), prefix="walk")
            if walk_in_form.is_valid():
                try:
                    booking = services.walk_in(service, office, actor=request.actor, name=walk_in_form.cleaned_data["name"],
                                               procedures=walk_in_form.cleaned_data.get("procedures", []))
                    messages.success(request, _("Walk-in booked: %(reference)s at %(time)s.") % {
                        "reference": booking.reference, "time": timezone.localtime(booking.slot.starts_at, TOKYO).strftime("%H:%M")})
                    return redirect(request.path)
                except BookingRefused as refused:
                    walk_in_form.add_error(None, refused.message)
            status = 400
    return render(request, "appointments/staff/day.html", {
        **found, "capacity_form": capacity_form, "walk_in_form": walk_in_form,
        "form": capacity_form if capacity_form.errors else walk_in_form,
        "can_change": policy.can(request.actor, "booking.change_status", service),
        "can_walk_in": policy.can(request.actor, "day.walk_in", service),
        "can_set_capacity": policy.can(request.actor, "day.set_capacity", service),
        "breadcrumbs": _crumbs({"label": f"{tr(service.name)} {the_day:%Y-%m-%d}"}),
    }, status=status)


@private_page
@require_POST
def set_status(request, reference):
    booking = queries.staff_booking(reference, actor=request.actor, for_action="booking.change_status")
    to = request.POST.get("to")
    if booking is None or to not in services.STAFF_MOVES:
        raise Http404
    try:
        services.change_status(booking, to, actor=request.actor, note="by staff")
        messages.success(request, _("Booking %(reference)s updated.") % {"reference": booking.reference})
    except (TransitionNotAllowed, BookingRefused):
        messages.error(request, _("Booking %(reference)s cannot change to that status.") % {"reference": booking.reference})
    day = timezone.localtime(booking.slot.starts_at, TOKYO).date()
    return redirect("appointments_staff:day", code=booking.service.code, office_code=booking.office.code, day=day.isoformat())

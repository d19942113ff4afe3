"""Back office: a calendar per office and service, the day's bookings, walk-ins, no-shows, capacity."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit
from smartkoto.core.i18n import tr

from .. import services
from ..forms import CapacityForm, StaffDayForm, WalkInForm
from ..models import Booking, Service, Slot
from ..services import TOKYO, BookingRefused


def _services_for(user):
    all_services = Service.objects.prefetch_related("offices")
    return [s for s in all_services if user.has_staff_role(department=s.department_code)]


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Appointments"), "url": reverse("appointments_staff:calendar")}, *extra]


def _require(user, service):
    if not user.has_staff_role(department=service.department_code):
        raise PermissionDenied


def calendar_view(request):
    """Week grid (Monday to Friday) of places taken per slot, for one service at one office."""
    mine = _services_for(request.user)
    if not mine:
        raise PermissionDenied
    office_choices = sorted({(o.code, tr(o.name)) for s in mine for o in s.offices.all()})
    data = request.GET if request.GET else None
    form = StaffDayForm(data, initial={"service": mine[0].code, "office": mine[0].offices.first().code if mine[0].offices.exists() else "",
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
            for d in days:
                for slot in services.ensure_slots(service, office, d):
                    key = timezone.localtime(slot.starts_at, TOKYO).strftime("%H:%M")
                    by_time.setdefault(key, {})[d] = slot
            for key in sorted(by_time):
                grid.append({"time": key, "cells": [by_time[key].get(d) for d in days]})
    return render(request, "appointments/staff/calendar.html", {
        "form": form, "grid": grid, "days": days, "service": service, "office": office,
        "breadcrumbs": _crumbs()[:-1] + [{"label": _("Appointments")}],
    })


def day_view(request, code, office_code, day):
    service = get_object_or_404(Service, code=code)
    _require(request.user, service)
    office = get_object_or_404(service.offices, code=office_code)
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        raise Http404
    start = datetime.combine(the_day, time.min, TOKYO)
    slots = list(services.ensure_slots(service, office, the_day))
    bookings = (Booking.objects.filter(service=service, office=office, slot__starts_at__gte=start,
                                       slot__starts_at__lt=start + timedelta(days=1))
                .exclude(status__in=[Booking.Status.EXPIRED]).select_related("slot", "user__profile").order_by("slot__starts_at", "id"))
    audit.record("appointments.staff_view_day", request=request, target=service, department_code=service.department_code,
                 detail={"office": office.code, "date": the_day.isoformat()})
    capacity_form = CapacityForm(initial={"capacity": services.capacity_for(service, office, the_day)}, prefix="cap")
    walk_in_form = WalkInForm(procedure_choices=services.procedure_choices(service), prefix="walk")
    status = 200
    if request.method == "POST":
        if "cap-capacity" in request.POST:
            capacity_form = CapacityForm(request.POST, prefix="cap")
            if capacity_form.is_valid():
                kept = services.set_capacity(service, office, the_day, capacity_form.cleaned_data["capacity"],
                                             request=request, reason=capacity_form.cleaned_data["reason"])
                messages.success(request, _("Places per slot changed for this day."))
                if kept:
                    messages.warning(request, _("%(count)s slots already had more bookings; they keep them.") % {"count": kept})
                return redirect(request.path)
            status = 400
        else:
            walk_in_form = WalkInForm(request.POST, procedure_choices=services.procedure_choices(service), prefix="walk")
            if walk_in_form.is_valid():
                try:
                    booking = services.walk_in(service, office, request=request, name=walk_in_form.cleaned_data["name"],
                                               procedures=walk_in_form.cleaned_data.get("procedures", []))
                    messages.success(request, _("Walk-in booked: %(reference)s at %(time)s.") % {
                        "reference": booking.reference, "time": timezone.localtime(booking.slot.starts_at, TOKYO).strftime("%H:%M")})
                    return redirect(request.path)
                except BookingRefused as refused:
                    walk_in_form.add_error(None, refused.message)
            status = 400
    return render(request, "appointments/staff/day.html", {
        "service": service, "office": office, "day": the_day, "slots": slots, "bookings": bookings,
        "capacity_form": capacity_form, "walk_in_form": walk_in_form, "form": capacity_form if capacity_form.errors else walk_in_form,
        "breadcrumbs": _crumbs({"label": f"{tr(service.name)} {the_day:%Y-%m-%d}"}),
    }, status=status)


@require_POST
def set_status(request, reference):
    booking = get_object_or_404(Booking.objects.select_related("service", "slot", "office"), reference=reference)
    _require(request.user, booking.service)
    to = request.POST.get("to")
    if to not in (Booking.Status.NO_SHOW, Booking.Status.ATTENDED, Booking.Status.CANCELLED):
        raise Http404
    from ..workflow import TransitionRefused

    try:
        if to == Booking.Status.CANCELLED:
            services.cancel(booking, request=request, note="by staff")
        else:
            services.set_status_by_staff(booking, to, request=request)
        messages.success(request, _("Booking %(reference)s updated.") % {"reference": booking.reference})
    except (TransitionRefused, BookingRefused):
        messages.error(request, _("Booking %(reference)s cannot change to that status.") % {"reference": booking.reference})
    day = timezone.localtime(booking.slot.starts_at, TOKYO).date()
    return redirect("appointments_staff:day", code=booking.service.code, office_code=booking.office.code, day=day.isoformat())

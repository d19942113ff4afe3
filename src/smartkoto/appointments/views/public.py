"""Resident pages: choose a service, an office, a day and a time; confirm; see, change or cancel."""

import secrets

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit, qr
from smartkoto.core.downloads import download
from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality
from smartkoto.core import http
from smartkoto.core.http import private_page

from .. import queries, services
from ..forms import ConfirmForm, SlotForm
from ..gate import RETRY_AFTER_SECONDS, Full, booking_gate
from ..ics import booking_ics
from ..models import Booking, Service
from ..permissions import policy
from ..services import TOKYO, BookingRefused


def _crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")},
            {"label": _("Book an appointment"), "url": reverse("appointments:index")}, *extra]


def index(request):
    services_ = queries.active_services(actor=request.actor)
    groups = []
    for kind, label in Service.Kind.choices:
        items = [s for s in services_ if s.kind == kind]
        if items:
            groups.append({"label": label, "services": items})
    return render(request, "appointments/index.html", {"groups": groups, "breadcrumbs": _crumbs()[:-1] + [{"label": _("Book an appointment")}]})


def service_detail(request, code):
    """Choose an office (GET form) and see the days with places left."""
    service = queries.service(code, actor=request.actor)
    if service is None:
        raise Http404
    offices = list(service.offices.all())
    office = None
    office_code = request.GET.get("office") or (offices[0].code if len(offices) == 1 else "")
    error = ""
    if office_code:
        office = next((o for o in offices if o.code == office_code), None)
        if office is None:
            error = _("Choose one of the offices shown.")
    days = services.available_days(service, office, actor=request.actor) if office else []
    return render(request, "appointments/service.html", {
        "service": service, "offices": offices, "office": office, "days": days, "office_error": error,
        "breadcrumbs": _crumbs({"label": tr(service.name)}),
    })


def _slot_label(slot):
    start = timezone.localtime(slot.starts_at, TOKYO)
    end = timezone.localtime(slot.ends_at, TOKYO)
    if slot.remaining:
        left = _("%(count)s places left") % {"count": slot.remaining}
    else:
        left = _("fully booked")
    return f"{start:%H:%M}–{end:%H:%M} ({left})"


def _day_context(service, office, day, actor):
    slots = services.open_slots(service, office, day, actor=actor)
    return slots, [(slot, _slot_label(slot)) for slot in slots if slot.remaining]


def day(request, code, office_code, day):
    """Times of one day; posting one takes a hold (signed-in residents)."""
    service = queries.service(code, actor=request.actor)
    if service is None:
        raise Http404
    office = get_object_or_404(service.offices, code=office_code)
    the_day = http.parse_day(day)
    if the_day is None:
        raise Http404
    if not services.in_horizon(service, the_day):
        first, last = services.horizon(service)
        return render(request, "appointments/day.html", {
            "service": service, "office": office, "day": the_day, "outside": {"first": first, "last": last},
            "breadcrumbs": _crumbs({"label": tr(service.name), "url": reverse("appointments:service", args=[service.code]) + f"?office={office.code}"}),
        }, status=404)
    status = 200
    refusal = None
    if request.method == "POST":
        if not policy.can(request.actor, "booking.create", service):
            return redirect(reverse("identity:sign_in") + "?next=" + request.path)
        all_slots = list(services.ensure_slots(service, office, the_day, actor=request.actor))
        choices = [(s, _slot_label(s)) for s in all_slots if s.remaining]
        form = SlotForm(request.POST, slots=[(s, _slot_label(s)) for s in all_slots])
        if form.is_valid():
            try:
                with booking_gate.enter():
                    booking = services.hold(form.cleaned_data["slot"], actor=request.actor,
                                            idempotency_key=form.cleaned_data["key"])
                return redirect("appointments:confirm", reference=booking.reference)
            except Full:
                response = render(request, "appointments/waiting_room.html", {
                    "form": None, "post": request.POST, "retry": RETRY_AFTER_SECONDS, "breadcrumbs": _crumbs()}, status=503)
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
            except BookingRefused as refused:
                refusal = refused
                status = 409
                all_slots, choices = _day_context(service, office, the_day, request.actor)
                chosen = form.cleaned_data["slot"]
                form = SlotForm(request.POST, slots=[(s, _slot_label(s)) for s in all_slots if s.remaining or s.pk == chosen])
                form.is_valid()
                form.add_error("slot", refused.message)
        else:
            status = 400
    else:
        all_slots, choices = _day_context(service, office, the_day, request.actor)
        form = SlotForm(initial={"key": secrets.token_urlsafe(16)}, slots=choices)
    closed = municipality.calendar.closure_reason(the_day, office) if not choices else None
    response = render(request, "appointments/day.html", {
        "service": service, "office": office, "day": the_day, "closed": closed, "form": form,
        "has_slots": bool(choices), "refusal": refusal,
        "breadcrumbs": _crumbs({"label": tr(service.name), "url": reverse("appointments:service", args=[service.code]) + f"?office={office.code}"},
                               {"label": f"{the_day:%Y-%m-%d}"}),
    }, status=status)
    if refusal is not None:
        response["X-Booking-Refused"] = refusal.code  # for scripted clients; people read the page
    return response


def _owned(request, reference):
    """The booking and its email-link key (kept in the page's links) when the actor may see it."""
    key = request.GET.get("key") or request.POST.get("key") or ""
    booking = queries.booking(reference, actor=request.actor, key=key)
    if booking is None:
        raise Http404
    return booking, key if key and services.token_matches(booking, key) else ""


@private_page
@login_required
def confirm(request, reference):
    booking, _key = _owned(request, reference)
    if booking.status == Booking.Status.CONFIRMED:
        return redirect("appointments:booking", reference=booking.reference)
    if booking.status != Booking.Status.HELD or (booking.hold_expires_at and booking.hold_expires_at < timezone.now()):
        return render(request, "appointments/hold_ended.html", {"booking": booking, "breadcrumbs": _crumbs()}, status=410)
    choices = services.procedure_choices(booking.service)
    profile = request.actor.profile
    form = ConfirmForm(initial={"email": getattr(profile, "email", "")}, procedure_choices=choices)
    if request.method == "POST":
        form = ConfirmForm(request.POST, procedure_choices=choices)
        if form.is_valid():
            try:
                services.confirm(booking, actor=request.actor, procedures=form.cleaned_data.get("procedures", []),
                                 email=form.cleaned_data["email"])
            except BookingRefused as refused:
                return render(request, "appointments/hold_ended.html", {"booking": booking, "message": refused.message, "breadcrumbs": _crumbs()}, status=410)
            return redirect(reverse("appointments:booking", args=[booking.reference]) + "?done=1")
    return render(request, "appointments/confirm.html", {
        "booking": booking, "form": form, "profile": profile,
        "breadcrumbs": _crumbs({"label": _("Check and confirm")}),
    })


@private_page
def booking_detail(request, reference):
    booking, key = _owned(request, reference)
    audit.record("appointments.view", actor=request.actor, target=booking, department_code=booking.department_code)
    return render(request, "appointments/booking.html", {
        "booking": booking, "key": key, "done": request.GET.get("done") == "1",
        "qr_svg": qr.svg(f"SKB:{booking.reference}", title=_("Check-in code %(reference)s") % {"reference": booking.reference}),
        "video_url": services.video_link(booking) if booking.service.is_online and booking.is_active else "",
        "breadcrumbs": _crumbs({"label": _("My bookings"), "url": reverse("appointments:mine")} if request.user.is_authenticated else {"label": _("Booking")},
                               {"label": booking.reference}),
    })


@private_page
def booking_ics_file(request, reference):
    booking, key = _owned(request, reference)
    return download(booking_ics(booking), f"booking-{booking.reference}.ics", "text/calendar; charset=utf-8")


@private_page
def cancel(request, reference):
    booking, key = _owned(request, reference)
    if request.method == "POST":
        if booking.is_active:
            services.cancel(booking, actor=request.actor)
        url = reverse("appointments:booking", args=[booking.reference])
        return redirect(url + (f"?key={key}" if key else ""))
    return render(request, "appointments/cancel.html", {"booking": booking, "key": key,
                                                          "breadcrumbs": _crumbs({"label": booking.reference})})


@private_page
def reschedule(request, reference):
    """Choose another day (GET ?date=) and time; the move is one transaction."""
    booking, key = _owned(request, reference)
    if booking.status != Booking.Status.CONFIRMED:
        return redirect(reverse("appointments:booking", args=[booking.reference]) + (f"?key={key}" if key else ""))
    days = services.available_days(booking.service, booking.office, actor=request.actor)
    chosen = request.GET.get("date") or request.POST.get("date")
    the_day = http.parse_day(chosen or "")
    if the_day is not None and not services.in_horizon(booking.service, the_day):
        the_day = None  # only the days listed can be chosen
    form, status = None, 200
    if the_day:
        if request.method == "POST":  # the time's row is made when it is taken
            services.ensure_slots(booking.service, booking.office, the_day, actor=request.actor)
        all_slots, choices = _day_context(booking.service, booking.office, the_day, request.actor)
        choices = [(s, label) for s, label in choices if s.pk != booking.slot_id]
        form = SlotForm(initial={"key": "reschedule"}, slots=choices)
        if request.method == "POST":
            form = SlotForm(request.POST, slots=[(s, _slot_label(s)) for s in all_slots if s.pk != booking.slot_id])
            if form.is_valid():
                try:
                    with booking_gate.enter():
                        services.reschedule(booking, form.cleaned_data["slot"], actor=request.actor)
                    return redirect(reverse("appointments:booking", args=[booking.reference]) + f"?done=1{'&key=' + key if key else ''}")
                except Full:
                    form.add_error(None, _("Many people are booking right now. Please try again in a few seconds."))
                    status = 503
                except BookingRefused as refused:
                    form.add_error("slot", refused.message)
                    status = 409
            else:
                status = 400
    return render(request, "appointments/reschedule.html", {
        "booking": booking, "key": key, "days": days, "day": the_day, "form": form,
        "breadcrumbs": _crumbs({"label": booking.reference, "url": reverse("appointments:booking", args=[booking.reference])},
                               {"label": _("Change the time")}),
    }, status=status)


@private_page
@login_required
def mine(request):
    bookings = queries.my_bookings(actor=request.actor)
    active = [b for b in bookings if b.is_active]
    past = [b for b in bookings if not b.is_active][:20]
    return render(request, "appointments/mine.html", {"active": active, "past": past,
                                                        "breadcrumbs": _crumbs({"label": _("My bookings")})})


"""Public counter pages: congestion (混雑状況), the lobby kiosk, the display board, the resident's ticket."""

import segno
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.i18n import tr
from smartkoto.municipality.models import Office

from .. import kiosk_devices, live, queries, services
from ..forms import CheckInForm
from ..models import CounterType, Ticket


def _crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")},
            {"label": _("Counter congestion"), "url": reverse("counters:index")}, *extra]


def _office(code):
    office = get_object_or_404(Office, code=code)
    if not CounterType.objects.filter(office=office, active=True).exists():
        raise Http404
    return office


def index(request):
    offices = Office.objects.filter(counter_types__active=True).distinct()
    rows = [queries.office_status(office) for office in offices]
    for row in rows:
        row["waiting_total"] = sum(c["waiting"] for c in row["counters"])
    return render(request, "counters/index.html", {"rows": rows, "breadcrumbs": _crumbs()[:-1] + [{"label": _("Counter congestion")}]})


def congestion(request, office):
    """People waiting, the number being called, the wait as a range and the hourly forecast."""
    office = _office(office)
    etag = live.etag_for(office, "c")
    if response := live.not_modified(request, etag):
        return response
    status = queries.office_status(office)
    forecasts = {ct.code: queries.hourly_forecast(ct) for ct in CounterType.objects.filter(office=office, active=True)}
    for counter in status["counters"]:
        counter["forecast"] = forecasts.get(counter["code"])
    template = "counters/_congestion_live.html" if request.GET.get("fragment") else "counters/congestion.html"
    return live.tag(render(request, template, {
        "office": office, "status": status, "live_url": request.path,
        "breadcrumbs": _crumbs({"label": tr(office.name)}),
    }), etag)


def kiosk(request, office):
    """Lobby kiosk: take a ticket for a queue, or check in with a booking code."""
    office = _office(office)
    types = CounterType.objects.filter(office=office, active=True)
    form = CheckInForm()
    status = 200
    if not kiosk_devices.is_kiosk_for(request, office):
        return render(request, "counters/kiosk_closed.html", {
            "office": office, "breadcrumbs": _crumbs({"label": tr(office.name), "url": reverse("counters:congestion", args=[office.code])},
                                                      {"label": _("Take a number")}),
        }, status=403 if request.method == "POST" else 200)
    if request.method == "POST":
        if "counter" in request.POST:
            counter_type = types.filter(code=request.POST["counter"]).first()
            if counter_type is None:
                raise Http404
            ticket = services.issue_ticket(counter_type, source=Ticket.Source.KIOSK, request=request)
            return redirect(reverse("counters:issued", args=[office.code, ticket.token]))
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                ticket = services.check_in(office, form.cleaned_data["reference"], request=request)
                return redirect(reverse("counters:issued", args=[office.code, ticket.token]))
            except services.QueueRefused as refused:
                form.add_error("reference", refused.message)
        status = 400
    return render(request, "counters/kiosk.html", {"office": office, "types": types, "form": form,
                                                     "body": "kiosk"}, status=status)


def issued(request, office, token):
    """What the kiosk shows after issuing: the number and a QR code to follow it on a phone."""
    ticket = get_object_or_404(Ticket.objects.select_related("counter_type", "office"), token=token, office__code=office)
    url = request.build_absolute_uri(reverse("counters:ticket", args=[ticket.token]))
    qr = segno.make(url, error="m").svg_inline(scale=4, title=_("Link to your ticket page"))
    return render(request, "counters/issued.html", {"ticket": ticket, "office": ticket.office, "qr_svg": qr,
                                                      "ticket_url": url, "status": queries.ticket_status(ticket)})


def display(request, office):
    """The large screen in the waiting hall: numbers now called and to which window."""
    office = _office(office)
    etag = live.etag_for(office, "d")
    if response := live.not_modified(request, etag):
        return response
    template = "counters/_display_live.html" if request.GET.get("fragment") else "counters/display.html"
    return live.tag(render(request, template, {
        "office": office, "calls": queries.recent_calls(office), "status": queries.office_status(office),
        "live_url": request.path,
    }), etag)


def ticket(request, token):
    """The resident's own ticket: number, people ahead, estimated wait; refreshes itself."""
    ticket = get_object_or_404(Ticket.objects.select_related("counter_type", "office"), token=token)
    etag = live.etag_for(ticket.office, "t" + ticket.token[:6])
    if response := live.not_modified(request, etag):
        return response
    template = "counters/_ticket_live.html" if request.GET.get("fragment") else "counters/ticket.html"
    return live.tag(render(request, template, {
        "ticket": ticket, "status": queries.ticket_status(ticket), "office": ticket.office, "live_url": request.path,
        "breadcrumbs": _crumbs({"label": tr(ticket.office.name), "url": reverse("counters:congestion", args=[ticket.office.code])},
                               {"label": _("Ticket %(number)s") % {"number": ticket.display}}),
    }), etag)


@require_POST
def cancel_ticket(request, token):
    ticket = get_object_or_404(Ticket, token=token)
    try:
        services._apply(ticket, "cancel", request=request)
    except services.QueueRefused:
        pass
    return redirect("counters:ticket", token=token)

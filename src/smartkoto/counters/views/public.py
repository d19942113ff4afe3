"""Public counter pages: congestion (混雑状況), the lobby kiosk, the display board, the resident's ticket."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import qr
from smartkoto.core.i18n import tr

from .. import kiosk_devices, live, queries, services
from ..forms import CheckInForm
from ..permissions import Kiosk, policy


def _crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")},
            {"label": _("Counter congestion"), "url": reverse("counters:index")}, *extra]


def _office(request, code):
    office = queries.office(code, actor=request.actor)
    if office is None:
        raise Http404
    return office


def index(request):
    rows = queries.office_statuses(queries.public_offices(actor=request.actor), actor=request.actor)
    for row in rows:
        row["waiting_total"] = sum(c["waiting"] for c in row["counters"])
    return render(request, "counters/index.html", {"rows": rows, "breadcrumbs": _crumbs()[:-1] + [{"label": _("Counter congestion")}]})


def congestion(request, office):
    """People waiting, the number being called, the wait as a range and the hourly forecast."""
    office = _office(request, office)
    etag = live.etag_for(office, "c")
    if response := live.not_modified(request, etag):
        return response
    types = list(queries.counter_types(office, actor=request.actor))
    status = queries.office_status(office, actor=request.actor, types=types)
    by_id = queries.hourly_forecasts(types, actor=request.actor)
    forecasts = {ct.code: by_id[ct.pk] for ct in types}
    for counter in status["counters"]:
        counter["forecast"] = forecasts.get(counter["code"])
    template = "counters/_congestion_live.html" if request.GET.get("fragment") else "counters/congestion.html"
    return live.tag(render(request, template, {
        "office": office, "status": status, "live_url": request.path,
        "breadcrumbs": _crumbs({"label": tr(office.name)}),
    }), etag)


def kiosk(request, office):
    """Lobby kiosk: take a ticket for a queue, or check in with a booking code."""
    office = _office(request, office)
    enrolled = kiosk_devices.enrolled_office(request)
    form = CheckInForm()
    status = 200
    if not policy.can(request.actor, "kiosk.use", Kiosk(office.code, enrolled)):
        return render(request, "counters/kiosk_closed.html", {
            "office": office, "breadcrumbs": _crumbs({"label": tr(office.name), "url": reverse("counters:congestion", args=[office.code])},
                                                      {"label": _("Take a number")}),
        }, status=403 if request.method == "POST" else 200)
    if request.method == "POST":
        if "counter" in request.POST:
            counter_type = queries.counter_type(office, request.POST["counter"], actor=request.actor)
            if counter_type is None:
                raise Http404
            ticket = services.issue_ticket(counter_type, actor=request.actor, kiosk=enrolled)
            return redirect(reverse("counters:issued", args=[office.code, ticket.token]))
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                ticket = services.check_in(office, form.cleaned_data["reference"], actor=request.actor, kiosk=enrolled)
                return redirect(reverse("counters:issued", args=[office.code, ticket.token]))
            except services.QueueRefused as refused:
                form.add_error("reference", refused.message)
        status = 400
    return render(request, "counters/kiosk.html", {"office": office, "types": queries.counter_types(office, actor=request.actor),
                                                     "form": form, "body": "kiosk"}, status=status)


def issued(request, office, token):
    """What the kiosk shows after issuing: the number and a QR code to follow it on a phone."""
    ticket = queries.ticket(token, actor=request.actor, office_code=office)
    if ticket is None:
        raise Http404
    url = request.build_absolute_uri(reverse("counters:ticket", args=[ticket.token]))
    return render(request, "counters/issued.html", {
        "ticket": ticket, "office": ticket.office, "qr_svg": qr.svg(url, title=_("Link to your ticket page")),
        "ticket_url": url, "status": queries.ticket_status(ticket, actor=request.actor)})


def display(request, office):
    """The large screen in the waiting hall: numbers now called and to which window."""
    office = _office(request, office)
    etag = live.etag_for(office, "d")
    if response := live.not_modified(request, etag):
        return response
    template = "counters/_display_live.html" if request.GET.get("fragment") else "counters/display.html"
    return live.tag(render(request, template, {
        "office": office, "calls": queries.recent_calls(office, actor=request.actor),
        "status": queries.office_status(office, actor=request.actor), "live_url": request.path,
    }), etag)


def ticket(request, token):
    """The resident's own ticket: number, people ahead, estimated wait; refreshes itself."""
    ticket = queries.ticket(token, actor=request.actor, claim=True)
    if ticket is None:
        raise Http404
    etag = live.etag_for(ticket.office, "t" + ticket.token[:6])
    if response := live.not_modified(request, etag):
        return response
    template = "counters/_ticket_live.html" if request.GET.get("fragment") else "counters/ticket.html"
    return live.tag(render(request, template, {
        "ticket": ticket, "status": queries.ticket_status(ticket, actor=request.actor), "office": ticket.office,
        "live_url": request.path,
        "breadcrumbs": _crumbs({"label": tr(ticket.office.name), "url": reverse("counters:congestion", args=[ticket.office.code])},
                               {"label": _("Ticket %(number)s") % {"number": ticket.display}}),
    }), etag)


@require_POST
def cancel_ticket(request, token):
    ticket = queries.ticket(token, actor=request.actor)
    if ticket is None:
        raise Http404
    try:
        services.cancel_ticket(ticket, actor=request.actor)
    except services.QueueRefused:
        pass
    return redirect("counters:ticket", token=token)

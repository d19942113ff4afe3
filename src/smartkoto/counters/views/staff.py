"""Back office: the clerk's desk (call next, recall, serve, finish, no-show, transfer), walk-in tickets,
check-in of booked residents, and managers' figures.

Who may do what is `permissions.py`; the services check it, these views only ask it to show buttons.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.i18n import tr
from smartkoto.core.http import private_page

from .. import kiosk_devices, queries, services
from ..forms import CheckInForm, DeskForm, RangeForm
from ..models import Ticket
from ..permissions import policy
from ..workflow import STAFF_ACTIONS


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Counter queue"), "url": reverse("counters_staff:home")}, *extra]


def _office(request, code):
    office = queries.office(code, actor=request.actor, with_queues=False)
    if office is None:
        raise Http404
    return office


def home(request):
    """Choose office, queues and window; the desk page keeps them in its address."""
    mine = queries.staff_counter_types(actor=request.actor)
    if not mine:
        raise PermissionDenied
    offices = sorted({(ct.office.code, tr(ct.office.name)) for ct in mine})
    data = request.GET if "office" in request.GET else None
    office_code = (data or {}).get("office") or offices[0][0]
    types = [(ct.code, tr(ct.name)) for ct in mine if ct.office.code == office_code]
    form = DeskForm(data, initial={"office": office_code}, offices=offices, types=types)
    if data is not None and form.is_valid():
        query = urlencode({"types": form.cleaned_data["types"], "window": form.cleaned_data["window"]}, doseq=True)
        return redirect(reverse("counters_staff:desk", args=[form.cleaned_data["office"]]) + "?" + query)
    return render(request, "counters/staff/home.html", {
        "form": form, "breadcrumbs": _crumbs()[:-1] + [{"label": _("Counter queue")}],
        "show_figures": policy.can(request.actor, "figures.read"),
    })


@require_POST
def enrol_kiosk(request, office):
    """Make this browser the lobby kiosk of `office` (a clerk does this once on the lobby tablet)."""
    office = services.enrol_kiosk(_office(request, office), actor=request.actor)
    return kiosk_devices.enrol(redirect(reverse("counters:kiosk", args=[office.code])), office)


def _desk_context(request, office):
    all_types = queries.staff_counter_types(actor=request.actor, office=office)
    if not all_types:
        raise PermissionDenied
    codes = request.GET.getlist("types") or request.POST.getlist("types")
    types = [ct for ct in all_types if ct.code in codes] or all_types
    window = (request.GET.get("window") or request.POST.get("window") or "1")[:20]
    return all_types, types, window


@private_page
def desk(request, office):
    office = _office(request, office)
    all_types, types, window = _desk_context(request, office)
    return render(request, "counters/staff/desk.html", {
        "office": office, "types": types, "all_types": all_types, "window": window,
        **queries.desk(office, types, window, actor=request.actor), "now": timezone.now(), "check_in_form": CheckInForm(),
        "query": urlencode({"types": [t.code for t in types], "window": window}, doseq=True),
        "can_act": all(policy.can(request.actor, "desk.act", ct) for ct in types),
        "can_enrol": policy.can(request.actor, "kiosk.enrol", office),
        "breadcrumbs": _crumbs({"label": f"{tr(office.name)} · " + _("Window %(window)s") % {"window": window}}),
    })


@require_POST
def action(request, office):
    office = _office(request, office)
    queries.acting_counter_types(actor=request.actor, office=office)
    all_types, types, window = _desk_context(request, office)
    name = request.POST.get("action", "")
    back = reverse("counters_staff:desk", args=[office.code]) + "?" + urlencode({"types": [t.code for t in types], "window": window}, doseq=True)
    try:
        if name == "call_next":
            ticket = services.call_next(types, window, actor=request.actor)
            if ticket is None:
                messages.info(request, _("Nobody is waiting."))
            else:
                messages.success(request, _("Called %(number)s to window %(window)s.") % {"number": ticket.display, "window": window})
        elif name == "issue":
            counter_type = next((ct for ct in all_types if ct.code == request.POST.get("counter")), None)
            if counter_type is None:
                raise Http404
            ticket = services.issue_ticket(counter_type, actor=request.actor)
            messages.success(request, _("Ticket %(number)s issued.") % {"number": ticket.display})
        elif name == "check_in":
            form = CheckInForm(request.POST)
            if not form.is_valid():
                messages.error(request, "; ".join(form.errors["reference"]))
            else:
                ticket = services.check_in(office, form.cleaned_data["reference"], actor=request.actor)
                messages.success(request, _("Checked in: ticket %(number)s.") % {"number": ticket.display})
        elif name in STAFF_ACTIONS:
            ticket = get_object_or_404(Ticket.objects.select_related("counter_type"), pk=request.POST.get("ticket") or 0, office=office)
            to_counter = queries.counter_type(office, request.POST.get("target", ""), actor=request.actor) if name == "transfer" else None
            services.act(ticket, name, actor=request.actor, window=window, to_counter=to_counter)
            messages.success(request, _("Ticket %(number)s updated.") % {"number": ticket.display})
        else:
            raise Http404
    except services.QueueRefused as refused:
        messages.error(request, refused.message)
    return redirect(back)


@private_page
def figures(request):
    """Managers' figures: waits and service times by hour and counter, no-show rate, booked vs walk-in."""
    offices = [(o.code, tr(o.name)) for o in queries.figures_offices(actor=request.actor)]
    end = queries.today()
    data = request.GET if "start" in request.GET else None
    form = RangeForm(data, initial={"start": end - timedelta(days=27), "end": end}, offices=offices)
    result, booking = None, None
    if data is None or form.is_valid():
        values = form.cleaned_data if data is not None else form.initial
        office = queries.office(values.get("office") or "", actor=request.actor, with_queues=False)
        result = queries.figures(values["start"], values["end"], offices=[office] if office else None, actor=request.actor)
        from smartkoto.appointments import queries as appointments

        booking = appointments.booking_figures(values["start"], values["end"], actor=request.actor)
    return render(request, "counters/staff/figures.html", {
        "form": form, "result": result, "booking": booking,
        "breadcrumbs": _crumbs({"label": _("Figures")}),
    })

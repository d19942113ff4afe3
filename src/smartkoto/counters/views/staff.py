"""Back office: the clerk's desk (call next, recall, serve, finish, no-show, transfer), walk-in tickets,
check-in of booked residents, and managers' figures."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit
from smartkoto.core.i18n import tr
from smartkoto.municipality.models import Office

from .. import kiosk_devices, queries, services
from ..forms import CheckInForm, DeskForm, RangeForm
from ..models import CounterType, Ticket

T = Ticket.Status


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Counter queue"), "url": reverse("counters_staff:home")}, *extra]


def _my_types(user, office=None):
    qs = CounterType.objects.filter(active=True).select_related("office")
    if office is not None:
        qs = qs.filter(office=office)
    return [ct for ct in qs if user.has_staff_role(department=ct.department_code)]


def home(request):
    """Choose office, queues and window; the desk page keeps them in its address."""
    mine = _my_types(request.user)
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
        "show_figures": request.user.has_staff_role("department_manager", "dx_admin", "auditor"),
    })


@require_POST
def enrol_kiosk(request, office):
    """Make this browser the lobby kiosk of `office` (a clerk does this once on the lobby tablet)."""
    office = get_object_or_404(Office, code=office)
    if not _my_types(request.user, office):
        raise PermissionDenied
    audit.record("counters.kiosk_enrolled", request=request, target=office)
    return kiosk_devices.enrol(redirect(reverse("counters:kiosk", args=[office.code])), office)


def _desk_context(request, office):
    all_types = _my_types(request.user, office)
    if not all_types:
        raise PermissionDenied
    codes = request.GET.getlist("types") or request.POST.getlist("types")
    types = [ct for ct in all_types if ct.code in codes] or all_types
    window = (request.GET.get("window") or request.POST.get("window") or "1")[:20]
    return all_types, types, window


def desk(request, office):
    office = get_object_or_404(Office, code=office)
    all_types, types, window = _desk_context(request, office)
    day = queries.today()
    current = (Ticket.objects.filter(office=office, issued_on=day, window=window, status__in=[T.CALLED, T.SERVING])
               .select_related("counter_type").order_by("-called_at").first())
    waiting = (Ticket.objects.filter(counter_type__in=types, issued_on=day, status=T.WAITING)
               .select_related("counter_type").order_by("-priority", "waiting_since", "number"))
    missed = Ticket.objects.filter(counter_type__in=types, issued_on=day, status=T.NO_SHOW).order_by("-finished_at")[:10]
    return render(request, "counters/staff/desk.html", {
        "office": office, "types": types, "all_types": all_types, "window": window, "current": current,
        "waiting": waiting, "missed": missed, "now": timezone.now(), "check_in_form": CheckInForm(),
        "query": urlencode({"types": [t.code for t in types], "window": window}, doseq=True),
        "summaries": [queries.queue_summary(ct) for ct in types],
        "breadcrumbs": _crumbs({"label": f"{tr(office.name)} · " + _("Window %(window)s") % {"window": window}}),
    })


@require_POST
def action(request, office):
    office = get_object_or_404(Office, code=office)
    all_types, types, window = _desk_context(request, office)
    name = request.POST.get("action", "")
    back = reverse("counters_staff:desk", args=[office.code]) + "?" + urlencode({"types": [t.code for t in types], "window": window}, doseq=True)
    try:
        if name == "call_next":
            ticket = services.call_next(types, window, request=request)
            if ticket is None:
                messages.info(request, _("Nobody is waiting."))
            else:
                messages.success(request, _("Called %(number)s to window %(window)s.") % {"number": ticket.display, "window": window})
        elif name == "issue":
            counter_type = next((ct for ct in all_types if ct.code == request.POST.get("counter")), None)
            if counter_type is None:
                raise Http404
            ticket = services.issue_ticket(counter_type, source=Ticket.Source.STAFF, request=request)
            messages.success(request, _("Ticket %(number)s issued.") % {"number": ticket.display})
        elif name == "check_in":
            form = CheckInForm(request.POST)
            if not form.is_valid():
                messages.error(request, "; ".join(form.errors["reference"]))
            else:
                ticket = services.check_in(office, form.cleaned_data["reference"], request=request)
                messages.success(request, _("Checked in: ticket %(number)s.") % {"number": ticket.display})
        else:
            ticket = get_object_or_404(Ticket, pk=request.POST.get("ticket"), office=office)
            if ticket.counter_type not in all_types:
                raise PermissionDenied
            if name == "recall":
                services.recall(ticket, request=request, window=window)
            elif name == "serve":
                services.serve(ticket, request=request, window=window)
            elif name == "finish":
                services.finish(ticket, request=request)
            elif name == "no_show":
                services.no_show(ticket, request=request)
            elif name == "return":
                services.put_back(ticket, request=request)
            elif name == "transfer":
                target = CounterType.objects.filter(office=office, code=request.POST.get("target"), active=True).first()
                if target is None:
                    raise services.QueueRefused(_("Choose the queue to move the ticket to."))
                services.transfer(ticket, target, request=request)
            else:
                raise Http404
            messages.success(request, _("Ticket %(number)s updated.") % {"number": ticket.display})
    except services.QueueRefused as refused:
        messages.error(request, refused.message)
    return redirect(back)


def figures(request):
    """Managers' figures: waits and service times by hour and counter, no-show rate, booked vs walk-in."""
    if not request.user.has_staff_role("department_manager", "dx_admin", "auditor"):
        raise PermissionDenied
    offices = [(o.code, tr(o.name)) for o in Office.objects.filter(counter_types__isnull=False).distinct()]
    end = queries.today()
    data = request.GET if "start" in request.GET else None
    form = RangeForm(data, initial={"start": end - timedelta(days=27), "end": end}, offices=offices)
    result, booking = None, None
    if data is None or form.is_valid():
        values = form.cleaned_data if data is not None else form.initial
        office = Office.objects.filter(code=values.get("office") or "").first()
        everywhere = request.user.has_staff_role("dx_admin", "auditor")
        departments = None if everywhere else request.user.department_codes()
        result = queries.figures(values["start"], values["end"], offices=[office] if office else None, department_codes=departments)
        from smartkoto.appointments import queries as appointments

        booking = appointments.booking_figures(values["start"], values["end"], department_codes=departments)
        audit.record("counters.figures", request=request, detail={"start": str(values["start"]), "end": str(values["end"])})
    return render(request, "counters/staff/figures.html", {
        "form": form, "result": result, "booking": booking,
        "breadcrumbs": _crumbs({"label": _("Figures")}),
    })

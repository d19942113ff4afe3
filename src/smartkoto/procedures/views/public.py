"""Public catalog pages: search with filters, one page per procedure, and the online-ready share."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

from .. import queries
from ..lifeevents import LIFE_EVENTS
from ..models import Channel


def _crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("Procedures"), "url": reverse("procedures:catalog")}, *extra]


def catalog(request):
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("q", "department", "life_event", "online")}
    results = queries.search(filters["q"], filters["department"], filters["life_event"], filters["online"])
    departments = queries.departments_with_procedures()
    return render(request, "procedures/catalog.html", {
        "results": results, "filters": filters, "departments": departments, "catalog_version": queries.catalog_version(),
        "municipality_name": municipality.name(),
        "life_events": [(code, tr(label)) for code, label in LIFE_EVENTS.items()],
        "breadcrumbs": _crumbs()[:1] + [{"label": _("Procedures")}],
    })


def detail(request, slug):
    procedure = queries.get(slug)
    if procedure is None:
        raise Http404
    live = procedure.live_version()
    return render(request, "procedures/detail.html", {
        "procedure": procedure, "live": live,
        "life_events": [tr(LIFE_EVENTS[code]) for code in procedure.life_events if code in LIFE_EVENTS],
        "breadcrumbs": _crumbs({"label": tr(procedure.name)}),
    })


def online_share(request):
    share = queries.online_share()
    return render(request, "procedures/online_share.html", {
        "share": share, "targets": queries.ONLINE_SHARE_TARGETS, "municipality_name": municipality.name(),
        "by_channel": [(label, share.by_channel.get(value, 0)) for value, label in Channel.choices],
        "offline_by_law": [p for p in queries.published() if p.law_keeps_offline],
        "breadcrumbs": [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("Online-ready procedures")}],
    })

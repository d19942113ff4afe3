"""Lobby guidance (迷わない窓口): what the visitor came for → counter, floor and ticket type."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from smartkoto.core.i18n import tr
from smartkoto.procedures import queries as procedures

from .. import queries
from ..forms import LobbyForm
from .crumbs import crumbs


def lobby(request):
    routes = list(queries.lobby_routes(actor=request.actor))
    asked = "ask" in request.GET
    form = LobbyForm(request.GET if asked else None, choices=[(r.code, tr(r.label)) for r in routes])
    result = None
    if asked and form.is_valid():
        result = next(r for r in routes if r.code == form.cleaned_data["route"])
    return render(request, "lifeevents/lobby.html", {
        "form": form, "result": result, "pre_entered": form.cleaned_data.get("pre_entered") if result else None,
        "pre_entry_procedure": procedures.get(result.pre_entry_slug) if result and result.pre_entry_slug else None,
        "breadcrumbs": crumbs({"label": _("Which counter do I go to?")}),
    })

"""Back-office pages of floor 1: the staff home and the auditors' search of the audit log."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from smartkoto.core import audit
from smartkoto.core.http import private_page


@private_page
def home(request):
    user = request.user
    # Family name first, as Japanese names are written (and as the government writes them in English too).
    display_name = " ".join(part for part in (user.last_name, user.first_name) if part) or user.username
    return render(request, "core/staff_home.html", {"memberships": user.staff_memberships(), "display_name": display_name})


@private_page
def audit_log(request):
    records = audit.search(request.GET, actor=request.actor)
    filters = {key: request.GET.get(key, "").strip() for key in audit.SEARCH_FILTERS}
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    verified = None
    if request.GET.get("verify"):
        ok, bad, reason, unsealed = audit.verify(actor=request.actor)
        verified = {"ok": ok, "sequence": bad, "reason": reason, "unsealed": unsealed}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {
        "page": page, "filters": filters, "verified": verified, "query": query.urlencode(),
        "breadcrumbs": [{"label": _("Staff home"), "url": "../"}, {"label": _("Audit log")}],
    })

"""Back-office pages of floor 1: the staff home and the auditors' search of the audit log."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from smartkoto.core import audit
from smartkoto.core.models import AuditRecord


def home(request):
    user = request.user
    # Family name first, as Japanese names are written (and as the government writes them in English too).
    display_name = " ".join(part for part in (user.last_name, user.first_name) if part) or user.username
    return render(request, "core/staff_home.html", {"memberships": user.staff_memberships(), "display_name": display_name})


def audit_log(request):
    if not request.user.has_staff_role("auditor", "dx_admin"):
        raise PermissionDenied
    records = AuditRecord.objects.order_by("-sequence")
    filters = {key: request.GET.get(key, "").strip() for key in ("action", "actor", "target", "department", "date_from", "date_to")}
    if filters["action"]:
        records = records.filter(action__icontains=filters["action"])
    if filters["actor"]:
        records = records.filter(actor_label__icontains=filters["actor"])
    if filters["target"]:
        records = records.filter(target_id=filters["target"]) | records.filter(target_type__icontains=filters["target"])
    if filters["department"]:
        records = records.filter(department_code=filters["department"])
    if date_from := parse_date(filters["date_from"] or ""):
        records = records.filter(occurred_at__date__gte=date_from)
    if date_to := parse_date(filters["date_to"] or ""):
        records = records.filter(occurred_at__date__lte=date_to)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    audit.record("audit.search", request=request, detail={k: v for k, v in filters.items() if v})
    verified = None
    if request.GET.get("verify"):
        ok, bad, reason = audit.verify_chain()
        verified = {"ok": ok, "sequence": bad, "reason": reason}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {
        "page": page, "filters": filters, "verified": verified, "query": query.urlencode(),
        "breadcrumbs": [{"label": _("Staff home"), "url": "../"}, {"label": _("Audit log")}],
    })

"""Back office: payments, refunds with a second approver, payment slips, the ledger and reconciliation."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit

from .. import ledger, links, services, slips
from ..forms import IssueSlipForm, PeriodForm, RefundDecisionForm, RefundRequestForm
from ..models import Payment, PaymentSlip, ReconciliationRun, Refund
from ..workflow import Status

ACCOUNTING = "kaikei"


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Payments"), "url": reverse("payments_staff:index")}, *extra]


def sees_all(user):
    return user.has_staff_role(department=ACCOUNTING) or user.has_staff_role("dx_admin", "auditor")


def visible_payments(user):
    if sees_all(user):
        return Payment.objects.all()
    return Payment.objects.filter(department_code__in=user.department_codes())


def can_request_refund(user, payment):
    return (user.has_staff_role("case_worker", "department_manager", department=ACCOUNTING)
            or user.has_staff_role("case_worker", "department_manager", department=payment.department_code)
            or user.has_staff_role("dx_admin"))


def can_approve_refund(user, refund):
    if refund.requested_by_id == user.pk:
        return False
    return (user.has_staff_role("department_manager", department=ACCOUNTING)
            or user.has_staff_role("department_manager", department=refund.payment.department_code)
            or user.has_staff_role("dx_admin"))


def can_keep_ledger(user):
    return user.has_staff_role("case_worker", "department_manager", department=ACCOUNTING) or user.has_staff_role("dx_admin")


def _period(request, default_days=0):
    today = timezone.localdate()
    data = request.GET if "start" in request.GET else {"start": today - timedelta(days=default_days), "end": today}
    form = PeriodForm(data)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


def index(request):
    if not request.user.department_codes() and not sees_all(request.user):
        raise PermissionDenied
    payments = visible_payments(request.user).order_by("-created_at")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    if status in Status.values:
        payments = payments.filter(status=status)
    if q:
        payments = payments.filter(Q(reference__icontains=q) | Q(public_id=q) | Q(provider_ref=q))
    page = Paginator(payments, 50).get_page(request.GET.get("page"))
    audit.record("payments.list_viewed", request=request, detail={"status": status, "q": q, "page": page.number})
    pending_refunds = Refund.objects.filter(state=Refund.State.REQUESTED, payment__in=visible_payments(request.user)).count()
    return render(request, "payments/staff/index.html", {
        "page": page, "status": status, "q": q, "statuses": Status.choices, "pending_refunds": pending_refunds,
        "can_keep_ledger": can_keep_ledger(request.user),
        "breadcrumbs": _crumbs()[:1] + [{"label": _("Payments")}]})


def detail(request, pk):
    payment = get_object_or_404(visible_payments(request.user), pk=pk)
    services.record_staff_view(request, payment)
    form = RefundRequestForm(payment=payment)
    return render(request, "payments/staff/detail.html", _detail_context(request, payment, form))


def _detail_context(request, payment, form):
    return {
        "payment": payment, "events": payment.events.all(), "refunds": payment.refunds.select_related("requested_by", "decided_by"),
        "form": form, "can_refund": can_request_refund(request.user, payment) and payment.refundable_yen > 0 and payment.status in Status.PAID,
        "reference_links": links.for_reference(payment.reference, request.user),
        "breadcrumbs": _crumbs({"label": payment.reference})}


@require_POST
def refund_request(request, pk):
    payment = get_object_or_404(visible_payments(request.user), pk=pk)
    if not can_request_refund(request.user, payment):
        raise PermissionDenied
    form = RefundRequestForm(request.POST, payment=payment)
    if form.is_valid():
        try:
            services.request_refund(payment, amount_yen=form.cleaned_data["amount_yen"], reason=form.cleaned_data["reason"],
                                    requested_by=request.user, request=request)
        except services.RefundRefused:
            form.add_error("amount_yen", _("This is more than can still be refunded."))
        else:
            messages.success(request, _("The refund was requested. Another staff member must approve it."))
            return redirect("payments_staff:detail", pk=pk)
    payment.refresh_from_db()
    return render(request, "payments/staff/detail.html", _detail_context(request, payment, form), status=400)


def refunds(request):
    waiting = Refund.objects.filter(state=Refund.State.REQUESTED, payment__in=visible_payments(request.user)).select_related("payment", "requested_by")
    recent = Refund.objects.exclude(state=Refund.State.REQUESTED).filter(payment__in=visible_payments(request.user)).select_related("payment", "requested_by", "decided_by")[:50]
    items = [{"refund": r, "can_decide": can_approve_refund(request.user, r), "links": links.for_reference(r.payment.reference, request.user)}
             for r in waiting]
    audit.record("payments.refunds_viewed", request=request)
    return render(request, "payments/staff/refunds.html", {
        "items": items, "recent": recent, "form": RefundDecisionForm(),
        "breadcrumbs": _crumbs({"label": _("Refunds")})})


@require_POST
def refund_decide(request, pk):
    refund = get_object_or_404(Refund.objects.select_related("payment"), pk=pk, payment__in=visible_payments(request.user))
    if not can_approve_refund(request.user, refund):
        raise PermissionDenied
    form = RefundDecisionForm(request.POST)
    if form.is_valid():
        approve = request.POST.get("decision") == "approve"
        try:
            result = services.decide_refund(refund, approver=request.user, approve=approve, note=form.cleaned_data["note"], request=request)
        except services.RefundRefused:
            messages.error(request, _("This refund was already decided."))
        else:
            if not approve:
                messages.success(request, _("The refund was rejected."))
            elif result.state == Refund.State.SUCCEEDED:
                messages.success(request, _("The refund was approved and completed."))
            elif result.state == Refund.State.FAILED:
                messages.error(request, _("The provider refused the refund. The amount is available again."))
            else:
                messages.warning(request, _("The refund was approved; the provider has not confirmed it yet."))
    return redirect("payments_staff:refunds")


def slip_list(request):
    if not request.user.department_codes() and not sees_all(request.user):
        raise PermissionDenied
    form = IssueSlipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from .. import demo

        fee = demo.fee(form.cleaned_data["fee_code"])
        if not (request.user.has_staff_role(department=fee["department"]) or request.user.has_staff_role(department=ACCOUNTING)
                or request.user.has_staff_role("dx_admin")):
            raise PermissionDenied
        slip = slips.issue(fee["code"], form.cleaned_data["quantity"], issued_by=request.user, request=request)
        messages.success(request, _("Payment slip issued: payment number %(number)s, confirmation number %(code)s.")
                         % {"number": slip.number, "code": slip.check_code})
        return redirect("payments_staff:slips")
    slips_qs = PaymentSlip.objects.all() if sees_all(request.user) else PaymentSlip.objects.filter(department_code__in=request.user.department_codes())
    audit.record("payments.slips_viewed", request=request)
    return render(request, "payments/staff/slips.html", {
        "form": form, "slips": slips_qs[:100], "breadcrumbs": _crumbs({"label": _("Payment slips")})})


def ledger_view(request):
    if not (can_keep_ledger(request.user) or request.user.has_staff_role("auditor")):
        raise PermissionDenied
    form, start, end = _period(request, default_days=30)
    rows = ledger.totals_by_fee_and_day(start, end) if start else []
    fmt = request.GET.get("format")
    if start and fmt in {"csv", "xlsx"}:
        audit.record("payments.ledger_exported", request=request, department_code=ACCOUNTING,
                     detail={"start": start.isoformat(), "end": end.isoformat(), "format": fmt})
        if fmt == "csv":
            response = HttpResponse(ledger.export_csv(start, end, request.LANGUAGE_CODE), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(ledger.export_xlsx(start, end, request.LANGUAGE_CODE), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="ledger-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"'
        return response
    audit.record("payments.ledger_viewed", request=request, department_code=ACCOUNTING)
    totals = {"payments": sum(r["payments"] for r in rows), "refunds": sum(r["refunds"] for r in rows), "net": sum(r["net"] for r in rows)}
    query = request.GET.copy()
    query.pop("format", None)
    if not query:
        query.update({"start": start.isoformat(), "end": end.isoformat()})
    return render(request, "payments/staff/ledger.html", {
        "form": form, "rows": rows, "totals": totals, "query": query.urlencode(), "start": start, "end": end,
        "breadcrumbs": _crumbs({"label": _("Ledger")})})


def reconciliation(request):
    if not (can_keep_ledger(request.user) or request.user.has_staff_role("auditor")):
        raise PermissionDenied
    today = timezone.localdate()
    form = PeriodForm(request.POST or None, initial={"start": today, "end": today})
    if request.method == "POST":
        if not can_keep_ledger(request.user):
            raise PermissionDenied
        scope = request.POST.get("scope")
        if scope == "day":
            form = PeriodForm({"start": request.POST.get("day") or today, "end": request.POST.get("day") or today})
        elif scope == "month":
            first = today.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            form = PeriodForm({"start": first, "end": last})
        if form.is_valid():
            run = ledger.reconcile(form.cleaned_data["start"], form.cleaned_data["end"], user=request.user, request=request)
            return redirect("payments_staff:reconciliation_run", pk=run.pk)
    return render(request, "payments/staff/reconciliation.html", {
        "form": form, "runs": ReconciliationRun.objects.all()[:20], "today": today,
        "breadcrumbs": _crumbs({"label": _("Reconciliation")})})


def reconciliation_run(request, pk):
    if not (can_keep_ledger(request.user) or request.user.has_staff_role("auditor")):
        raise PermissionDenied
    run = get_object_or_404(ReconciliationRun, pk=pk)
    items = [{**item, "label": ledger.finding_label(item["finding"])} for item in run.items]
    counts = [{"finding": f, "label": ledger.finding_label(f), "count": run.counts.get(f, 0)} for f in ledger.FINDINGS]
    return render(request, "payments/staff/reconciliation_run.html", {
        "run": run, "items": items, "counts": counts,
        "breadcrumbs": _crumbs({"label": _("Reconciliation"), "url": reverse("payments_staff:reconciliation")}, {"label": f"#{run.pk}"})})

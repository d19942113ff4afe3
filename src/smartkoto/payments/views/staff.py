"""Back office: payments, refunds with a second approver, payment slips, the fee table, the ledger and
reconciliation. Views parse, call one service or query with `actor=request.actor`, and render; who may do
what is `permissions.policy` (asked here only to show or hide buttons)."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit, csvfile
from smartkoto.core.downloads import download

from .. import ledger, links, queries, services, slips
from ..forms import FeeAmountForm, IssueSlipForm, PeriodForm, RefundDecisionForm, RefundRequestForm
from ..models import Refund
from ..permissions import accounting_code, policy
from ..workflow import Status


def _crumbs(*extra):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Payments"), "url": reverse("payments_staff:index")}, *extra]


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def _period(request, default_days=0):
    today = timezone.localdate()
    data = request.GET if "start" in request.GET else {"start": today - timedelta(days=default_days), "end": today}
    form = PeriodForm(data)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


def index(request):
    actor = request.actor
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()
    page = Paginator(queries.search_payments(actor=actor, status=status, q=q), 50).get_page(request.GET.get("page"))
    audit.record("payments.list_viewed", actor=actor, detail={"status": status, "q": q, "page": page.number})
    return render(request, "payments/staff/index.html", {
        "page": page, "status": status, "q": q, "statuses": Status.choices,
        "pending_refunds": queries.pending_refund_count(actor=actor),
        "can_keep_ledger": policy.can(actor, "ledger.view"), "can_see_fees": policy.can(actor, "fee.list"),
        "breadcrumbs": _crumbs()[:1] + [{"label": _("Payments")}]})


def detail(request, pk):
    payment = _found(queries.staff_payment(pk, actor=request.actor))
    services.record_staff_view(payment, actor=request.actor)
    return render(request, "payments/staff/detail.html", _detail_context(request, payment, RefundRequestForm(payment=payment)))


def _detail_context(request, payment, form):
    return {
        "payment": payment, "events": payment.events.all(), "refunds": payment.refunds.select_related("requested_by", "decided_by"),
        "form": form, "can_refund": policy.can(request.actor, "refund.request", payment) and payment.refundable_yen > 0 and payment.status in Status.PAID,
        "reference_links": links.for_reference(payment.reference, actor=request.actor),
        "breadcrumbs": _crumbs({"label": payment.reference})}


@require_POST
def refund_request(request, pk):
    payment = _found(queries.staff_payment(pk, actor=request.actor))
    policy.check(request.actor, "refund.request", payment)  # refused before the input is even read
    form = RefundRequestForm(request.POST, payment=payment)
    if form.is_valid():
        try:
            services.request_refund(payment, actor=request.actor, amount_yen=form.cleaned_data["amount_yen"],
                                    reason=form.cleaned_data["reason"])
        except services.RefundRefused:
            form.add_error("amount_yen", _("This is more than can still be refunded."))
        else:
            messages.success(request, _("The refund was requested. Another staff member must approve it."))
            return redirect("payments_staff:detail", pk=pk)
    payment.refresh_from_db()
    return render(request, "payments/staff/detail.html", _detail_context(request, payment, form), status=400)


def refunds(request):
    actor = request.actor
    waiting, recent = queries.refunds(actor=actor)
    items = [{"refund": r, "can_decide": policy.can(actor, "refund.decide", r), "links": links.for_reference(r.payment.reference, actor=actor)}
             for r in waiting]
    audit.record("payments.refunds_viewed", actor=actor)
    return render(request, "payments/staff/refunds.html", {
        "items": items, "recent": recent, "form": RefundDecisionForm(),
        "breadcrumbs": _crumbs({"label": _("Refunds")})})


@require_POST
def refund_decide(request, pk):
    refund = _found(queries.refund_for_decision(pk, actor=request.actor))
    form = RefundDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""  # the note is optional
    approve = request.POST.get("decision") == "approve"
    try:
        result = services.decide_refund(refund, actor=request.actor, approve=approve, note=note)
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
    actor = request.actor
    if request.method == "POST":
        policy.check(actor, "slip.issue")  # a slip issuer somewhere; the fee's department is the service's check
    issued = queries.slips(actor=actor)
    form = IssueSlipForm(request.POST or None, actor=actor)
    if request.method == "POST":
        if form.is_valid():
            try:
                slip = slips.issue(form.cleaned_data["fee_code"], form.cleaned_data["quantity"], actor=actor)
            except slips.SlipRefused:
                form.add_error("fee_code", _("Choose a fee from the list."))
            else:
                messages.success(request, _("Payment slip issued: payment number %(number)s, confirmation number %(code)s.")
                                 % {"number": slip.number, "code": slip.check_code})
                return redirect("payments_staff:slips")
    audit.record("payments.slips_viewed", actor=actor)
    return render(request, "payments/staff/slips.html", {
        "form": form, "slips": issued[:100], "can_issue": policy.can(actor, "slip.issue"),
        "breadcrumbs": _crumbs({"label": _("Payment slips")})}, status=400 if form.errors else 200)


# --- the fee table ---------------------------------------------------------------------------------
def fees(request):
    actor = request.actor
    table = [{"fee": fee, "can_change": policy.can(actor, "fee.change", fee)} for fee in queries.fee_table(actor=actor)]
    return render(request, "payments/staff/fees.html", {"items": table, "breadcrumbs": _crumbs({"label": _("Fees")})})


def fee_detail(request, pk):
    actor = request.actor
    fee = _found(queries.fee_for_staff(pk, actor=actor))
    form = FeeAmountForm(request.POST or None, initial={"amount_yen": fee.amount_yen})
    if request.method == "POST":
        policy.check(actor, "fee.change", fee)
        if form.is_valid():
            services.change_fee_amount(fee, actor=actor, amount_yen=form.cleaned_data["amount_yen"])
            messages.success(request, _("The fee was changed."))
            return redirect("payments_staff:fee", pk=fee.pk)
    return render(request, "payments/staff/fee.html", {
        "fee": fee, "form": form, "can_change": policy.can(actor, "fee.change", fee), "changes": fee.changes.all()[:50],
        "breadcrumbs": _crumbs({"label": _("Fees"), "url": reverse("payments_staff:fees")}, {"label": fee.code})},
        status=400 if form.errors else 200)


# --- ledger and reconciliation ------------------------------------------------------------------------
def ledger_view(request):
    actor = request.actor
    policy.check(actor, "ledger.view", department_code=accounting_code())
    form, start, end = _period(request, default_days=30)
    rows = ledger.totals_by_fee_and_day(start, end, actor=actor) if start else []
    fmt = request.GET.get("format")
    if start and fmt in {"csv", "xlsx"}:
        audit.record("payments.ledger_exported", actor=actor, department_code=accounting_code(),
                     detail={"start": start.isoformat(), "end": end.isoformat(), "format": fmt})
        filename = f"ledger-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
        if fmt == "csv":
            return csvfile.response(ledger.export_rows(start, end, request.LANGUAGE_CODE, actor=actor), ledger.HEADERS, filename)
        return download(ledger.export_xlsx(start, end, request.LANGUAGE_CODE, actor=actor), filename,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    audit.record("payments.ledger_viewed", actor=actor, department_code=accounting_code())
    totals = {"payments": sum(r["payments"] for r in rows), "refunds": sum(r["refunds"] for r in rows), "net": sum(r["net"] for r in rows)}
    query = request.GET.copy()
    query.pop("format", None)
    if not query and start:
        query.update({"start": start.isoformat(), "end": end.isoformat()})
    return render(request, "payments/staff/ledger.html", {
        "form": form, "rows": rows, "totals": totals, "query": query.urlencode(), "start": start, "end": end,
        "breadcrumbs": _crumbs({"label": _("Ledger")})})


def reconciliation(request):
    actor = request.actor
    runs = queries.reconciliation_runs(actor=actor)
    today = timezone.localdate()
    form = PeriodForm(request.POST or None, initial={"start": today, "end": today})
    if request.method == "POST":
        policy.check(actor, "ledger.reconcile", department_code=accounting_code())
        scope = request.POST.get("scope")
        if scope == "day":
            form = PeriodForm({"start": request.POST.get("day") or today, "end": request.POST.get("day") or today})
        elif scope == "month":
            first = today.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            form = PeriodForm({"start": first, "end": last})
        if form.is_valid():
            run = ledger.reconcile(form.cleaned_data["start"], form.cleaned_data["end"], actor=actor)
            return redirect("payments_staff:reconciliation_run", pk=run.pk)
    return render(request, "payments/staff/reconciliation.html", {
        "form": form, "runs": runs[:20], "today": today, "can_reconcile": policy.can(actor, "ledger.reconcile"),
        "breadcrumbs": _crumbs({"label": _("Reconciliation")})})


def reconciliation_run(request, pk):
    run = _found(queries.reconciliation_run(pk, actor=request.actor))
    items = [{**item, "label": ledger.finding_label(item["finding"])} for item in run.items]
    counts = [{"finding": f, "label": ledger.finding_label(f), "count": run.counts.get(f, 0)} for f in ledger.FINDINGS]
    return render(request, "payments/staff/reconciliation_run.html", {
        "run": run, "items": items, "counts": counts,
        "breadcrumbs": _crumbs({"label": _("Reconciliation"), "url": reverse("payments_staff:reconciliation")}, {"label": f"#{run.pk}"})})

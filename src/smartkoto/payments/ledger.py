"""The accounting office's ledger (会計管理室): totals by fee and day, exports, and reconciliation (消込)
of our entries against the provider's settlement report. Findings are flagged, never fixed automatically.
"""

import io
from collections import Counter, defaultdict
from datetime import date

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from smartkoto.core import audit, csvfile

from . import queries
from .models import LedgerEntry, ReconciliationRun
from .permissions import accounting_code, policy
from .providers import registry

MATCHED = "matched"
MISSING_IN_LEDGER = "missing_in_ledger"
MISSING_AT_PROVIDER = "missing_at_provider"
AMOUNT_MISMATCH = "amount_mismatch"
DUPLICATE = "duplicate"
FINDINGS = [MATCHED, MISSING_IN_LEDGER, MISSING_AT_PROVIDER, AMOUNT_MISMATCH, DUPLICATE]


def entries(start, end, *, actor):
    policy.check(actor, "ledger.view")
    return LedgerEntry.objects.filter(booked_on__gte=start, booked_on__lte=end).select_related("payment").order_by("booked_on", "pk")


def totals_by_fee_and_day(start, end, language=None, *, actor):
    """Rows of (day, fee_code, department, payments yen, refunds yen, net yen, count)."""
    rows = (entries(start, end, actor=actor).values("booked_on", "fee_code", "department_code", "kind")
            .annotate(total=Sum("amount_yen"), n=Count("id")).order_by("booked_on", "fee_code"))
    table = defaultdict(lambda: {"payments": 0, "refunds": 0, "count": 0})
    for row in rows:
        key = (row["booked_on"], row["fee_code"], row["department_code"])
        if row["kind"] == LedgerEntry.Kind.PAYMENT:
            table[key]["payments"] += row["total"]
            table[key]["count"] += row["n"]
        else:
            table[key]["refunds"] += row["total"]
    return [{"day": day, "fee_code": fee, "fee_name": queries.fee_name(fee, language, actor=actor), "department_code": dept, **values,
             "net": values["payments"] + values["refunds"]} for (day, fee, dept), values in sorted(table.items())]


HEADERS = ["day", "fee_code", "fee_name", "department_code", "count", "payments_yen", "refunds_yen", "net_yen"]


def export_rows(start, end, language="ja", *, actor):
    """The ledger by fee and day as rows under HEADERS (for `core.csvfile`)."""
    for row in totals_by_fee_and_day(start, end, language, actor=actor):
        yield [row["day"].isoformat(), row["fee_code"], row["fee_name"], row["department_code"], row["count"],
               row["payments"], row["refunds"], row["net"]]


def export_csv(start, end, language="ja", *, actor):
    """CSV through `core.csvfile` (UTF-8 with the BOM Excel needs, formula cells neutralised)."""
    return csvfile.write(export_rows(start, end, language, actor=actor), HEADERS).encode("utf-8")


def export_xlsx(start, end, language="ja", *, actor):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "by fee and day"
    sheet.append(HEADERS)
    for row in export_rows(start, end, language, actor=actor):
        sheet.append(row)
    detail = book.create_sheet("entries")
    detail.append(["booked_on", "kind", "payment", "reference", "fee_code", "department_code", "amount_yen", "provider", "provider_ref"])
    for entry in entries(start, end, actor=actor):
        detail.append([entry.booked_on.isoformat(), entry.kind, entry.payment.public_id, entry.payment.reference, entry.fee_code,
                       entry.department_code, entry.amount_yen, entry.provider, entry.provider_ref])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reconcile(start: date, end: date, *, actor, provider_id=None, report=None):
    """Compare ledger entries in [start, end] with the provider's settlement report for the same days.

    Each item: finding, kind, provider_ref (payment at the provider), line_ref, ledger amount, provider amount.
    """
    policy.check(actor, "ledger.reconcile", department_code=accounting_code())
    provider_id = provider_id or registry.default_id()
    if report is None:
        report = registry.get(provider_id).settlement_report(start, end)
    ours = defaultdict(list)
    for entry in entries(start, end, actor=actor).filter(provider=provider_id):
        key = (entry.kind, entry.provider_ref)
        ours[key].append(entry)
    theirs = defaultdict(list)
    for row in report:
        key = (row.kind, row.line_ref or row.provider_ref) if row.kind == "refund" else ("payment", row.provider_ref)
        theirs[key].append(row)
    items = []
    for key in sorted(set(ours) | set(theirs)):
        kind, ref = key
        mine, provided = ours.get(key, []), theirs.get(key, [])
        ledger_amount = sum(e.amount_yen for e in mine) if mine else None
        provider_amount = sum(r.amount for r in provided) if provided else None
        if len(mine) > 1 or len(provided) > 1:
            finding = DUPLICATE
        elif not mine:
            finding = MISSING_IN_LEDGER
        elif not provided:
            finding = MISSING_AT_PROVIDER
        elif ledger_amount != provider_amount:
            finding = AMOUNT_MISMATCH
        else:
            finding = MATCHED
        items.append({"finding": finding, "kind": kind, "ref": ref,
                      "reference": mine[0].payment.reference if mine else "",
                      "ledger_yen": ledger_amount, "provider_yen": provider_amount,
                      "ledger_count": len(mine), "provider_count": len(provided)})
    counts = Counter(item["finding"] for item in items)
    run = ReconciliationRun.objects.create(provider=provider_id, period_start=start, period_end=end, run_by=actor.user,
                                           counts={f: counts.get(f, 0) for f in FINDINGS}, items=items)
    audit.record("payments.reconciled", actor=actor, target=run, department_code=accounting_code(),
                 detail={"start": start.isoformat(), "end": end.isoformat(), "counts": run.counts})
    return run


def finding_label(finding):
    return {
        MATCHED: _("Matched"),
        MISSING_IN_LEDGER: _("Missing in our ledger"),
        MISSING_AT_PROVIDER: _("Missing in the provider's report"),
        AMOUNT_MISMATCH: _("Amount differs"),
        DUPLICATE: _("Duplicate"),
    }[finding]

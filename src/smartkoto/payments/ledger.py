"""The accounting office's ledger (会計管理室): totals by fee and day, exports, and reconciliation (消込)
of our entries against the provider's settlement report. Findings are flagged, never fixed automatically.
"""

import csv
import io
from collections import Counter, defaultdict
from datetime import date

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from smartkoto.core import audit

from . import demo
from .models import LedgerEntry, ReconciliationRun
from .providers import registry

MATCHED = "matched"
MISSING_IN_LEDGER = "missing_in_ledger"
MISSING_AT_PROVIDER = "missing_at_provider"
AMOUNT_MISMATCH = "amount_mismatch"
DUPLICATE = "duplicate"
FINDINGS = [MATCHED, MISSING_IN_LEDGER, MISSING_AT_PROVIDER, AMOUNT_MISMATCH, DUPLICATE]


def fee_name(code, language=None):
    fee = demo.FEES_BY_CODE.get(code)
    from smartkoto.core.i18n import tr

    return tr(fee["name"], language) if fee else code


def entries(start, end):
    return LedgerEntry.objects.filter(booked_on__gte=start, booked_on__lte=end).select_related("payment").order_by("booked_on", "pk")


def totals_by_fee_and_day(start, end, language=None):
    """Rows of (day, fee_code, department, payments yen, refunds yen, net yen, count)."""
    rows = (entries(start, end).values("booked_on", "fee_code", "department_code", "kind")
            .annotate(total=Sum("amount_yen"), n=Count("id")).order_by("booked_on", "fee_code"))
    table = defaultdict(lambda: {"payments": 0, "refunds": 0, "count": 0})
    for row in rows:
        key = (row["booked_on"], row["fee_code"], row["department_code"])
        if row["kind"] == LedgerEntry.Kind.PAYMENT:
            table[key]["payments"] += row["total"]
            table[key]["count"] += row["n"]
        else:
            table[key]["refunds"] += row["total"]
    return [{"day": day, "fee_code": fee, "fee_name": fee_name(fee, language), "department_code": dept, **values,
             "net": values["payments"] + values["refunds"]} for (day, fee, dept), values in sorted(table.items())]


HEADERS = ["day", "fee_code", "fee_name", "department_code", "count", "payments_yen", "refunds_yen", "net_yen"]


def _export_rows(start, end, language):
    for row in totals_by_fee_and_day(start, end, language):
        yield [row["day"].isoformat(), row["fee_code"], row["fee_name"], row["department_code"], row["count"],
               row["payments"], row["refunds"], row["net"]]


def export_csv(start, end, language="ja"):
    """UTF-8 with BOM so Excel on Windows opens the Japanese names correctly. Fee names in `language`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(_export_rows(start, end, language))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(start, end, language="ja"):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "by fee and day"
    sheet.append(HEADERS)
    for row in _export_rows(start, end, language):
        sheet.append(row)
    detail = book.create_sheet("entries")
    detail.append(["booked_on", "kind", "payment", "reference", "fee_code", "department_code", "amount_yen", "provider", "provider_ref"])
    for entry in entries(start, end):
        detail.append([entry.booked_on.isoformat(), entry.kind, entry.payment.public_id, entry.payment.reference, entry.fee_code,
                       entry.department_code, entry.amount_yen, entry.provider, entry.provider_ref])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reconcile(start: date, end: date, *, provider_id=None, report=None, user=None, request=None):
    """Compare ledger entries in [start, end] with the provider's settlement report for the same days.

    Each item: finding, kind, provider_ref (payment at the provider), line_ref, ledger amount, provider amount.
    """
    provider_id = provider_id or registry.default_id()
    if report is None:
        report = registry.get(provider_id).settlement_report(start, end)
    ours = defaultdict(list)
    for entry in entries(start, end).filter(provider=provider_id):
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
    run = ReconciliationRun.objects.create(provider=provider_id, period_start=start, period_end=end, run_by=user,
                                           counts={f: counts.get(f, 0) for f in FINDINGS}, items=items)
    audit.record("payments.reconciled", request=request, user=user, target=run, department_code="kaikei",
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

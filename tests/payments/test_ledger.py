"""Ledger exports and reconciliation against the provider's settlement report."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from smartkoto.payments import ledger, services
from smartkoto.payments.models import LedgerEntry
from smartkoto.payments.providers.base import SettlementRow
from smartkoto.core.actor import Actor  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_of_payments(make_payment, sim, make_staff):
    payments = []
    for amount, fee in ((600, "juminhyo-copy"), (300, "inkan-certificate"), (2400, "sodai-medium")):
        p = make_payment(amount=amount, fee_code=fee, department_code="seiso" if fee.startswith("sodai") else "kumin")
        sim.pay(p)
        services.poll(p, actor=SYSTEM)
        p.refresh_from_db()
        payments.append(p)
    clerk, boss = make_staff("c", "kaikei", "case_worker"), make_staff("b", "kaikei", "department_manager")
    services.decide_refund(services.request_refund(payments[2], amount_yen=800, reason="1点取消", actor=Actor.for_user(clerk)), actor=Actor.for_user(boss), approve=True)
    return payments


def test_a_clean_day_matches_line_for_line(day_of_payments):
    today = timezone.localdate()
    run = ledger.reconcile(today, today, actor=SYSTEM)
    assert run.counts["matched"] == 4  # three payments and one refund
    assert sum(v for k, v in run.counts.items() if k != "matched") == 0


def test_reconciliation_flags_missing_mismatch_and_duplicate(day_of_payments):
    from smartkoto.payments.providers import registry

    today = timezone.localdate()
    report = registry.get("simulated").settlement_report(today, today)
    by_ref = {row.provider_ref: row for row in report if row.kind == "payment"}
    first, second, third = day_of_payments
    # the provider's report lost one payment, shows another with a different amount and a third twice,
    # and has one we never booked
    report = [r for r in report if not (r.kind == "payment" and r.provider_ref == first.provider_ref)]
    mismatch = by_ref[second.provider_ref]
    report = [r for r in report if r is not mismatch] + [SettlementRow(mismatch.provider_ref, "payment", 350, 11, 339, today, mismatch.line_ref)]
    report.append(by_ref[third.provider_ref])
    report.append(SettlementRow("simpay_stranger", "payment", 500, 16, 484, today, "simpay_stranger"))
    run = ledger.reconcile(today, today, report=report, actor=SYSTEM)
    findings = {(item["ref"], item["finding"]) for item in run.items}
    assert (first.provider_ref, "missing_at_provider") in findings
    assert (second.provider_ref, "amount_mismatch") in findings
    assert (third.provider_ref, "duplicate") in findings
    assert ("simpay_stranger", "missing_in_ledger") in findings
    assert run.counts == {"matched": 1, "missing_in_ledger": 1, "missing_at_provider": 1, "amount_mismatch": 1, "duplicate": 1}
    assert LedgerEntry.objects.count() == 4  # flagged, never fixed


def test_monthly_reconciliation_covers_every_day_of_the_period(day_of_payments):
    today = timezone.localdate()
    LedgerEntry.objects.filter(kind="payment").update(booked_on=today - timedelta(days=1))
    assert ledger.reconcile(today, today, actor=SYSTEM).counts["matched"] < 4
    run = ledger.reconcile(today - timedelta(days=1), today, actor=SYSTEM)
    # booked yesterday, settled today: within the period both sides are found
    assert run.counts["matched"] == 4


def test_csv_export_by_fee_and_day(day_of_payments):
    today = timezone.localdate()
    text = ledger.export_csv(today, today, actor=SYSTEM).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_fee = {row["fee_code"]: row for row in rows}
    assert by_fee["juminhyo-copy"]["payments_yen"] == "600" and by_fee["juminhyo-copy"]["fee_name"] == "住民票の写し"
    assert by_fee["sodai-medium"]["refunds_yen"] == "-800" and by_fee["sodai-medium"]["net_yen"] == "1600"
    assert sum(int(r["net_yen"]) for r in rows) == 600 + 300 + 2400 - 800
    english = ledger.export_csv(today, today, "en", actor=SYSTEM).decode("utf-8-sig")
    assert "Certificate of residence (copy)" in english


def test_excel_export_has_totals_and_entries(day_of_payments):
    from openpyxl import load_workbook

    today = timezone.localdate()
    book = load_workbook(io.BytesIO(ledger.export_xlsx(today, today, actor=SYSTEM)))
    totals = list(book["by fee and day"].iter_rows(values_only=True))
    assert totals[0][:3] == ("day", "fee_code", "fee_name")
    assert sum(row[7] for row in totals[1:]) == 2500
    assert len(list(book["entries"].iter_rows(values_only=True))) == 1 + 4

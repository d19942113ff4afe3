"""Back office: inbox with filters and overdue first, case page with audit, transitions from workflow.py,
messages, notes, decision letter, CSV export, processing times, and the cases API."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from smartkoto.applications import workflow
from smartkoto.core.actor import Actor
from smartkoto.applications.models import Application
from smartkoto.core.models import AuditRecord
from smartkoto.identity.models import ServiceAccount

from .conftest import JUMINHYO

pytestmark = pytest.mark.django_db


def test_case_worker_processes_a_case_to_approval_and_the_resident_sees_it(submitted, case_worker, resident_client, django_capture_on_commit_callbacks):
    page = case_worker.get(f"/staff/cases/{submitted.reference}/")
    body = page.content.decode()
    assert "江東 花子" in body and 'data-testid="form-version"' in body
    assert AuditRecord.objects.filter(action="applications.case_viewed", target_id=str(submitted.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
        case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "approved"})
    submitted.refresh_from_db()
    assert submitted.status == "approved" and submitted.decided_at
    mine = resident_client.get(f"/applications/{submitted.public_id}/").content.decode()
    assert 'data-testid="decision"' in mine
    assert "状態：承認" in mine
    assert "受付票（PDF）" in case_worker.get(f"/staff/cases/{submitted.reference}/").content.decode()
    letter = resident_client.get(f"/applications/{submitted.public_id}/decision.pdf")
    assert letter.content.startswith(b"%PDF-")
    assert case_worker.get(f"/staff/cases/{submitted.reference}/decision.pdf").content.startswith(b"%PDF-")
    history = [s for s in submitted.events.values_list("to_status", flat=True) if s]
    assert history == ["awaiting_payment", "received", "in_review", "approved"]  # paid (600円) before the ward received it


def test_transitions_not_in_the_table_are_refused(submitted, case_worker):
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "approved"})  # received → approved is not allowed
    submitted.refresh_from_db()
    assert submitted.status == "received"
    assert not workflow.WF.allowed("received", "approved", workflow.STAFF)
    assert workflow.WF.allowed("received", "withdrawn", workflow.RESIDENT)
    assert not workflow.WF.allowed("in_review", "withdrawn", workflow.RESIDENT)


def test_rejecting_or_asking_needs_a_reason(submitted, case_worker):
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
    response = case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "rejected", "text": ""})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.status == "in_review"


def test_messages_reach_the_resident_and_notes_do_not(submitted, case_worker, resident_client):
    case_worker.post(f"/staff/cases/{submitted.reference}/message/", {"text": "受け付けました。発送は明日です。"})
    case_worker.post(f"/staff/cases/{submitted.reference}/note/", {"text": "内部メモ：確認済み"})
    body = resident_client.get(f"/applications/{submitted.public_id}/").content.decode()
    assert "発送は明日です" in body and "内部メモ" not in body
    assert "内部メモ" in case_worker.get(f"/staff/cases/{submitted.reference}/").content.decode()


def test_assignment_and_inbox_filters_with_overdue_first(submitted, case_worker, catalog, apply, make_resident):
    other = Client()
    other.force_login(make_resident(name="深川 太郎", subject="second"))
    second = apply(other, "juminhyo", JUMINHYO)
    Application.objects.filter(pk=second.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    from smartkoto.identity.models import User

    me = User.objects.get(username="kumin-case-test")
    case_worker.post(f"/staff/cases/{submitted.reference}/assign/", {"assignee": str(me.pk)})
    submitted.refresh_from_db()
    assert submitted.assigned_to == me
    inbox = case_worker.get("/staff/cases/").content.decode()
    assert inbox.index(second.reference) < inbox.index(submitted.reference)  # overdue first
    mine = case_worker.get("/staff/cases/", {"assigned": "me", "status": ""}).content.decode()
    assert submitted.reference in mine and second.reference not in mine
    unassigned = case_worker.get("/staff/cases/", {"assigned": "none", "status": ""}).content.decode()
    assert second.reference in unassigned and submitted.reference not in unassigned
    found = case_worker.get("/staff/cases/", {"q": second.reference, "status": ""}).content.decode()
    assert second.reference in found and submitted.reference not in found


def test_csv_export_for_core_systems(submitted, case_worker):
    response = case_worker.get("/staff/cases/export.csv", {"status": ""})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["reference"] == submitted.reference
    assert rows[0]["procedure_name"] == "住民票の写しの交付請求" and rows[0]["fee_yen"] == "600" and rows[0]["form_version"] == "1"
    assert AuditRecord.objects.filter(action="applications.cases_exported").exists()


def test_processing_times_per_procedure(submitted, case_worker):
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "approved"})
    from smartkoto.applications import queries
    from smartkoto.identity.models import User

    rows = queries.processing_times(actor=Actor.for_user(User.objects.get(username="kumin-case-test")))
    assert rows[0]["decided"] == 1 and rows[0]["average_days"] is not None
    assert case_worker.get("/staff/cases/processing-times/").status_code == 200


def test_cases_api_needs_a_service_token_with_scope(submitted, koto):
    assert Client().get("/api/applications/cases").status_code == 403
    _account, weak = ServiceAccount.issue("weak", ["catalog:read"])
    assert Client().get("/api/applications/cases", HTTP_AUTHORIZATION=f"Bearer {weak}").status_code == 403
    _account, token = ServiceAccount.issue("core-system", ["cases:read"])
    data = Client().get("/api/applications/cases", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert data["results"][0]["reference"] == submitted.reference and data["results"][0]["fee_yen"] == 600
    one = Client().get(f"/api/applications/cases/{submitted.reference}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert one["answers"]["certificate"]["copies"] == 2


def test_cases_api_of_a_department_account_sees_only_that_department(submitted, koto):
    from smartkoto.municipality.models import Department

    _account, token = ServiceAccount.issue("seiso-system", ["cases:read"], department=Department.objects.get(code="seiso"))
    assert Client().get("/api/applications/cases", HTTP_AUTHORIZATION=f"Bearer {token}").json()["count"] == 0
    refused = Client().get(f"/api/applications/cases/{submitted.reference}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"  # refused like every other door, and audited
    assert AuditRecord.objects.filter(action="access.refused", actor_kind="service").exists()
    assert Client().get("/api/applications/cases/KT-2099-999999", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404

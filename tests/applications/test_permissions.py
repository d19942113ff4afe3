"""applications/permissions.py through every door: the back office pages, the resident's pages and the services
themselves. Each refusal: 403 (or Forbidden from a service), nothing changed, `access.refused` in the audit log."""

import io

import pytest
from django.test import Client
from django.utils.http import content_disposition_header
from PIL import Image

from smartkoto.applications import queries, receivers, services
from smartkoto.applications.models import Application, CaseEvent
from smartkoto.applications.permissions import policy
from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role

pytestmark = pytest.mark.django_db

WRITES = [("status/", {"target": "in_review"}), ("message/", {"text": "連絡です"}), ("note/", {"text": "メモ"}),
          ("fee/", {"amount_yen": "900"}), ("assign/", {"assignee": ""})]


def refusals():
    return AuditRecord.objects.filter(action="access.refused").count()


def snapshot(application):
    application.refresh_from_db()
    return (application.status, application.fee_amount, application.assigned_to_id, CaseEvent.objects.filter(application=application).count())


@pytest.fixture
def staff_client(make_staff, staff_login):
    def make(username, department, role):
        return staff_login(Client(), make_staff(username, department, role))

    return make


def test_auditor_reads_every_department_but_every_write_is_refused(submitted, staff_client):
    auditor = staff_client("auditor-test", "seiso", Role.AUDITOR)  # an auditor of another department reads kumin's case
    base = f"/staff/cases/{submitted.reference}/"
    assert auditor.get(base).status_code == 200
    assert submitted.reference in auditor.get("/staff/cases/").content.decode()
    assert submitted.reference in auditor.get("/staff/cases/export.csv").content.decode("utf-8-sig")
    assert auditor.get(base + "receipt.pdf").status_code == 200
    page = auditor.get(base).content.decode()
    assert 'data-testid="to-in_review"' not in page and "/note/" not in page and "/message/" not in page
    before, count = snapshot(submitted), refusals()
    for suffix, data in WRITES:
        assert auditor.post(base + suffix, data).status_code == 403, suffix
    assert snapshot(submitted) == before
    assert refusals() == count + len(WRITES)


def test_dx_admin_gets_no_case_even_in_their_own_department(submitted, staff_client):
    admin = staff_client("dx-test", "kumin", Role.DX_ADMIN)
    base = f"/staff/cases/{submitted.reference}/"
    before, count = snapshot(submitted), refusals()
    for url in (base, base + "receipt.pdf", "/staff/cases/", "/staff/cases/export.csv", "/staff/cases/processing-times/"):
        assert admin.get(url).status_code == 403, url
    for suffix, data in WRITES:
        assert admin.post(base + suffix, data).status_code == 403, suffix
    assert snapshot(submitted) == before
    assert refusals() == count + 5 + len(WRITES)
    assert AuditRecord.objects.filter(action="access.refused", detail__action="applications.case.list").exists()


def test_case_worker_of_another_department_is_refused_every_write(submitted, staff_client):
    other = staff_client("seiso-worker", "seiso", Role.CASE_WORKER)
    base = f"/staff/cases/{submitted.reference}/"
    before, count = snapshot(submitted), refusals()
    assert other.get(base).status_code == 403
    for suffix, data in WRITES:
        assert other.post(base + suffix, data).status_code == 403, suffix
    assert snapshot(submitted) == before
    assert refusals() == count + 1 + len(WRITES)
    record = AuditRecord.objects.filter(action="access.refused").order_by("-id").first()
    assert record.actor_label == "seiso-worker" and record.department_code == "kumin"


def test_counter_clerk_reads_and_notes_but_does_not_decide(submitted, staff_client):
    clerk = staff_client("clerk-2", "kumin", Role.COUNTER_CLERK)
    base = f"/staff/cases/{submitted.reference}/"
    assert clerk.post(base + "note/", {"text": "窓口で確認済み"}).status_code == 302
    assert CaseEvent.objects.filter(application=submitted, kind="note").count() == 1
    before, count = snapshot(submitted), refusals()
    for suffix, data in [w for w in WRITES if w[0] != "note/"]:
        assert clerk.post(base + suffix, data).status_code == 403, suffix
    assert snapshot(submitted) == before and refusals() == count + len(WRITES) - 1


def test_services_check_the_policy_themselves(submitted, make_staff, make_resident):
    """No view needed: a task, command or another app calling the service is checked the same way."""
    auditor = Actor.for_user(make_staff("auditor-svc", "kumin", Role.AUDITOR))
    other_resident = Actor.for_user(make_resident(name="深川 太郎", subject="svc-other"))
    before = snapshot(submitted)
    calls = [
        lambda: services.transition(submitted, "in_review", actor=auditor),
        lambda: services.assign(submitted, None, actor=auditor),
        lambda: services.message(submitted, "x", actor=auditor),
        lambda: services.note(submitted, "x", actor=auditor),
        lambda: services.set_fee(submitted, 100, actor=auditor),
        lambda: services.withdraw(submitted, actor=other_resident),
        lambda: services.respond(submitted, "x", [], actor=other_resident),
        lambda: services.pay(submitted, actor=other_resident),
        lambda: services.withdraw(submitted, actor=Actor.anonymous()),
        lambda: services.payment_failed(object(), submitted.reference, actor=other_resident),  # only the payment signal
        lambda: queries.case(submitted.reference, actor=other_resident),
        lambda: queries.inbox(actor=Actor.for_user(make_staff("dx-svc", "kumin", Role.DX_ADMIN))),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            call()
    assert snapshot(submitted) == before


def test_the_owner_withdraws_only_while_the_workflow_allows_it(submitted, resident_client, case_worker):
    owner = Application.objects.get(pk=submitted.pk).applicant
    assert queries.can_withdraw(submitted, actor=Actor.for_user(owner))
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
    submitted.refresh_from_db()
    assert not queries.can_withdraw(submitted, actor=Actor.for_user(owner))
    response = resident_client.post(f"/applications/{submitted.public_id}/withdraw/")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "in_review"


def test_payment_link_for_staff_follows_the_case_policy(submitted, make_staff):
    link = receivers.case_link(submitted.reference, Actor.for_user(make_staff("auditor-link", "seiso", Role.AUDITOR)))
    assert link["url"].endswith(f"/staff/cases/{submitted.reference}/")
    assert receivers.case_link(submitted.reference, Actor.for_user(make_staff("kaikei-link", "seiso", Role.CASE_WORKER)))["url"] == ""


def test_rules_by_role():
    class Case:
        department_code, applicant_id, public_id = "kumin", None, "x"

    class Staff:
        is_active, kind = True, "staff"

        def __init__(self, *memberships):
            self.memberships = memberships

        def staff_roles(self):
            return self.memberships

        def get_username(self):
            return "s"

    def actor(*memberships):
        return Actor.for_user(Staff(*memberships))

    manager = actor((Role.DEPARTMENT_MANAGER, "kumin"))
    assert policy.can(manager, "case.change_status", Case) and policy.can(manager, "case.set_fee", Case)
    assert not policy.can(actor((Role.DEPARTMENT_MANAGER, "seiso")), "case.change_status", Case)
    assert not policy.can(actor((Role.DX_ADMIN, "kumin")), "case.read", Case)
    assert policy.can(actor((Role.AUDITOR, "seiso")), "case.read", Case)
    assert not policy.can(actor((Role.AUDITOR, "kumin")), "case.note", Case)
    assert policy.can(actor((Role.COUNTER_CLERK, "kumin")), "case.note", Case)
    assert not policy.can(actor((Role.COUNTER_CLERK, "kumin")), "case.message", Case)


def test_japanese_file_names_are_served_with_a_valid_rfc_6266_header(submitted, case_worker, resident_client):
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "waiting_for_resident", "text": "写しをください"})
    image = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(image, "PNG")
    image.seek(0)
    image.name = "本人確認書類.png"
    resident_client.post(f"/applications/{submitted.public_id}/", {"text": "どうぞ", "document": image})
    item = submitted.attachments.get()
    assert item.original_name == "本人確認書類.png"
    expected = content_disposition_header(True, "本人確認書類.png")
    assert expected == "attachment; filename*=utf-8''%E6%9C%AC%E4%BA%BA%E7%A2%BA%E8%AA%8D%E6%9B%B8%E9%A1%9E.png"
    for client, url in [(resident_client, f"/applications/{submitted.public_id}/files/{item.public_id}/"),
                        (case_worker, f"/staff/cases/{submitted.reference}/files/{item.public_id}/")]:
        response = client.get(url)
        assert response.status_code == 200
        header = response["Content-Disposition"]
        assert header == expected and "=?utf-8?" not in header
        assert response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_csv_export_neutralises_formula_cells(submitted, case_worker):
    Application.objects.filter(pk=submitted.pk).update(applicant_name='=HYPERLINK("http://evil","x")')
    body = case_worker.get("/staff/cases/export.csv").content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body

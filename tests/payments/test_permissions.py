"""The payments policy on every path: auditors never write, DX administrators do not handle payments, staff act
in their own department, a department-scoped service token only in its department. Each refusal is 403 (a page,
or JSON under /api/), changes nothing and leaves an `access.refused` audit record."""

import json

import pytest
from django.core import checks

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.registry import Registry
from smartkoto.core.roles import Role
from smartkoto.identity.models import ServiceAccount
from smartkoto.municipality import queries as municipality
from smartkoto.payments import services, slips
from smartkoto.payments.models import Fee, FeeChange, Payment, PaymentSlip, ReconciliationRun, Refund

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def refused(action):
    return AuditRecord.objects.filter(action="access.refused", detail__action=action)


@pytest.fixture
def paid(make_payment, sim):
    payment = make_payment(amount=600)  # kumin
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    return payment


@pytest.fixture
def as_staff(client, make_staff, staff_login):
    def login(role, department="kumin", username=None):
        return staff_login(client, make_staff(username or f"{role}-{department}", department, role))

    return login


# -- the auditor's write (issue 10): a payment slip ---------------------------------------------------
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DX_ADMIN])
def test_an_auditor_or_dx_admin_cannot_issue_a_payment_slip(as_staff, role):
    client = as_staff(role, "kumin")
    assert client.get("/staff/payments/slips/").status_code == (200 if role == Role.AUDITOR else 403)
    response = client.post("/staff/payments/slips/", {"fee_code": "juminhyo-copy", "quantity": "1"})
    assert response.status_code == 403
    assert not PaymentSlip.objects.exists()
    assert refused("payments.slip.issue").count() == 1  # refused before anything is read or written


def test_staff_cannot_issue_a_slip_for_another_departments_fee(as_staff):
    client = as_staff(Role.COUNTER_CLERK, "kumin")
    assert client.post("/staff/payments/slips/", {"fee_code": "sodai-large", "quantity": "1"}).status_code == 403
    assert not PaymentSlip.objects.exists() and refused("payments.slip.issue").exists()
    assert client.post("/staff/payments/slips/", {"fee_code": "juminhyo-copy", "quantity": "1"}).status_code == 302
    assert PaymentSlip.objects.get().amount_yen == 300


def test_an_auditor_cannot_issue_a_slip_through_the_service_either(make_staff):
    auditor = Actor.for_user(make_staff("auditor", "kumin", Role.AUDITOR))
    with pytest.raises(Forbidden):
        slips.issue("juminhyo-copy", 1, actor=auditor)
    assert not PaymentSlip.objects.exists()  # (inside a test's transaction the refusal is audited by the web layer)


def test_auditors_read_but_never_refund_or_reconcile(as_staff, paid):
    client = as_staff(Role.AUDITOR, "kaikei")
    assert client.get(f"/staff/payments/{paid.pk}/").status_code == 200
    assert client.get("/staff/payments/ledger/").status_code == 200
    assert client.post(f"/staff/payments/{paid.pk}/refund/", {"amount_yen": "100", "reason": "x"}).status_code == 403
    assert client.post("/staff/payments/reconciliation/", {"scope": "day"}).status_code == 403
    assert not Refund.objects.exists() and not ReconciliationRun.objects.exists()
    assert refused("payments.refund.request").exists() and refused("payments.ledger.reconcile").exists()


def test_an_auditor_cannot_approve_a_refund(as_staff, make_staff, paid):
    refund = services.request_refund(paid, amount_yen=100, reason="x", actor=Actor.for_user(make_staff("clerk", "kumin", Role.CASE_WORKER)))
    client = as_staff(Role.AUDITOR, "kumin")
    assert client.post(f"/staff/payments/refunds/{refund.pk}/decide/", {"decision": "approve"}).status_code == 403
    refund.refresh_from_db()
    assert refund.state == "requested" and refused("payments.refund.decide").exists()


def test_dx_admins_do_not_see_or_refund_payments(as_staff, paid):
    client = as_staff(Role.DX_ADMIN, "kumin")
    assert client.get(f"/staff/payments/{paid.pk}/").status_code == 403
    assert client.post(f"/staff/payments/{paid.pk}/refund/", {"amount_yen": "100", "reason": "x"}).status_code == 403
    assert not Refund.objects.exists() and refused("payments.payment.view").exists()


def test_a_case_worker_of_another_department_cannot_refund(as_staff, paid):
    client = as_staff(Role.CASE_WORKER, "seiso")
    assert client.post(f"/staff/payments/{paid.pk}/refund/", {"amount_yen": "100", "reason": "x"}).status_code == 403
    assert not Refund.objects.exists()


def test_staff_lists_show_only_their_departments_payments(as_staff, make_payment):
    mine = make_payment(reference="MINE-1", department_code="seiso", fee_code="sodai-small")
    other = make_payment(reference="OTHER-1", department_code="kumin")
    page = as_staff(Role.COUNTER_CLERK, "seiso").get("/staff/payments/").content.decode()
    assert mine.reference in page and other.reference not in page


# -- a department-scoped service token (issue 10) -----------------------------------------------------
BODY = {"reference": "DEPT-2026-0001", "amount_yen": 1200, "fee_code": "sodai-small", "department_code": "seiso",
        "return_url": "/payments/", "description": {"ja": "粗大ごみ 3点"}}


@pytest.fixture
def seiso_token(koto):
    _account, token = ServiceAccount.issue("seiso-system", ["payments:write", "payments:read"], department=municipality.department("seiso"))
    return token


def api(client, token, method="get", path="/api/payments/", body=None, key="k-1"):
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    if method == "post":
        return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)
    return client.get(path, headers=headers)


def test_a_department_token_cannot_create_another_departments_payment(client, seiso_token):
    response = api(client, seiso_token, "post", body={**BODY, "department_code": "kumin", "fee_code": "juminhyo-copy"})
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    assert not Payment.objects.exists()
    assert refused("payments.payment.create").count() == 1
    assert api(client, seiso_token, "post", body=BODY, key="k-2").status_code == 201


def test_a_department_token_cannot_read_another_departments_payments(client, seiso_token, make_payment):
    other = make_payment(reference="SHARED-REF", department_code="kumin")
    own = make_payment(reference="SHARED-REF", department_code="seiso", fee_code="sodai-small")
    response = api(client, seiso_token, path=f"/api/payments/{other.public_id}")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    assert refused("payments.payment.view").count() == 1
    assert api(client, seiso_token, path=f"/api/payments/{own.public_id}").status_code == 200
    listed = api(client, seiso_token, path="/api/payments/?reference=SHARED-REF").json()["results"]
    assert [item["id"] for item in listed] == [own.public_id]


def test_a_token_without_department_reads_every_department(client, make_payment, koto):
    _account, token = ServiceAccount.issue("kaikei-system", ["payments:read"])
    make_payment(reference="R", department_code="kumin")
    make_payment(reference="R", department_code="seiso", fee_code="sodai-small")
    assert len(api(client, token, path="/api/payments/?reference=R").json()["results"]) == 2


# -- residents and guests -------------------------------------------------------------------------------
def test_a_resident_cannot_open_or_pay_another_residents_payment(client, make_resident, make_payment):
    owner, other = make_resident(subject="owner"), make_resident(subject="other")
    payment = make_payment(payer=owner)
    client.force_login(other)
    assert client.get(f"/payments/p/{payment.public_id}/").status_code == 403
    assert client.post(f"/payments/p/{payment.public_id}/pay/").status_code == 403
    payment.refresh_from_db()
    assert payment.status == "created" and refused("payments.payment.own").count() == 2


def test_a_resident_cannot_create_a_payment_for_someone_else(make_resident):
    owner, other = make_resident(subject="owner"), make_resident(subject="other")
    with pytest.raises(Forbidden):
        services.request_payment(actor=Actor.for_user(other), payer=owner, reference="X", amount_yen=100, description={},
                                 fee_code="juminhyo-copy", department_code="kumin", return_url="/", idempotency_key="x")
    assert not Payment.objects.exists()


# -- the fee table ----------------------------------------------------------------------------------------
def test_a_department_manager_changes_a_fee_of_their_department_and_the_history_shows_it(as_staff):
    fee = Fee.objects.get(code="juminhyo-copy")
    client = as_staff(Role.DEPARTMENT_MANAGER, "kumin")
    assert "住民票の写し" in client.get("/staff/payments/fees/").content.decode()
    assert client.post(f"/staff/payments/fees/{fee.pk}/", {"amount_yen": "350"}).status_code == 302
    fee.refresh_from_db()
    assert fee.amount_yen == 350
    change = FeeChange.objects.get()
    assert (change.old_amount_yen, change.new_amount_yen, change.changed_by.username) == (300, 350, "department_manager-kumin")
    assert AuditRecord.objects.filter(action="payments.fee_changed", target_id=str(fee.pk)).exists()
    page = client.get(f"/staff/payments/fees/{fee.pk}/").content.decode()
    assert "350円" in page and "300円" in page
    slip = slips.issue("juminhyo-copy", 2, actor=SYSTEM)
    assert slip.amount_yen == 700  # new slips use the table


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", ""])
def test_a_fee_amount_must_be_whole_yen_not_negative(as_staff, value):
    fee = Fee.objects.get(code="juminhyo-copy")
    client = as_staff(Role.DEPARTMENT_MANAGER, "kumin")
    response = client.post(f"/staff/payments/fees/{fee.pk}/", {"amount_yen": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_amount_yen"' in page  # the error summary links to the field
    assert {"-1": "金額は0以上で入力してください。", "": "金額を円で入力してください。"}.get(value, "金額は円単位の整数で入力してください。") in page
    fee.refresh_from_db()
    assert fee.amount_yen == 300 and not FeeChange.objects.exists()


def test_a_dx_admin_may_change_any_fee(as_staff):
    fee = Fee.objects.get(code="sodai-large")
    assert as_staff(Role.DX_ADMIN, "kumin").post(f"/staff/payments/fees/{fee.pk}/", {"amount_yen": "0"}).status_code == 302
    fee.refresh_from_db()
    assert fee.amount_yen == 0


@pytest.mark.parametrize("role,department", [(Role.DEPARTMENT_MANAGER, "seiso"), (Role.CASE_WORKER, "kumin"), (Role.AUDITOR, "kumin")])
def test_others_cannot_change_a_fee(as_staff, role, department):
    fee = Fee.objects.get(code="juminhyo-copy")
    client = as_staff(role, department)
    assert client.get(f"/staff/payments/fees/{fee.pk}/").status_code == 200
    assert client.post(f"/staff/payments/fees/{fee.pk}/", {"amount_yen": "1"}).status_code == 403
    fee.refresh_from_db()
    assert fee.amount_yen == 300 and not FeeChange.objects.exists() and refused("payments.fee.change").exists()


# -- the provider registry ---------------------------------------------------------------------------
def test_an_unknown_configured_provider_is_a_startup_error_naming_it(settings):
    from smartkoto.payments.apps import check_provider

    settings.PAYMENTS_PROVIDER = "paypay"
    errors = check_provider()
    assert [e.id for e in errors] == ["payments.E001"] and "paypay" in errors[0].msg and "simulated" in errors[0].msg
    assert any(e.id == "payments.E001" for e in checks.run_checks())
    settings.PAYMENTS_PROVIDER = "simulated"
    assert check_provider() == []


def test_the_provider_registry_refuses_duplicate_ids():
    from smartkoto.payments.providers import registry

    assert set(registry.ids()) >= {"simulated", "stripe"}

    class Another:
        pass

    with pytest.raises(ValueError):
        registry.providers("simulated")(Another)
    assert isinstance(registry.providers, Registry)


def test_the_slip_form_offers_only_fees_of_the_clerks_department(as_staff):
    page = as_staff(Role.COUNTER_CLERK, "seiso").get("/staff/payments/slips/").content.decode()
    assert 'value="sodai-large"' in page and 'value="juminhyo-copy"' not in page


def test_the_api_without_a_token_is_refused_and_audited(client, koto):
    body = json.dumps(BODY)
    assert client.post("/api/payments/", data=body, content_type="application/json", headers={"Idempotency-Key": "x"}).status_code == 403
    assert client.get("/api/payments/?reference=x").status_code == 403
    assert not Payment.objects.exists()
    assert refused("payments.api.write").count() == 1 and refused("payments.api.read").count() == 1


def test_a_read_only_token_cannot_create(client, koto):
    _account, token = ServiceAccount.issue("reader", ["payments:read"])
    assert api(client, token, "post", body=BODY).status_code == 403
    assert not Payment.objects.exists() and refused("payments.api.write").exists()

"""The Actor (who acts), strict roles per department, scoped service tokens, policies that refuse with
an audited `Forbidden`, and the middleware that answers refusals with 403 (page, or JSON under /api/)."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden, Policy, acts_in_department, department_of, reads_department, record_refusal
from smartkoto.core.roles import Role

# -- a policy and views used only here (this module is also the URL configuration of the middleware tests)
policy = Policy("testapp")


@policy.rule("thing.write")
def _(actor, obj):
    return acts_in_department(actor, obj, Role.CASE_WORKER)


@policy.rule("thing.read")
def _(actor, obj):
    return reads_department(actor, obj)


def _refusing_view(request):
    policy.check(request.actor, "thing.write", "kumin")
    return HttpResponse("changed")


urlpatterns = [
    path("api/test/refuse/", _refusing_view),
    path("staff-like/refuse/", _refusing_view),
]


@pytest.fixture
def rf():
    return RequestFactory()


def _request(rf, user=None, service_account=None, session=None):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/x", REMOTE_ADDR="192.0.2.7", HTTP_X_REQUEST_ID="req-1")
    request.request_id = "req-1"
    request.user = user or AnonymousUser()
    request.service_account = service_account
    request.session = session if session is not None else {}
    return request


# -- making an Actor ------------------------------------------------------------------------------
def test_anonymous_actor_from_a_request(rf):
    actor = Actor.from_request(_request(rf))
    assert actor.is_anonymous and not actor.is_staff and not actor.is_resident
    assert actor.user is None and actor.client_address == "192.0.2.7" and actor.request_id == "req-1"
    assert actor.session == {} and actor.memberships == frozenset() and not actor.has_role()


def test_resident_actor_from_a_request(rf, resident):
    actor = Actor.from_request(_request(rf, user=resident))
    assert actor.is_resident and actor.resident == resident and actor.profile == resident.profile
    assert actor.assurance_level == resident.profile.assurance_level
    assert not actor.is_staff and not actor.has_role() and actor.department_codes() == set()
    assert actor.audit_context() == {"actor_kind": "resident", "actor_id": resident.pk, "actor_label": resident.username}


def test_staff_actor_from_a_request(rf, make_staff):
    user = make_staff(username="cw", department="kumin", role=[Role.CASE_WORKER, Role.COUNTER_CLERK])
    actor = Actor.from_request(_request(rf, user=user))
    assert actor.is_staff and actor.resident is None and actor.profile is None and actor.assurance_level == 0
    assert actor.memberships == {(Role.CASE_WORKER, "kumin"), (Role.COUNTER_CLERK, "kumin")}


def test_an_inactive_staff_member_holds_no_role(make_staff):
    user = make_staff(username="gone", department="kumin", role=Role.CASE_WORKER)
    user.is_active = False
    user.save()
    actor = Actor.for_user(user)
    assert not actor.is_staff and not actor.has_role() and not actor.has_role(Role.CASE_WORKER, department="kumin")


def test_a_service_token_wins_over_the_signed_in_user(rf, koto, resident):
    from smartkoto.identity.models import ServiceAccount

    account, _token = ServiceAccount.issue("core-system", ["payments:read"])
    actor = Actor.from_request(_request(rf, user=resident, service_account=account))
    assert actor.is_service and actor.user is None and actor.service_account == account
    assert actor.audit_context() == {"actor_kind": "service", "actor_id": account.pk, "actor_label": "service:core-system"}


def test_system_actor_for_tasks_and_commands():
    actor = Actor.system("nightly")
    assert actor.is_system and str(actor) == "nightly"
    assert actor.audit_context() == {"actor_kind": "system", "actor_id": None, "actor_label": "nightly"}
    assert not actor.has_role() and not actor.has_scope("payments:read")


# -- roles: strict per department ---------------------------------------------------------------
def test_has_role_is_strict_per_department(make_staff):
    worker = Actor.for_user(make_staff(username="cw", department="kumin", role=Role.CASE_WORKER))
    assert worker.has_role(Role.CASE_WORKER, department="kumin")
    assert not worker.has_role(Role.CASE_WORKER, department="kosodate")
    assert not worker.has_role(Role.DEPARTMENT_MANAGER, department="kumin")
    assert worker.has_role() and worker.has_role(department="kumin") and not worker.has_role(department="kosodate")
    assert worker.department_codes() == {"kumin"} and worker.department_codes(Role.DEPARTMENT_MANAGER) == set()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DX_ADMIN])
def test_auditors_and_dx_admins_hold_no_role_in_other_departments(make_staff, role):
    actor = Actor.for_user(make_staff(username="wide", department="dx", role=role))
    assert actor.has_role(role) and actor.has_role(role, department="dx")
    assert not actor.has_role(department="kumin") and not actor.has_role(role, department="kumin")
    assert not acts_in_department(actor, "kumin")


def test_has_role_accepts_a_department_object(make_staff):
    from smartkoto.municipality import queries

    worker = Actor.for_user(make_staff(username="cw", department="kumin", role=Role.CASE_WORKER))
    assert worker.has_role(Role.CASE_WORKER, department=queries.department("kumin"))
    assert not worker.has_role(Role.CASE_WORKER, department=queries.department("kosodate"))


def test_reads_department_lets_auditors_read_everywhere_but_not_dx_admins(make_staff):
    auditor = Actor.for_user(make_staff(username="aud", department="dx", role=Role.AUDITOR))
    dx = Actor.for_user(make_staff(username="dx", department="dx", role=Role.DX_ADMIN))
    worker = Actor.for_user(make_staff(username="cw", department="kumin", role=Role.CASE_WORKER))
    assert reads_department(auditor, "kosodate") and reads_department(worker, "kumin")
    assert not reads_department(worker, "kosodate") and not reads_department(dx, "kumin")


def test_department_of_reads_codes_objects_and_department_fields(koto):
    from types import SimpleNamespace

    from smartkoto.municipality import queries

    assert department_of("kumin") == "kumin" and department_of(None) is None
    assert department_of(queries.department("kumin")) == "kumin"
    assert department_of(SimpleNamespace(department_code="seiso")) == "seiso"
    assert department_of(SimpleNamespace(department=queries.department("hoiku"))) == "hoiku"


# -- service tokens: scope and department -------------------------------------------------------
def test_a_department_scoped_token_matches_only_its_own_department(koto):
    from smartkoto.identity.models import ServiceAccount
    from smartkoto.municipality import queries

    account, _token = ServiceAccount.issue("kaikei-robot", ["payments:read"], department=queries.department("kaikei"))
    actor = Actor.for_service(account)
    assert actor.has_scope("payments:read", department="kaikei")
    assert actor.has_scope("payments:read", department=queries.department("kaikei"))
    assert not actor.has_scope("payments:read", department="kumin")
    assert not actor.has_scope("payments:write", department="kaikei")


def test_an_unscoped_token_matches_every_department_and_a_revoked_one_none(koto):
    from django.utils import timezone

    from smartkoto.identity.models import ServiceAccount

    account, _token = ServiceAccount.issue("core-system", ["payments:read"])
    actor = Actor.for_service(account)
    assert actor.has_scope("payments:read", department="kumin") and actor.has_scope("payments:read")
    account.revoked_at = timezone.now()
    assert not Actor.for_service(account).has_scope("payments:read", department="kumin")


def test_staff_and_residents_hold_no_scope(make_staff, resident):
    assert not Actor.for_user(make_staff(username="dx", department="dx", role=Role.DX_ADMIN)).has_scope("payments:read")
    assert not Actor.for_user(resident).has_scope("payments:read")


# -- Policy ---------------------------------------------------------------------------------------
def test_a_rule_cannot_be_defined_twice_and_an_unknown_action_is_an_error():
    local = Policy("local")
    local.rule("a.b")(lambda actor, obj: True)
    with pytest.raises(ValueError, match="a.b"):
        local.rule("a.b")(lambda actor, obj: True)
    with pytest.raises(LookupError, match="no rule 'nope'"):
        local.can(Actor.system(), "nope")
    assert local.actions() == ["a.b"] and not local.can(None, "a.b")


@pytest.mark.django_db(transaction=True)
def test_check_outside_a_transaction_raises_forbidden_and_audits_the_refusal(make_staff):
    auditor = Actor.for_user(make_staff(username="aud", department="dx", role=Role.AUDITOR))
    assert policy.can(auditor, "thing.read", "kumin")
    policy.check(auditor, "thing.read", "kumin")  # allowed: nothing raised, nothing recorded
    assert not AuditRecord.objects.filter(action="access.refused").exists()
    with pytest.raises(Forbidden) as refused:
        policy.check(auditor, "thing.write", "kumin", department_code="kumin")
    assert refused.value.audited and refused.value.action == "testapp.thing.write"
    record = AuditRecord.objects.get(action="access.refused")
    assert record.actor_label == "aud" and record.actor_kind == "staff" and record.department_code == "kumin"
    assert record.detail == {"action": "testapp.thing.write"}
    record_refusal(refused.value)  # the web layer seeing the same error does not write it twice
    assert AuditRecord.objects.filter(action="access.refused").count() == 1


def test_check_inside_a_transaction_leaves_the_record_to_the_web_layer(make_staff):
    auditor = Actor.for_user(make_staff(username="aud", department="dx", role=Role.AUDITOR))
    with pytest.raises(Forbidden) as refused:
        with transaction.atomic():
            policy.check(auditor, "thing.write", "kumin")
    assert not refused.value.audited and not AuditRecord.objects.filter(action="access.refused").exists()
    record_refusal(refused.value)
    assert AuditRecord.objects.filter(action="access.refused", actor_label="aud").count() == 1


# -- RefusalMiddleware ----------------------------------------------------------------------------
def test_a_refused_page_is_a_403_page_with_an_audit_record(client, make_staff, staff_login):
    staff_login(client, make_staff(username="cw", department="kumin", role=Role.CASE_WORKER))
    response = client.get("/en/staff/audit/")
    assert response.status_code == 403 and "text/html" in response["Content-Type"]
    assert "You cannot open this page" in response.content.decode()
    record = AuditRecord.objects.get(action="access.refused")
    assert record.actor_label == "cw" and record.detail["path"] == "/en/staff/audit/"


@pytest.mark.urls(__name__)
def test_a_refused_api_call_is_403_json_with_an_audit_record(client, make_staff, staff_login):
    staff_login(client, make_staff(username="aud", department="dx", role=Role.AUDITOR))
    response = client.post("/api/test/refuse/")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert response.json()["error"] == "forbidden"
    record = AuditRecord.objects.get(action="access.refused")
    assert record.actor_label == "aud" and record.detail == {"action": "testapp.thing.write", "path": "/api/test/refuse/"}


@pytest.mark.urls(__name__)
def test_a_refused_page_outside_the_api_is_not_json(client, resident_client):
    response = resident_client.post("/staff-like/refuse/")
    assert response.status_code == 403 and "application/json" not in response["Content-Type"]
    assert AuditRecord.objects.filter(action="access.refused", actor_kind="resident").count() == 1


@pytest.mark.urls(__name__)
def test_an_anonymous_refusal_is_audited_too(client, db):
    response = client.post("/api/test/refuse/", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 403
    record = AuditRecord.objects.get(action="access.refused")
    assert record.actor_kind == "anonymous" and record.ip_address == "198.51.100.4"

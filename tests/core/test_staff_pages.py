"""Core's staff pages go through core.policy: the audit log is read by auditors and DX administrators,
the settings admin (/staff/admin/) is used by DX administrators only — whatever Django flags an account
carries. Every refusal is a 403 with an `access.refused` record, and nothing changes."""

import pytest

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.policy import policy
from smartkoto.core.roles import DEPARTMENT_ROLES, Role
from smartkoto.municipality.models import Department, Municipality

pytestmark = pytest.mark.django_db


def _staff(make_staff, role, username="s", superuser=False):
    department = "dx" if role in (Role.DX_ADMIN, Role.AUDITOR) else "kumin"
    user = make_staff(username=username, department=department, role=role)
    if superuser:  # Django's own flags must not open what the role does not (the demo gives them to DX admins)
        user.is_staff = user.is_superuser = True
        user.save()
    return user


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DX_ADMIN])
def test_auditors_and_dx_admins_read_the_audit_log(client, make_staff, staff_login, role):
    staff_login(client, _staff(make_staff, role))
    assert client.get("/en/staff/audit/").status_code == 200
    assert policy.can(Actor.for_user(_staff(make_staff, role, username="again")), "audit_log.read")


@pytest.mark.parametrize("role", DEPARTMENT_ROLES)
def test_department_staff_are_refused_the_audit_log_and_the_refusal_is_audited(client, make_staff, staff_login, role):
    staff_login(client, _staff(make_staff, role, username="dept"))
    response = client.get("/en/staff/audit/", {"action": "x"})
    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action="audit.search").exists()
    record = AuditRecord.objects.get(action="access.refused")
    assert record.actor_label == "dept" and record.detail["action"] == "core.audit_log.read"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CASE_WORKER, Role.DEPARTMENT_MANAGER])
def test_only_dx_admins_open_the_settings_admin(client, make_staff, staff_login, role):
    staff_login(client, _staff(make_staff, role, username="nope", superuser=True))
    assert client.get("/en/staff/admin/").status_code == 403
    assert client.get("/en/staff/admin/login/").status_code == 403  # not the admin's own sign-in form
    assert AuditRecord.objects.filter(action="access.refused", actor_label="nope", detail__action="core.settings.administer").exists()


def test_an_auditor_cannot_change_anything_in_the_settings_admin(client, koto, make_staff, staff_login):
    staff_login(client, _staff(make_staff, Role.AUDITOR, username="aud", superuser=True))
    municipality = Municipality.objects.get()
    department = Department.objects.get(code="kumin")
    before = (municipality.phone, Department.objects.count())
    refused = [
        client.post(f"/en/staff/admin/municipality/municipality/{municipality.pk}/change/", {"phone": "00-0000-0000"}),
        client.post("/en/staff/admin/municipality/department/add/", {"code": "evil", "phone": "1"}),
        client.post(f"/en/staff/admin/municipality/department/{department.pk}/delete/", {"post": "yes"}),
        client.post("/en/staff/admin/identity/serviceaccount/add/", {"name": "robot", "scopes": "[]"}),
    ]
    assert [response.status_code for response in refused] == [403, 403, 403, 403]
    municipality.refresh_from_db()
    assert (municipality.phone, Department.objects.count()) == before
    assert Department.objects.filter(code="kumin").exists() and not Department.objects.filter(code="evil").exists()
    assert AuditRecord.objects.filter(action="access.refused", actor_label="aud").count() == 4
    assert not AuditRecord.objects.filter(action__startswith="admin.").exists()


def test_a_dx_admin_changes_municipality_data_in_the_admin(client, koto, make_staff, staff_login):
    staff_login(client, _staff(make_staff, Role.DX_ADMIN, username="dx", superuser=True))
    assert client.get("/en/staff/admin/").status_code == 200
    department = Department.objects.get(code="kumin")
    assert client.get(f"/en/staff/admin/municipality/department/{department.pk}/change/").status_code == 200


def test_navigation_shows_the_audit_log_and_settings_by_policy(client, make_staff, staff_login):
    staff_login(client, _staff(make_staff, Role.AUDITOR, username="aud"))
    text = client.get("/en/staff/").content.decode()
    assert "/en/staff/audit/" in text and "/en/staff/admin/" not in text
    client.logout()
    staff_login(client, _staff(make_staff, Role.CASE_WORKER, username="cw"))
    text = client.get("/en/staff/").content.decode()
    assert "/en/staff/audit/" not in text and "/en/staff/outbox/" not in text


def test_a_dx_admin_without_django_flags_manages_accounts_by_role(client, koto, make_staff, staff_login):
    staff_login(client, _staff(make_staff, Role.DX_ADMIN, username="dx"))  # not is_staff, not is_superuser
    assert client.get("/en/staff/admin/identity/serviceaccount/").status_code == 200
    assert client.get("/en/staff/admin/identity/user/").status_code == 200


def test_a_dx_admin_without_django_flags_changes_municipality_data_by_role(client, koto, make_staff, staff_login):
    staff_login(client, _staff(make_staff, Role.DX_ADMIN, username="dx"))
    department = Department.objects.get(code="kumin")
    assert client.get(f"/en/staff/admin/municipality/department/{department.pk}/change/").status_code == 200
    assert client.get("/en/staff/admin/municipality/calendarexception/add/").status_code == 200

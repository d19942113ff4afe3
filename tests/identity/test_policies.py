"""identity's policy: residents change only their own contact details; staff and service accounts are
administered by DX administrators only. Refusals raise Forbidden, change nothing and are audited."""

import pytest

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role
from smartkoto.identity import services
from smartkoto.identity.permissions import policy

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_updates_their_own_contact_details(make_resident):
    resident = make_resident()
    profile = services.update_contact(actor=Actor.for_user(resident), email="new@example.jp", phone="03-1111-2222", preferred_language="en")
    profile.refresh_from_db()
    assert (profile.email, profile.phone, profile.preferred_language) == ("new@example.jp", "03-1111-2222", "en")
    assert AuditRecord.objects.filter(action="identity.contact_updated", target_id=str(profile.pk), actor_id=resident.pk).exists()


@pytest.mark.parametrize("role", [Role.DX_ADMIN, Role.AUDITOR, Role.CASE_WORKER])
def test_staff_have_no_contact_details_to_update(make_staff, role):
    staff = make_staff(username="s", department="dx" if role in (Role.DX_ADMIN, Role.AUDITOR) else "kumin", role=role)
    with pytest.raises(Forbidden):
        services.update_contact(actor=Actor.for_user(staff), email="x@example.jp", phone="", preferred_language="ja")
    record = AuditRecord.objects.get(action="access.refused")
    assert record.actor_label == "s" and record.detail == {"action": "identity.profile.update"}


def test_the_rule_refuses_another_residents_profile(make_resident):
    mine, other = make_resident(), make_resident()
    assert policy.can(Actor.for_user(mine), "profile.update", mine.profile)
    assert not policy.can(Actor.for_user(mine), "profile.update", other.profile)
    assert not policy.can(Actor.anonymous(), "profile.update", other.profile)


@pytest.mark.parametrize("action", ["staff.administer", "service_account.manage"])
def test_only_dx_administrators_administer_staff_and_service_accounts(make_staff, action):
    dx = Actor.for_user(make_staff(username="dx", department="dx", role=Role.DX_ADMIN))
    auditor = Actor.for_user(make_staff(username="aud", department="dx", role=Role.AUDITOR))
    manager = Actor.for_user(make_staff(username="mgr", department="kumin", role=Role.DEPARTMENT_MANAGER))
    assert policy.can(dx, action) and not policy.can(auditor, action) and not policy.can(manager, action)
    assert policy.can(auditor, "service_account.read") and not policy.can(manager, "service_account.read")


def test_a_resident_in_the_back_office_is_refused_and_audited(resident_client):
    assert resident_client.get("/staff/").status_code == 403
    assert AuditRecord.objects.filter(action="access.refused", detail__action="identity.staff_area").exists()

"""Who may change bookings (permissions.py), through the pages a reviewer used: an auditor, a DX
administrator and staff of another department are refused with 403, nothing changes, and the refusal is
in the audit log. Residents reach only their own bookings."""

import pytest
from django.urls import reverse as _reverse
from django.utils import timezone, translation

from smartkoto.appointments import services
from smartkoto.appointments.models import Booking, CapacityOverride, Slot
from smartkoto.appointments.permissions import policy
from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role

pytestmark = pytest.mark.django_db

REFUSED = [  # (username, department, role): none may change a kumin booking or a kumin day
    pytest.param(("auditor", "dx", Role.AUDITOR), id="auditor"),
    pytest.param(("dx-admin", "dx", Role.DX_ADMIN), id="dx_admin"),
    pytest.param(("seiso-manager", "seiso", Role.DEPARTMENT_MANAGER), id="other-department"),
]


def reverse(name, args=None):
    with translation.override("ja"):
        return _reverse(name, args=args)


@pytest.fixture
def booking(resident, first_slot):
    held = services.hold(first_slot.pk, actor=Actor.for_user(resident), idempotency_key="perm")
    return services.confirm(held, actor=Actor.for_user(resident))


def day_url(slot):
    day = timezone.localtime(slot.starts_at, services.TOKYO).date().isoformat()
    return reverse("appointments_staff:day", args=[slot.service.code, slot.office.code, day])


def refusals(user):
    return AuditRecord.objects.filter(action="access.refused", actor_id=user.pk)


def slot_state(slot):
    return list(Slot.objects.filter(service=slot.service, office=slot.office).order_by("pk").values_list("capacity", "booked"))


@pytest.mark.parametrize("who", REFUSED)
def test_cancelling_a_residents_booking_is_refused(who, client, make_staff, staff_login, booking, first_slot):
    user = make_staff(*who)
    staff_login(client, user)
    before = slot_state(first_slot)
    for to in (Booking.Status.CANCELLED, Booking.Status.NO_SHOW, Booking.Status.ATTENDED):
        response = client.post(reverse("appointments_staff:set_status", args=[booking.reference]), {"to": to})
        assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.events.count() == 2  # held, confirmed
    assert slot_state(first_slot) == before
    assert refusals(user).count() == 3
    assert not AuditRecord.objects.filter(action__in=["appointments.cancel", "appointments.no_show"]).exists()


@pytest.mark.parametrize("who", REFUSED)
def test_setting_a_days_places_to_zero_or_booking_a_walk_in_is_refused(who, client, make_staff, staff_login, first_slot):
    user = make_staff(*who)
    staff_login(client, user)
    before = slot_state(first_slot)
    assert client.post(day_url(first_slot), {"cap-capacity": "0", "cap-reason": ""}).status_code == 403
    assert client.post(day_url(first_slot), {"walk-name": "来庁 太郎"}).status_code == 403
    assert not CapacityOverride.objects.exists() and not Booking.objects.exists()
    assert slot_state(first_slot) == before
    assert refusals(user).count() == 2


def test_a_counter_clerk_of_the_department_does_not_set_places(client, make_staff, staff_login, first_slot):
    clerk = make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK)
    staff_login(client, clerk)
    assert client.post(day_url(first_slot), {"cap-capacity": "0", "cap-reason": ""}).status_code == 403
    assert not CapacityOverride.objects.exists() and refusals(clerk).count() == 1


def test_an_auditor_reads_the_day_without_action_buttons(client, make_staff, staff_login, booking, first_slot):
    staff_login(client, make_staff("auditor", "dx", Role.AUDITOR))
    assert client.get(reverse("appointments_staff:calendar")).status_code == 200
    body = client.get(day_url(first_slot)).content.decode()
    assert booking.reference in body
    assert reverse("appointments_staff:set_status", args=[booking.reference]) not in body
    assert 'name="cap-capacity"' not in body and 'name="walk-name"' not in body


def test_a_dx_administrator_cannot_open_bookings(client, make_staff, staff_login, booking, first_slot):
    admin = make_staff("dx-admin", "dx", Role.DX_ADMIN)
    staff_login(client, admin)
    assert client.get(reverse("appointments_staff:calendar")).status_code == 403
    assert client.get(day_url(first_slot)).status_code == 403
    assert refusals(admin).count() == 2


def test_staff_of_the_department_change_status_and_managers_set_places(make_staff, booking, first_slot):
    clerk = Actor.for_user(make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))
    manager = Actor.for_user(make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER))
    assert policy.can(clerk, "booking.change_status", booking) and policy.can(clerk, "booking.cancel", booking)
    assert not policy.can(clerk, "day.set_capacity", booking.service)
    assert policy.can(manager, "day.set_capacity", booking.service)
    assert services.change_status(booking, Booking.Status.NO_SHOW, actor=clerk).status == Booking.Status.NO_SHOW


def test_residents_reach_only_their_own_bookings(client, make_resident, booking):
    other = make_resident()
    with pytest.raises(Forbidden):
        services.cancel(booking, actor=Actor.for_user(other))
    with pytest.raises(Forbidden):
        services.reschedule(booking, booking.slot_id, actor=Actor.for_user(other))
    client.force_login(other)
    assert client.post(reverse("appointments:cancel", args=[booking.reference])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_guest_with_a_wrong_key_is_refused_and_audited(client, booking):
    response = client.post(reverse("appointments:cancel", args=[booking.reference]), {"key": "wrong"})
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert AuditRecord.objects.filter(action="access.refused", target_id=str(booking.pk)).exists()


def test_only_the_system_releases_expired_holds(make_staff):
    with pytest.raises(Forbidden):
        services.release_expired_holds(actor=Actor.for_user(make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER)))
    assert services.release_expired_holds(actor=Actor.system("test")) == 0

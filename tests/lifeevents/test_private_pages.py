"""Issue 11: life-event pages with personal data are sent with `Cache-Control: private, no-store`."""

import pytest
from django.urls import reverse

from smartkoto.core.roles import Role

from .conftest import MOVE_IN

pytestmark = pytest.mark.django_db


def test_resident_and_staff_pre_entry_pages_are_private(client, pre_entry, make_staff, staff_login):
    from smartkoto.lifeevents.models import Checklist

    entry, _code = pre_entry
    checklist = Checklist.objects.get()
    urls = [reverse("lifeevents:mine"), reverse("lifeevents:checklist", args=[checklist.public_id]),
            reverse("lifeevents:checklist_pdf", args=[checklist.public_id]),
            reverse("lifeevents:pre_entry_code", args=[entry.public_id]),
            reverse("lifeevents:pre_entry_step", args=[entry.public_id, "applicant"]),
            reverse("lifeevents:card_code")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", url
    client.logout()
    staff_login(client, make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))
    for url in [reverse("lifeevents_staff:counter"), reverse("lifeevents_staff:entry", args=[entry.public_id])]:
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", url


def test_bundle_pages_are_private(client, demo, resident, walk_bundle):
    from smartkoto.lifeevents.models import Bundle, Checklist

    client.force_login(resident)
    client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    walk_bundle(client, Checklist.objects.get())
    bundle = Bundle.objects.get()
    response = client.get(reverse("lifeevents:bundle", args=[bundle.public_id]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"

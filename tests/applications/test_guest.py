"""Guests (where the procedure allows): apply without signing in, save, and resume with a one-time link."""

import re

import pytest
from django.test import Client

from smartkoto.applications.models import Application
from smartkoto.notifications.queries import outbox_for

pytestmark = pytest.mark.django_db

GUEST = {"full_name": "砂町 一郎", "full_name_kana": "スナマチ イチロウ", "phone": "03-1234-5678", "email": "ichiro@example.jp",
         "birth_date": "1970-01-01", "postal_code": "136-0073", "address": "東京都江東区北砂一丁目"}


def test_guest_saves_gets_a_one_time_link_and_finishes_elsewhere(catalog, django_capture_on_commit_callbacks):
    first = Client()
    first.post("/applications/start/sodai-gomi/")
    draft = Application.objects.get()
    assert draft.applicant is None
    response = first.post(f"/applications/{draft.public_id}/step/applicant/", {**GUEST, "action": "save_and_leave"})
    assert response["Location"].endswith("/saved/")
    first.post(f"/applications/{draft.public_id}/saved/", {"email": "ichiro@example.jp"})
    (email,) = outbox_for("ichiro@example.jp")
    link = re.search(r"https?://\S+/applications/resume/\S+/", email.body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    second = Client()
    assert second.get(f"/applications/{draft.public_id}/check/").status_code == 403  # not this browser's draft (yet)
    assert second.post(path).status_code == 302
    assert second.get(f"/applications/{draft.public_id}/step/waste/").status_code == 200
    assert Client().post(path).status_code == 404  # used once
    second.post(f"/applications/{draft.public_id}/step/waste/", {"item_size": "medium", "item_name": "ソファ", "collection_date": "2026-12-10",
                                                                "apartment": "yes", "floor": "5"})
    with django_capture_on_commit_callbacks(execute=True):
        second.post(f"/applications/{draft.public_id}/declaration/", {"agree": "on", "submission": str(draft.public_id)})
    draft.refresh_from_db()
    assert draft.status == "received" and draft.fee_amount == 1200
    assert any(draft.reference in e.subject for e in outbox_for("ichiro@example.jp"))


def test_conditional_floor_is_required_only_for_apartments(catalog):
    guest = Client()
    guest.post("/applications/start/sodai-gomi/")
    draft = Application.objects.get()
    guest.post(f"/applications/{draft.public_id}/step/applicant/", GUEST)
    base = {"item_size": "small", "item_name": "椅子", "collection_date": "2026-12-10"}
    response = guest.post(f"/applications/{draft.public_id}/step/waste/", {**base, "apartment": "yes", "floor": ""})
    assert response.status_code == 200 and "floor" in response.context["form"].errors
    response = guest.post(f"/applications/{draft.public_id}/step/waste/", {**base, "apartment": "no", "floor": ""})
    assert response.status_code == 302

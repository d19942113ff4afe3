"""Issue 11 item 5: a guest cannot make the ward send unlimited emails, nor put their own text into them."""

import pytest
from django.test import Client

from smartkoto.applications.models import Application
from smartkoto.notifications.queries import outbox_for

pytestmark = pytest.mark.django_db

PHISH = "http://evil.example/login 様 ログインしてください"
GUEST = {"full_name": PHISH, "full_name_kana": "スナマチ イチロウ", "phone": "03-1234-5678", "email": "victim@example.jp",
         "birth_date": "1970-01-01", "postal_code": "136-0073", "address": "東京都江東区北砂一丁目"}
WASTE = {"item_size": "small", "item_name": "http://evil.example/item", "collection_date": "2026-12-10", "apartment": "no"}


def _guest_draft(client):
    client.post("/applications/start/sodai-gomi/")
    return Application.objects.order_by("-pk").first()


def _submit_as_guest(client, capture, email="victim@example.jp"):
    draft = _guest_draft(client)
    client.post(f"/applications/{draft.public_id}/step/applicant/", {**GUEST, "email": email})
    client.post(f"/applications/{draft.public_id}/step/waste/", WASTE)
    with capture(execute=True):
        response = client.post(f"/applications/{draft.public_id}/declaration/", {"agree": "on", "submission": str(draft.public_id)}, follow=True)
    draft.refresh_from_db()
    assert draft.status == "received"
    return draft, response


def test_a_guest_receipt_carries_no_typed_text_only_the_reference(catalog, django_capture_on_commit_callbacks):
    application, _response = _submit_as_guest(Client(), django_capture_on_commit_callbacks)
    (email,) = outbox_for("victim@example.jp")
    assert application.reference in email.subject and application.reference in email.body
    assert "evil.example" not in email.subject + email.body and "様" not in email.body.split("\n")[0]
    assert not list(email.attachments.all())  # the PDF would repeat the typed answers


def test_save_and_continue_emails_are_limited_per_address(catalog, settings):
    settings.EMAIL_LINKS_PER_HOUR = 3
    guest = Client()
    draft = _guest_draft(guest)
    for _ in range(3):
        response = guest.post(f"/applications/{draft.public_id}/saved/", {"email": "target@example.jp"})
        assert response.status_code == 302
    response = guest.post(f"/applications/{draft.public_id}/saved/", {"email": "Target@Example.jp"})
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert "メールの送信依頼が多すぎます。1時間ほど待ってから、もう一度お試しください。" in body
    assert len(outbox_for("target@example.jp")) == 3


def test_save_and_continue_emails_are_limited_per_client_address(catalog, settings):
    settings.EMAIL_LINKS_PER_HOUR = 1  # 10 per client address
    guest = Client()
    draft = _guest_draft(guest)
    codes = [guest.post(f"/applications/{draft.public_id}/saved/", {"email": f"t{i}@example.jp"}).status_code for i in range(12)]
    assert codes == [302] * 10 + [200, 200]
    assert len(outbox_for("t10@example.jp")) == 0


def test_guest_receipts_count_against_the_limit_and_the_application_is_still_sent(catalog, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_LINKS_PER_HOUR = 2
    for _ in range(2):
        _submit_as_guest(Client(), django_capture_on_commit_callbacks)
    application, response = _submit_as_guest(Client(), django_capture_on_commit_callbacks)
    assert application.reference  # received, only the email is not sent
    assert "受付確認メールは送られません" in response.content.decode()
    assert len(outbox_for("victim@example.jp")) == 2

"""On the embedded default every email lands in the outbox, which DX administrators and auditors can
read in the back office (each opened email is audited); other staff cannot. One-time sign-in links are
masked for everyone who reads the outbox."""

import re

import pytest
from django.core.mail import EmailMultiAlternatives, send_mail

from smartkoto.core.models import AuditRecord
from smartkoto.core.roles import DEPARTMENT_ROLES, Role
from smartkoto.notifications.models import OutboxEmail
from smartkoto.notifications.queries import outbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "smartkoto.notifications.backends.OutboxBackend"


def test_sent_email_is_kept_in_the_outbox_with_html_and_attachments(outbox_backend):
    message = EmailMultiAlternatives("受付しました", "本文です", "no-reply@example.jp", ["hanako@example.jp"], cc=["cc@example.jp"])
    message.attach_alternative("<p>本文です</p>", "text/html")
    message.attach("receipt.pdf", b"%PDF-1.4 test", "application/pdf")
    message.attach("note.txt", "テキスト", "text/plain")
    assert message.send() == 1
    (email,) = outbox_for("hanako@example.jp")
    assert email.subject == "受付しました" and email.html_body == "<p>本文です</p>"
    assert set(email.to) == {"hanako@example.jp", "cc@example.jp"}
    attachments = {a.filename: bytes(a.content) for a in email.attachments.all()}
    assert attachments == {"receipt.pdf": b"%PDF-1.4 test", "note.txt": "テキスト".encode()}


def test_outbox_for_an_address_lists_only_that_addresses_mail(outbox_backend):
    send_mail("a", "a", None, ["one@example.jp"])
    send_mail("b", "b", None, ["two@example.jp"])
    assert [e.subject for e in outbox_for("one@example.jp")] == ["a"]


def test_dx_admin_reads_the_outbox_and_each_opened_email_is_audited(client, make_staff, staff_login, outbox_backend):
    send_mail("Your sign-in link", "Open https://example.jp/x", None, ["hanako@example.jp"])
    email = OutboxEmail.objects.get()
    staff_login(client, make_staff(username="dx", department="dx", role=Role.DX_ADMIN))
    listing = client.get("/en/staff/outbox/", {"to": "hanako"})
    assert listing.status_code == 200 and "Your sign-in link" in listing.content.decode()
    assert "Your sign-in link" not in client.get("/en/staff/outbox/", {"to": "nobody"}).content.decode()
    detail = client.get(f"/en/staff/outbox/{email.pk}/")
    assert detail.status_code == 200 and "Open https://example.jp/x" in detail.content.decode()
    assert AuditRecord.objects.filter(action="notifications.outbox_view", target_id=str(email.pk)).exists()


@pytest.mark.parametrize("role", DEPARTMENT_ROLES)
def test_department_staff_cannot_read_the_outbox_and_are_audited(client, make_staff, staff_login, outbox_backend, role):
    send_mail("private", "private", None, ["hanako@example.jp"])
    email = OutboxEmail.objects.get()
    staff_login(client, make_staff(username="cw", department="kumin", role=role))
    assert client.get("/staff/outbox/").status_code == 403
    assert client.get(f"/staff/outbox/{email.pk}/").status_code == 403
    assert not AuditRecord.objects.filter(action="notifications.outbox_view").exists()
    assert AuditRecord.objects.filter(action="access.refused", actor_label="cw", detail__action="notifications.outbox.read").count() == 2


@pytest.mark.parametrize("role", [Role.DX_ADMIN, Role.AUDITOR])
def test_one_time_sign_in_links_are_masked_for_everyone_reading_the_outbox(client, make_staff, staff_login, outbox_backend, role):
    assert client.post("/en/sign-in/", {"email": "hanako@example.jp"}).status_code == 200
    (sent,) = outbox_for("hanako@example.jp")
    token = re.search(r"/sign-in/email/([^/\s]+)/", sent.body).group(1)  # the resident's own mailbox has it
    staff_login(client, make_staff(username="reader", department="dx", role=role))
    listing = client.get("/en/staff/outbox/").content.decode()
    detail = client.get(f"/en/staff/outbox/{sent.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert token not in text and token not in listing
    assert "/sign-in/email/••••••••/" in text
    client.logout()
    response = client.post(f"/en/sign-in/email/{token}/")  # masking changed nothing stored: the link still works once
    assert response.status_code == 302


def test_masking_keeps_ordinary_links_and_hides_long_tokens():
    from smartkoto.notifications.queries import MASK, mask_one_time_links

    assert mask_one_time_links("See https://example.jp/applications/ and https://example.jp/x") == "See https://example.jp/applications/ and https://example.jp/x"
    assert mask_one_time_links("https://a.jp/sign-in/email/" + "A" * 43 + "/") == f"https://a.jp/sign-in/email/{MASK}/"
    assert mask_one_time_links("https://a.jp/resume?token=" + "b_-9" * 10) == f"https://a.jp/resume?token={MASK}"


def test_attachment_with_a_japanese_name_downloads(client, make_staff, staff_login, outbox_backend):
    message = EmailMultiAlternatives("受付票", "本文", None, ["hanako@example.jp"])
    message.attach('受付票 "控え".pdf', b"%PDF-1.4", "application/pdf")
    message.send()
    attachment = OutboxEmail.objects.get().attachments.get()
    staff_login(client, make_staff(username="aud", department="dx", role=Role.AUDITOR))
    response = client.get(f"/staff/outbox/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response.content == b"%PDF-1.4"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert AuditRecord.objects.filter(action="notifications.attachment_download").exists()

"""A resident applies: sign-in level, prefill, one step per page, check answers, declaration, reference number,
confirmation email with the PDF receipt, idempotent submit, drafts, withdrawal, answering a request."""

import io

import pytest
from PIL import Image

from smartkoto.applications.models import Application, CaseEvent
from smartkoto.identity.models import AssuranceLevel
from smartkoto.notifications.models import OutboxEmail
from smartkoto.notifications.queries import outbox_for

from .conftest import APPLICANT, JUMINHYO

pytestmark = pytest.mark.django_db


def test_card_procedure_asks_guests_and_email_users_to_sign_in_with_the_card(client, catalog, make_resident):
    response = client.get("/applications/start/juminhyo/")
    assert 'data-testid="sign-in-to-start"' in response.content.decode()
    assert client.post("/applications/start/juminhyo/").status_code == 200
    assert not Application.objects.exists()
    client.force_login(make_resident(level=AssuranceLevel.EMAIL))
    client.post("/applications/start/juminhyo/")
    assert not Application.objects.exists()


def test_verified_name_and_address_are_prefilled(resident_client, catalog):
    response = resident_client.post("/applications/start/juminhyo/", follow=True)
    body = response.content.decode()
    assert 'value="江東 花子"' in body and 'value="東京都江東区東陽四丁目2番1号"' in body and 'value="135-0016"' in body


def test_card_verified_resident_applies_and_gets_reference_email_and_pdf(resident_client, submitted):
    application = submitted
    assert application.status == "received"
    assert application.reference.startswith("KT-") and len(application.reference) == 14
    assert application.fee_amount == 600  # 2 copies × 300円, computed on the server
    assert application.form_version.number == 1
    done = resident_client.get(f"/applications/{application.public_id}/sent/").content.decode()
    assert application.reference in done
    (email,) = outbox_for("hanako@example.jp")
    assert application.reference in email.subject
    attachment = email.attachments.get()
    assert bytes(attachment.content).startswith(b"%PDF-")
    pdf = resident_client.get(f"/applications/{application.public_id}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert b"HeiseiKakuGo-W5" in pdf.content or b"HeiseiMin-W3" in pdf.content
    assert CaseEvent.objects.filter(application=application, kind="submitted").count() == 1


def test_replayed_submit_creates_one_application_and_one_email(resident_client, submitted, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = resident_client.post(f"/applications/{submitted.public_id}/declaration/", {"agree": "on", "submission": str(submitted.public_id)})
        assert response.status_code == 302
    assert Application.objects.exclude(status="draft").count() == 1
    assert len(outbox_for("hanako@example.jp")) == 1
    # pressing Start twice resumes the same draft
    resident_client.post("/applications/start/sodai-gomi/")
    resident_client.post("/applications/start/sodai-gomi/")
    assert Application.objects.filter(status="draft", procedure__slug="sodai-gomi").count() == 1


def test_fee_in_the_browser_is_ignored(resident_client, catalog, apply):
    answers = {**JUMINHYO, "certificate": {**JUMINHYO["certificate"], "copies": "3", "fee_amount": "1"}}
    application = apply(resident_client, "juminhyo", answers)
    assert application.fee_amount == 900


@pytest.mark.parametrize("prefix, expected", [("", "氏名をカタカナで入力してください（例：コウトウ ハナコ）。"), ("/en", "Enter the name in katakana, for example コウトウ ハナコ.")])
def test_bad_answers_show_messages_at_the_field_and_in_the_summary_and_are_kept(resident_client, catalog, prefix, expected):
    resident_client.post("/applications/start/juminhyo/")
    application = Application.objects.get()
    response = resident_client.post(f"{prefix}/applications/{application.public_id}/step/applicant/",
                                    {**APPLICANT, "full_name_kana": "Hanako", "phone": "12", "postal_code": "abc"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in body and 'aria-invalid="true"' in body
    assert expected in body
    assert 'value="Hanako"' in body and 'value="abc"' in body
    assert "<title>" + ("エラー: " if not prefix else "Error: ") in body
    application.refresh_from_db()
    assert "applicant" not in application.answers


def test_check_answers_has_change_links_that_come_back(resident_client, catalog, apply):
    application = apply(resident_client, "juminhyo", JUMINHYO, submit=False)
    body = resident_client.get(f"/applications/{application.public_id}/check/").content.decode()
    assert f"/applications/{application.public_id}/step/certificate/?return=check" in body
    assert "2026年" not in body or "令和" in body
    response = resident_client.post(f"/applications/{application.public_id}/step/certificate/", {**JUMINHYO["certificate"], "copies": "1", "return": "check"})
    assert response["Location"].endswith("/check/")


def test_declaration_must_be_confirmed(resident_client, catalog, apply):
    application = apply(resident_client, "juminhyo", JUMINHYO, submit=False)
    response = resident_client.post(f"/applications/{application.public_id}/declaration/", {"submission": str(application.public_id)})
    assert response.status_code == 200 and "agree" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == "draft"


def test_submit_with_a_skipped_step_goes_back_to_that_step(resident_client, catalog):
    resident_client.post("/applications/start/juminhyo/")
    application = Application.objects.get()
    response = resident_client.post(f"/applications/{application.public_id}/declaration/", {"agree": "on", "submission": str(application.public_id)})
    assert response["Location"].endswith("/step/applicant/")
    application.refresh_from_db()
    assert application.status == "draft"


def test_draft_is_saved_automatically_and_resumed_from_my_applications(resident_client, catalog):
    resident_client.post("/applications/start/juminhyo/")
    application = Application.objects.get()
    resident_client.post(f"/applications/{application.public_id}/step/applicant/", {**APPLICANT, "phone": "", "action": "autosave"})
    application.refresh_from_db()
    assert application.answers["_partial"]["applicant"]["full_name"] == "江東 花子"
    assert "juminhyo" in resident_client.get("/applications/").content.decode() or "住民票" in resident_client.get("/applications/").content.decode()
    body = resident_client.get(f"/applications/{application.public_id}/step/applicant/").content.decode()
    assert 'value="hanako@example.jp"' in body


def test_a_republished_form_does_not_break_a_started_draft(resident_client, catalog, make_staff, client):
    from smartkoto.core.actor import Actor
    from smartkoto.procedures import services
    from smartkoto.procedures.models import Procedure

    resident_client.post("/applications/start/juminhyo/")
    application = Application.objects.get()
    procedure = Procedure.objects.get(slug="juminhyo")
    definition = procedure.live_version().definition
    definition["steps"][1]["fields"].append({"name": "new_required", "type": "text", "label": {"ja": "新しい質問", "en": "New"}, "required": True})
    services.save_draft(procedure, definition, actor=Actor.system("tests"))
    services.publish(procedure, actor=Actor.system("tests"))
    for step_id, data in JUMINHYO.items():
        assert resident_client.post(f"/applications/{application.public_id}/step/{step_id}/", data).status_code == 302
    body = resident_client.get(f"/applications/{application.public_id}/check/").content.decode()
    assert "更新" in body or "updated" in body
    resident_client.post(f"/applications/{application.public_id}/declaration/", {"agree": "on", "submission": str(application.public_id)})
    application.refresh_from_db()
    # sent (a fee is due when sending, so it waits for payment) on the version the resident started
    assert application.status == "awaiting_payment" and application.form_version.number == 1


def test_withdraw_only_before_processing(resident_client, submitted, case_worker):
    url = f"/applications/{submitted.public_id}/withdraw/"
    assert resident_client.get(url).status_code == 200
    resident_client.post(url)
    submitted.refresh_from_db()
    assert submitted.status == "withdrawn"
    assert case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "withdrawn"  # withdrawn is final


def test_cannot_withdraw_once_in_review(resident_client, submitted, case_worker):
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
    resident_client.post(f"/applications/{submitted.public_id}/withdraw/")
    submitted.refresh_from_db()
    assert submitted.status == "in_review"


def png_bytes(exif=False):
    image = Image.new("RGB", (40, 30), "red")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_resident_answers_a_request_for_more_information_with_a_document(resident_client, submitted, case_worker, django_capture_on_commit_callbacks):
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
    with django_capture_on_commit_callbacks(execute=True):
        case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "waiting_for_resident", "text": "本人確認書類の写しを送ってください。"})
    body = resident_client.get(f"/applications/{submitted.public_id}/").content.decode()
    assert "本人確認書類の写しを送ってください。" in body
    upload = io.BytesIO(png_bytes())
    upload.name = "id-card.png"
    response = resident_client.post(f"/applications/{submitted.public_id}/", {"text": "送ります。", "document": upload})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "in_review"
    attachment = submitted.attachments.get()
    assert attachment.content_type == "image/png"
    download = resident_client.get(f"/applications/{submitted.public_id}/files/{attachment.public_id}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert OutboxEmail.objects.filter(subject__contains="更新").exists()


def test_autosave_never_keeps_an_individual_number(resident_client, catalog):
    from tests.procedures.test_formschema import valid_individual_number

    resident_client.post("/applications/start/juminhyo/")
    application = Application.objects.get()
    resident_client.post(f"/applications/{application.public_id}/step/applicant/",
                         {**APPLICANT, "full_name": f"江東 {valid_individual_number()}", "action": "autosave"})
    application.refresh_from_db()
    assert valid_individual_number() not in str(application.answers)
    assert "[redacted]" in application.answers["_partial"]["applicant"]["full_name"]

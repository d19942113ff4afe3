"""Counter pre-entry: the QR code holds only a random short-lived single-use code; staff redeem it, check identity,
correct and print the prefilled form; expired or reused codes give a clear message; every staff action is audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.lifeevents import services
from smartkoto.lifeevents.models import CounterToken, PreEntry

pytestmark = pytest.mark.django_db


def test_qr_holds_only_a_random_code_and_the_database_only_its_hash(pre_entry):
    entry, code = pre_entry
    assert len(code) == 10 and code.isalnum()
    token = CounterToken.objects.get(pre_entry=entry)
    assert token.token_hash != code and code not in token.token_hash
    assert "江東" not in code and token.expires_at <= timezone.now() + timedelta(minutes=31)


def test_code_works_once(client, pre_entry, make_staff, staff_login):
    entry, code = pre_entry
    clerk = make_staff("clerk", "kumin", "counter_clerk")
    staff_login(client, clerk)
    response = client.post(reverse("lifeevents_staff:counter"), {"code": code.lower()[:5] + "-" + code.lower()[5:]})
    assert response["Location"] == reverse("lifeevents_staff:entry", args=[entry.public_id])
    response = client.post(reverse("lifeevents_staff:counter"), {"code": code})
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert "already been used" in body or "使用済み" in body
    assert AuditRecord.objects.filter(action="lifeevents.token_refused", detail__reason="used").exists()


def test_expired_code_is_refused_with_a_clear_message(client, pre_entry, make_staff, staff_login):
    entry, code = pre_entry
    CounterToken.objects.filter(pre_entry=entry).update(expires_at=timezone.now() - timedelta(seconds=1))
    staff_login(client, make_staff("clerk", "kumin", "counter_clerk"))
    body = client.post(reverse("lifeevents_staff:counter"), {"code": code}).content.decode()
    assert "expired" in body or "有効期限" in body
    entry.refresh_from_db()
    assert entry.status == "ready"
    assert AuditRecord.objects.filter(action="lifeevents.token_refused", detail__reason="expired").exists()


def test_new_code_replaces_the_old_one(client, pre_entry, make_staff):
    entry, old = pre_entry
    client.post(reverse("lifeevents:pre_entry_code", args=[entry.public_id]))
    new = client.session["lifeevents_codes"][str(entry.public_id)]
    assert new != old
    with pytest.raises(services.TokenRefused) as refused:
        services.redeem(old, actor=Actor.for_user(make_staff("clerk", "kumin", "counter_clerk")))
    assert refused.value.reason == "expired"


def test_other_department_cannot_use_the_code_and_it_stays_valid(client, pre_entry, make_staff, staff_login):
    entry, code = pre_entry
    staff_login(client, make_staff("hoiku-clerk", "hoiku", "counter_clerk"))
    body = client.post(reverse("lifeevents_staff:counter"), {"code": code}).content.decode()
    assert "another department" in body or "別の課" in body
    assert client.get(reverse("lifeevents_staff:entry", args=[entry.public_id])).status_code == 403
    assert AuditRecord.objects.filter(action="access.refused", detail__action="lifeevents.pre_entry.read",
                                      department_code="kumin").exists()
    staff_login(client, make_staff("kumin-clerk", "kumin", "counter_clerk"))
    assert client.post(reverse("lifeevents_staff:counter"), {"code": code}).status_code == 302


def test_staff_check_identity_correct_and_print_with_every_action_audited(client, pre_entry, make_staff, staff_login):
    entry, code = pre_entry
    staff_login(client, make_staff("clerk", "kumin", "counter_clerk"))
    client.post(reverse("lifeevents_staff:counter"), {"code": code})
    page = client.get(reverse("lifeevents_staff:entry", args=[entry.public_id])).content.decode()
    assert "コウトウ ハナコ" in page and "江東 太郎" in page
    assert 'data-testid="print"' not in page  # identity first
    assert client.get(reverse("lifeevents_staff:entry_pdf", args=[entry.public_id])).status_code == 302
    client.post(reverse("lifeevents_staff:entry", args=[entry.public_id]), {"document": "mynumber_card"})
    response = client.post(reverse("lifeevents_staff:entry_step", args=[entry.public_id, "event"]) + "?return=check",
                           {"event_date": "2026-04-02", "previous_address": "神奈川県川崎市中原区1-2-3", "details": "", "return": "check"})
    assert response["Location"] == reverse("lifeevents_staff:entry", args=[entry.public_id])
    entry.refresh_from_db()
    assert entry.answers["event"]["event_date"] == "2026-04-02" and entry.identity_document == "mynumber_card"
    pdf = client.get(reverse("lifeevents_staff:entry_pdf", args=[entry.public_id]))
    assert pdf.content[:5] == b"%PDF-" and pdf["Content-Type"] == "application/pdf"
    entry.refresh_from_db()
    assert entry.status == "printed"
    actions = set(AuditRecord.objects.filter(target_id=str(entry.pk)).values_list("action", flat=True))
    assert {"lifeevents.token_redeemed", "lifeevents.pre_entry_viewed", "lifeevents.identity_checked",
            "lifeevents.pre_entry_corrected", "lifeevents.form_printed"} <= actions
    corrected = AuditRecord.objects.get(action="lifeevents.pre_entry_corrected")
    assert corrected.detail["fields"] == ["event_date"] and "2026" not in str(corrected.detail)


def test_interview_mode_is_prefilled_from_the_residents_card_code(client, demo, make_resident, make_staff, staff_login):
    resident = make_resident(name="深川 一郎")
    client.force_login(resident)
    client.post(reverse("lifeevents:card_code"))
    token = CounterToken.objects.get(resident=resident)
    assert token.expires_at <= timezone.now() + timedelta(minutes=11)
    # The code is shown once on the resident's page (only its hash is stored): issue a fresh one to type as staff would.
    _token, code = services.issue_card_token(actor=Actor.for_user(resident))
    staff_login(client, make_staff("clerk", "kumin", "counter_clerk"))
    response = client.post(reverse("lifeevents_staff:interview"), {"procedure": "tennyu", "card_code": code})
    entry = PreEntry.objects.get(interview_by__username="clerk")
    assert response["Location"] == reverse("lifeevents_staff:entry_step", args=[entry.public_id, "applicant"])
    assert 'value="深川 一郎"' in client.get(response["Location"]).content.decode()
    again = client.post(reverse("lifeevents_staff:interview"), {"procedure": "tennyu", "card_code": code}).content.decode()
    assert "already been used" in again or "使用済み" in again


def test_fields_saved_are_kept_for_the_dashboard(client, pre_entry):
    from smartkoto.lifeevents import queries

    entry, _code = pre_entry
    measure = queries.measure()
    assert measure["pre_entries"] == 1 and measure["pre_entry_fields_saved"] == entry.fields_saved
    assert client.get("/api/lifeevents/measure").json()["fields_saved"] == entry.fields_saved

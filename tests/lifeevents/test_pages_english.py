"""English pages of life events show no Japanese UI text (data are translated too); errors are translated."""

import pytest
from django.urls import reverse

from smartkoto.lifeevents.models import Checklist, LifeEvent
from tests.core.test_translations import japanese_in

from .conftest import MOVE_IN

pytestmark = pytest.mark.django_db


def test_english_life_event_pages_show_no_japanese(client, demo):
    paths = ["/en/life-events/", "/en/life-events/lobby/", "/en/life-events/lobby/?ask=1&route=moving&pre_entered=no",
             "/en/life-events/lobby/?ask=1"]
    paths += [f"/en/life-events/{event.code}/" for event in LifeEvent.objects.all()]
    for path in paths:
        html = client.get(path).content.decode()
        assert japanese_in(html) == [], path
    response = client.post("/en/life-events/tennyu/", {"household": "x"})
    assert "error-summary" in response.content.decode() and japanese_in(response.content.decode()) == []
    client.post("/en/life-events/tennyu/", MOVE_IN)
    checklist = Checklist.objects.get()
    html = client.get(f"/en/life-events/checklists/{checklist.public_id}/").content.decode()
    assert "within 14 days of the move" in html
    assert japanese_in(html) == []


def test_english_staff_counter_shows_no_japanese(client, demo, make_staff, staff_login):
    staff_login(client, make_staff("clerk", "kumin", "counter_clerk"))
    for path in ("/en/staff/life-events/", "/en/staff/life-events/interview/"):
        html = client.get(path).content.decode()
        assert japanese_in(html) == [], path
    html = client.post("/en/staff/life-events/", {"code": "AAAAA-BBBBB"}).content.decode()
    assert "This code is not known" in html and japanese_in(html) == []


def test_dx_admin_edits_a_life_event_without_code_and_it_is_audited(client, demo, make_staff, staff_login):
    from smartkoto.core.models import AuditRecord

    admin = make_staff("dx", "dx", "dx_admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    staff_login(client, admin)
    event = LifeEvent.objects.get(code="tennyu")
    url = reverse("admin:lifeevents_lifeevent_change", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200 and "転入届" in page.content.decode()  # procedures chosen by name
    rule = event.rules.get(procedure_slug="inkan-toroku")
    # Changing a rule's condition in data changes the checklist, with no code change.
    rule.question, rule.op, rule.value = "has_dog", "equals", "yes"
    rule.save()
    client.post("/life-events/tennyu/", MOVE_IN)
    assert not Checklist.objects.latest("created_at").items.filter(procedure_slug="inkan-toroku").exists()
    response = client.post(reverse("admin:lifeevents_lobbyroute_add"), {
        "code": "help", "label_0": "総合案内", "label_1": "Information", "label_2": "", "department_code": "dx",
        "counter_0": "本庁舎1階 総合案内", "counter_1": "Main office 1F, information", "counter_2": "", "ticket_prefix": "",
        "counter_type_code": "", "pre_entry_slug": "", "order": "9"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditRecord.objects.filter(action="lifeevents.admin_saved", actor_label="dx").exists()

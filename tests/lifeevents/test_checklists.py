"""The checklist of every life event matches its rules; deadlines count from the key date; tick off, print, keep."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from smartkoto.core import guest
from smartkoto.lifeevents.models import Checklist, LifeEvent
from smartkoto.lifeevents.permissions import CHECKLISTS

from .conftest import MOVE_IN

pytestmark = pytest.mark.django_db


def _expected(life_event, answers):
    """Rules evaluated independently of flow.rule_matches: the procedures a resident with these answers must see."""
    result = []
    for rule in life_event.rules.order_by("order", "pk"):
        value = answers.get(rule.question)
        holds = {"always": True, "equals": value == rule.value, "not_equals": value not in (None, "") and value != rule.value,
                 "gte": str(value).isdigit() and int(value) >= int(rule.value or 0)}[rule.op]
        if holds and rule.procedure_slug not in result:
            result.append(rule.procedure_slug)
    return result


def _answers(life_event, pick):
    answers = {}
    for question in life_event.questions.all():
        if question.kind == "yesno":
            answers[question.name] = pick[0]
        elif question.kind == "radio":
            options = [line.split("|")[0] for line in question.options.splitlines()]
            answers[question.name] = options[pick[1] % len(options)]
        elif question.kind == "number":
            answers[question.name] = "2"
        elif question.kind == "date":
            answers[question.name] = "2026-04-01"
    for question in life_event.questions.exclude(show_if_question=""):
        if answers.get(question.show_if_question) != question.show_if_value:
            answers.pop(question.name, None)
    return answers


@pytest.mark.parametrize("pick", [("yes", 0), ("no", 1), ("yes", 2), ("no", 0)])
def test_checklist_of_every_life_event_matches_its_rules(client, demo, pick):
    events = list(LifeEvent.objects.all())
    assert len(events) == 11
    for life_event in events:
        answers = _answers(life_event, pick)
        response = client.post(reverse("lifeevents:questions", args=[life_event.code]), answers)
        assert response.status_code == 302, (life_event.code, response.content.decode()[:2000])
        checklist = Checklist.objects.filter(life_event=life_event).latest("created_at")
        assert [i.procedure_slug for i in checklist.items.all()] == _expected(life_event, answers), life_event.code
        page = client.get(response["Location"]).content.decode()
        for slug in _expected(life_event, answers):
            assert f'data-testid="item-{slug}"' in page
        if not checklist.items.exists():
            assert 'data-testid="nothing-to-do"' in page


def test_moving_in_with_a_small_child_gives_the_expected_items_and_deadlines(client, demo):
    response = client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    checklist = Checklist.objects.get()
    assert response["Location"] == reverse("lifeevents:checklist", args=[checklist.public_id])
    items = {i.procedure_slug: i for i in checklist.items.all()}
    assert list(items) == ["tennyu", "kokuho-kanyu", "nenkin-shutoku", "jido-teate", "kodomo-iryo", "hoiku-nyuen", "inkan-toroku"]
    assert items["tennyu"].due_on == datetime.date(2026, 4, 15)
    assert items["jido-teate"].due_on == datetime.date(2026, 4, 16)
    assert items["inkan-toroku"].due_on is None
    page = client.get(response["Location"]).content.decode()
    assert "引越した日から14日以内" in page and "本庁舎2階" in page and "豊洲出張所" in page
    assert "200円" in page  # 印鑑登録 fee from procedures.fee_for


def test_missing_answers_are_refused_with_messages_and_kept(client, demo):
    response = client.post(reverse("lifeevents:questions", args=["tennyu"]), {"household": "3", "has_dog": "no"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "error-summary" in body and Checklist.objects.count() == 0
    assert 'value="3"' in body


def test_checklist_is_kept_on_the_residents_page_ticked_and_printed(client, demo, resident):
    client.force_login(resident)
    client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    checklist = Checklist.objects.get()
    assert checklist.owner == resident
    assert checklist.life_event.name["ja"] in client.get(reverse("lifeevents:mine")).content.decode()
    item = checklist.items.get(procedure_slug="tennyu")
    client.post(reverse("lifeevents:tick", args=[checklist.public_id, item.pk]), {"done": "1"})
    item.refresh_from_db()
    assert item.done_at is not None
    pdf = client.get(reverse("lifeevents:checklist_pdf", args=[checklist.public_id]))
    assert pdf.content[:5] == b"%PDF-" and pdf["Content-Disposition"].startswith("attachment")


def test_someone_elses_checklist_is_refused_and_the_refusal_audited(client, demo, make_resident):
    from smartkoto.core.models import AuditRecord

    owner, other = make_resident(), make_resident()
    client.force_login(owner)
    client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    checklist = Checklist.objects.get()
    item = checklist.items.first()
    client.force_login(other)
    assert client.get(reverse("lifeevents:checklist", args=[checklist.public_id])).status_code == 403
    assert client.post(reverse("lifeevents:tick", args=[checklist.public_id, item.pk]), {"done": "1"}).status_code == 403
    assert client.get(reverse("lifeevents:checklist_pdf", args=[checklist.public_id])).status_code == 403
    client.logout()
    assert client.get(reverse("lifeevents:checklist", args=[checklist.public_id])).status_code == 403
    item.refresh_from_db()
    assert item.done_at is None
    assert AuditRecord.objects.filter(action="access.refused", detail__action="lifeevents.checklist.view").count() == 4


def test_lobby_turns_answers_into_counter_and_ticket(client, demo):
    body = client.get(reverse("lifeevents:lobby"), {"ask": "1", "route": "moving", "pre_entered": "no"}).content.decode()
    assert "本庁舎2階 住民異動の窓口" in body and "A" in body
    body = client.get(reverse("lifeevents:lobby"), {"ask": "1", "route": "moving"}).content.decode()
    assert "error-summary" in body


def test_checklist_made_before_signing_in_goes_to_the_residents_page(client, demo, resident):
    client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    checklist = Checklist.objects.get()
    assert checklist.owner is None
    client.force_login(resident)  # the session (and its checklist) is kept by the sign-in
    session = client.session
    guest.claim(SimpleNamespace(session=session), CHECKLISTS, checklist.public_id)
    session.save()
    assert client.get(reverse("lifeevents:checklist", args=[checklist.public_id])).status_code == 200
    checklist.refresh_from_db()
    assert checklist.owner == resident

"""Staff keep their department's entries; DX administrators every department's; auditors only read.
Unanswered and 👎 questions are logged redacted and closed by an answer."""

import pytest

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role
from smartkoto.guide import queries, services
from smartkoto.guide.models import Entry, Question

pytestmark = pytest.mark.django_db


def data(**changes):
    value = {"key": "kumin-test-entry", "department": "kumin", "question": {"ja": "テストの質問", "en": "A test question"},
             "answer": {"ja": "テストの答え", "en": "A test answer"}, "keywords": ["テスト"], "links": [],
             "review_by": None, "published": True}
    value.update(changes)
    return value


@pytest.fixture
def actors(make_staff, faq):
    return {
        "kumin_clerk": Actor.for_user(make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK)),
        "seiso_case": Actor.for_user(make_staff("seiso-case", "seiso", Role.CASE_WORKER)),
        "dx": Actor.for_user(make_staff("dx-admin", "dx", Role.DX_ADMIN)),
        "auditor": Actor.for_user(make_staff("auditor", "dx", Role.AUDITOR)),
    }


def test_department_staff_create_an_entry_of_their_department_audited(actors):
    entry = services.save_entry(None, actor=actors["kumin_clerk"], data=data())
    assert entry.department_code == "kumin" and entry.updated_by.username == "kumin-clerk"
    assert AuditRecord.objects.filter(action="guide.entry_created", department_code="kumin").exists()


def test_department_staff_cannot_create_or_edit_in_another_department(actors):
    with pytest.raises(Forbidden):
        services.save_entry(None, actor=actors["seiso_case"], data=data())
    entry = Entry.objects.get(key="kumin-tennyu-todoke")
    with pytest.raises(Forbidden):
        services.save_entry(entry, actor=actors["seiso_case"], data=data(key=entry.key))
    with pytest.raises(Forbidden):  # nor move their own entry to another department
        own = Entry.objects.get(key="seiso-moyasu-gomi")
        services.save_entry(own, actor=actors["seiso_case"], data=data(key=own.key, department="kumin"))


def test_dx_administrators_edit_every_department_and_auditors_none(actors):
    entry = Entry.objects.get(key="seiso-moyasu-gomi")
    services.save_entry(entry, actor=actors["dx"], data=data(key=entry.key, department="seiso"))
    assert Entry.objects.get(key="seiso-moyasu-gomi").question["ja"] == "テストの質問"
    with pytest.raises(Forbidden):
        services.save_entry(entry, actor=actors["auditor"], data=data(key=entry.key, department="seiso"))


def test_entry_lists_show_own_departments_to_department_staff_and_all_to_auditors(actors):
    assert {e.department_code for e in queries.entries(actor=actors["seiso_case"])} == {"seiso"}
    assert {e.department_code for e in queries.entries(actor=actors["auditor"])} == {"seiso", "kumin", "kosodate"}
    assert [e.key for e in queries.entries(actor=actors["auditor"], query="住民票")] == ["kumin-juminhyo-torikata"]


def test_review_list_holds_entries_due_within_30_days(actors):
    from datetime import date

    due = queries.review_due(actor=actors["auditor"], today=date(2026, 11, 15))
    assert [e.key for e in due] == ["kumin-juminhyo-torikata", "seiso-moyasu-gomi"]  # 2026-01-15 passed, 2026-12-01 soon


def test_a_changed_entry_changes_the_answers_at_once(actors):
    assert queries.answer("マンホールのふたがずれている").best.document.ref != "faq:kumin-test-entry"
    services.save_entry(None, actor=actors["kumin_clerk"], data=data(
        question={"ja": "マンホールのふたがずれています", "en": "A manhole cover is loose"}, keywords=["マンホール"]))
    assert queries.answer("マンホールのふたがずれている").best.document.ref == "faq:kumin-test-entry"


def test_thumbs_down_logs_the_question_for_the_answers_department_and_counts(faq):
    question = services.rate("faq:kumin-tennyu-todoke", False, question="山田さんが転入 090-1111-2222", language="ja", client="1.2.3.4")
    assert question.kind == Question.Kind.UNHELPFUL and question.department_code == "kumin"
    assert "山田" not in question.text and "2222" not in question.text
    assert Entry.objects.get(key="kumin-tennyu-todoke").unhelpful == 1
    assert services.rate("faq:kumin-tennyu-todoke", True, question="転入", language="ja", client="1.2.3.4") is None
    assert Entry.objects.get(key="kumin-tennyu-todoke").helpful == 1


def test_logging_is_limited_per_client(faq, monkeypatch):
    monkeypatch.setattr(services, "LOG_LIMIT_PER_HOUR", 2)
    logged = [services.log_unanswered(f"質問{i}", language="ja", client="5.6.7.8") for i in range(3)]
    assert [q is not None for q in logged] == [True, True, False]


def test_answering_a_logged_question_closes_it_and_who_may(actors):
    unanswered = services.log_unanswered("マンホールのふた", language="ja", client="x")
    rated = services.rate("faq:seiso-moyasu-gomi", False, question="燃えるごみ", language="ja", client="x")
    with pytest.raises(Forbidden):
        services.close_question(rated, actor=actors["kumin_clerk"])  # a 👎 on seiso's answer is seiso's
    with pytest.raises(Forbidden):
        services.close_question(unanswered, actor=actors["auditor"])
    entry = services.save_entry(None, actor=actors["kumin_clerk"], data=data(), question=unanswered)
    unanswered.refresh_from_db()
    assert unanswered.status == Question.Status.ANSWERED and unanswered.entry == entry
    services.close_question(rated, actor=actors["seiso_case"])
    rated.refresh_from_db()
    assert rated.status == Question.Status.DISMISSED
    assert list(queries.queue(actor=actors["auditor"])) == []
    assert AuditRecord.objects.filter(action__in=["guide.question_answered", "guide.question_dismissed"]).count() == 2

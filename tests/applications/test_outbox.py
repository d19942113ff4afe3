"""Issue 11 item 3: the follow-up task of a change is written in the change's own transaction (a transactional
outbox with the django-tasks-db backend), and the mail tasks send at most once however often they run."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from smartkoto.applications import services, tasks
from smartkoto.applications.models import Application
from smartkoto.core.actor import Actor
from smartkoto.notifications.models import OutboxEmail

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ANSWERS = {"applicant": {"full_name": "外箱 太郎", "full_name_kana": "ソトバコ タロウ", "phone": "03-3647-9111", "email": "taro@example.jp"},
           "waste": {"item_size": "small", "item_name": "椅子", "collection_date": "2026-12-10", "apartment": "no"}}


def _draft(make_resident, subject="outbox"):
    from smartkoto.procedures import queries

    procedure = queries.get("sodai-gomi")
    user = make_resident(subject=subject)
    return Application.objects.create(procedure=procedure, form_version=procedure.live_version(), department_code="seiso",
                                      applicant=user, answers=ANSWERS), Actor.for_user(user)


def _receipt_rows(application):
    return DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.send_receipt", args_kwargs__args=[application.pk])


def _seen_from_another_connection(application):
    seen = {}

    def look():
        try:
            seen["tasks"] = _receipt_rows(application).count()
            seen["submitted"] = Application.objects.filter(pk=application.pk).exclude(status="draft").count()
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(30)
    return seen


def test_the_receipt_task_commits_and_rolls_back_with_the_application(catalog, make_resident, settings):
    settings.TASKS = DB_BACKEND
    draft, actor = _draft(make_resident)

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        services.submit(draft, actor=actor)
        assert _receipt_rows(draft).count() == 1  # written on this connection, inside the transaction
        raise Crash  # the process dies before commit
    draft.refresh_from_db()
    assert draft.status == "draft" and _receipt_rows(draft).count() == 0  # neither survives

    with transaction.atomic():
        services.submit(draft, actor=actor)
        assert _seen_from_another_connection(draft) == {"tasks": 0, "submitted": 0}  # not visible before commit
    assert _seen_from_another_connection(draft) == {"tasks": 1, "submitted": 1}  # both at the same commit


def test_a_staff_status_change_enqueues_its_email_in_the_same_transaction(catalog, make_resident, make_staff, settings):
    settings.TASKS = DB_BACKEND
    draft, actor = _draft(make_resident, "outbox-staff")
    application = services.submit(draft, actor=actor)
    clerk = make_staff("seiso-case-outbox", "seiso", "case_worker")
    services.transition(application, "in_review", actor=Actor.for_user(clerk))
    assert DBTaskResult.objects.filter(task_path="smartkoto.applications.tasks.notify_resident").count() == 1


def test_the_receipt_is_emailed_once_however_often_and_in_parallel_the_task_runs(catalog, make_resident):
    draft, actor = _draft(make_resident, "outbox-twice")
    application = services.submit(draft, actor=actor)  # inline backend; on_commit ran the task already
    Application.objects.filter(pk=application.pk).update(receipt_emailed_at=None)
    OutboxEmail.objects.all().delete()
    barrier = threading.Barrier(8)

    def run(_):
        try:
            barrier.wait(timeout=10)
            return tasks.send_receipt.call(application.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(8)))
    assert sorted(results).count("sent") == 1, results
    assert OutboxEmail.objects.count() == 1


def test_a_status_email_is_sent_once_when_the_task_runs_twice(catalog, make_resident, make_staff):
    draft, actor = _draft(make_resident, "outbox-notify")
    application = services.submit(draft, actor=actor)
    clerk = make_staff("seiso-case-notify", "seiso", "case_worker")
    services.transition(application, "in_review", actor=Actor.for_user(clerk))
    event = application.events.filter(kind="status").latest("pk")
    OutboxEmail.objects.all().delete()
    assert tasks.notify_resident.call(event.pk) == "skipped"  # already sent when the transition committed
    assert OutboxEmail.objects.count() == 0


def test_a_failed_send_releases_the_claim_so_a_retry_sends(catalog, make_resident, monkeypatch):
    draft, actor = _draft(make_resident, "outbox-retry")
    application = services.submit(draft, actor=actor)
    Application.objects.filter(pk=application.pk).update(receipt_emailed_at=None)
    from django.core.mail import EmailMessage

    def broken(self, *a, **k):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(ConnectionError):
        tasks.send_receipt.call(application.pk)
    monkeypatch.undo()
    assert tasks.send_receipt.call(application.pk) == "sent"


def test_the_guest_mail_limit_holds_under_parallel_requests(catalog, settings):
    settings.EMAIL_LINKS_PER_HOUR = 5
    barrier = threading.Barrier(20)

    def count(i):
        try:
            barrier.wait(timeout=10)
            return services._count_guest_mail("flood@example.jp", Actor.anonymous())
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(count, range(20)))
    assert results.count(True) == 5, results

"""200 submissions at the same moment, from 200 threads each with its own database connection:
200 applications, 200 distinct reference numbers (the database serialises the counter)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from smartkoto.core.actor import Actor

from smartkoto.applications import services
from smartkoto.applications.models import Application
from smartkoto.identity.models import User

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

N = 200


def test_200_parallel_submissions_get_200_distinct_reference_numbers(catalog, make_resident):
    from smartkoto.procedures import queries

    procedure = queries.get("sodai-gomi")
    version = procedure.live_version()
    users = [make_resident(subject=f"c{i}") for i in range(N)]
    answers = {"applicant": {"full_name": "並行 太郎", "full_name_kana": "ヘイコウ タロウ", "phone": "03-3647-9111"},
               "waste": {"item_size": "small", "item_name": "椅子", "collection_date": "2026-12-10", "apartment": "no"}}
    drafts = [Application.objects.create(procedure=procedure, form_version=version, department_code="seiso", applicant=user, answers=answers)
              for user in users]
    barrier = threading.Barrier(20)
    def submit(draft):
        try:
            try:
                barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
            return services.submit(draft, actor=Actor.for_user(User.objects.get(pk=draft.applicant_id))).reference
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        references = list(pool.map(submit, drafts))

    assert len(references) == N and all(references)
    assert len(set(references)) == N
    stored = list(Application.objects.exclude(status="draft").values_list("reference", flat=True))
    assert len(stored) == N and len(set(stored)) == N
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in stored)
    assert numbers == list(range(numbers[0], numbers[0] + N))  # no gaps, no repeats


def test_the_same_draft_submitted_in_parallel_becomes_one_application(catalog, make_resident):
    from smartkoto.procedures import queries

    procedure = queries.get("sodai-gomi")
    user = make_resident(subject="same")
    draft = Application.objects.create(procedure=procedure, form_version=procedure.live_version(), department_code="seiso", applicant=user,
                                       answers={"applicant": {"full_name": "同時 花子", "phone": "03-3647-9111", "full_name_kana": "ドウジ"},
                                                "waste": {"item_size": "small", "item_name": "椅子", "collection_date": "2026-12-10", "apartment": "no"}})
    def submit(_):
        try:
            return services.submit(draft, actor=Actor.for_user(user)).reference
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        references = set(pool.map(submit, range(10)))
    assert len(references) == 1
    assert Application.objects.exclude(status="draft").count() == 1
    assert draft.events.count() == 1

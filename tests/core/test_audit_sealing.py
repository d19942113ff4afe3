"""Audited writes append without a shared lock; one sealer gives committed records their place in the hash
chain (ADR 0008). Parallel writers (threads and processes, real connections) end in one gap-free chain with
every record exactly once; a record committed late is sealed later; two sealers never fork the chain; a
rolled-back write leaves nothing; /readyz goes red while a record waits too long to be sealed."""

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from smartkoto.core import audit
from smartkoto.core.models import AuditChainHead, AuditRecord

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}}
SRC = Path(__file__).resolve().parents[2] / "src"


def chain():
    return list(AuditRecord.objects.filter(sequence__isnull=False).order_by("sequence"))


def assert_one_gap_free_chain(expected_count):
    records = chain()
    assert [r.sequence for r in records] == list(range(1, expected_count + 1))
    assert not audit.unsealed().exists()
    assert AuditChainHead.objects.get().sequence == expected_count
    assert audit.verify_chain() == (True, None, "ok")
    return records


@pytest.fixture
def worker_seals(settings):
    """Tasks run on a worker (as in production): record() leaves sealing to the sealer."""
    settings.TASKS = DB_TASKS


@pytest.mark.django_db
def test_a_record_is_appended_unsealed_and_sealed_later(worker_seals):
    first = audit.record("test.one", actor_kind="system", detail={"n": 1})
    second = audit.record("test.two", actor_kind="system", detail={"n": 2})
    stored = AuditRecord.objects.get(pk=first.pk)
    assert (stored.sequence, stored.previous_hash, stored.record_hash, stored.sealed) == (None, "", None, False)
    assert list(audit.unsealed()) == [first, second]
    assert audit.verify_chain() == (True, None, "ok")  # nothing sealed: an empty chain, nothing broken

    assert audit.seal() == 2
    one, two = chain()
    assert (one.pk, one.sequence, one.previous_hash) == (first.pk, 1, audit.GENESIS)
    assert (two.pk, two.sequence, two.previous_hash) == (second.pk, 2, one.record_hash)
    assert audit.seal() == 0
    assert_one_gap_free_chain(2)


@pytest.mark.django_db
def test_sealing_in_batches_continues_the_chain(worker_seals):
    for i in range(7):
        audit.record("test.batch", actor_kind="system", detail={"i": i})
    assert audit.seal(batch=3) == 7
    records = assert_one_gap_free_chain(7)
    assert [r.detail["i"] for r in records] == list(range(7))


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_record(worker_seals):
    audit.record("test.kept", actor_kind="system")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.rolled_back", actor_kind="system")
        raise RuntimeError("the change failed")
    audit.seal()
    assert [r.action for r in assert_one_gap_free_chain(1)] == ["test.kept"]


@pytest.mark.django_db
def test_a_record_with_a_lower_id_committed_late_is_sealed_after_the_ones_before_it(worker_seals):
    """PostgreSQL hands out ids at INSERT but rows become visible at COMMIT: a lower id can appear after
    higher ones were sealed. Inserting with an explicit lower id stands for that on every database."""
    early = audit.record("test.committed_first", actor_kind="system")
    AuditRecord.objects.bulk_create([
        AuditRecord(pk=early.pk + 100, occurred_at=timezone.now(), actor_kind="system", action="test.committed_second")])
    assert audit.seal() == 2
    AuditRecord.objects.bulk_create([
        AuditRecord(pk=early.pk + 50, occurred_at=timezone.now(), actor_kind="system", action="test.committed_late")])
    assert audit.seal() == 1
    records = assert_one_gap_free_chain(3)
    assert [r.action for r in records] == ["test.committed_first", "test.committed_second", "test.committed_late"]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_commits_late_is_sealed_later_without_a_gap(worker_seals):
    """Real interleaving on PostgreSQL: a writer takes its id, then commits after others were sealed."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: ids become visible in order there")
    inserted, release, errors = threading.Event(), threading.Event(), []

    def slow_writer():
        try:
            with transaction.atomic():
                audit.record("test.slow", actor_kind="system")
                inserted.set()
                release.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inserted.wait(30)
    audit.record("test.fast", actor_kind="system")
    assert audit.seal() == 1  # the slow row is not committed: not visible, not waited for
    release.set()
    thread.join(30)
    assert errors == []
    assert audit.seal() == 1
    slow, fast = AuditRecord.objects.get(action="test.slow"), AuditRecord.objects.get(action="test.fast")
    assert slow.pk < fast.pk and slow.sequence == 2 and fast.sequence == 1
    assert_one_gap_free_chain(2)


def _in_parallel(functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


WRITER = """
import sys
import django
django.setup()
from django.db import transaction
from smartkoto.core import audit
writer, count = int(sys.argv[1]), int(sys.argv[2])
for i in range(count):
    with transaction.atomic():
        audit.record("test.process", actor_kind="system", detail={"writer": writer, "i": i})
"""


def _writer_process(writer, count, tmp_path):
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        url = f"sqlite:///{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
           "SMARTKOTO_DATA_DIR": str(tmp_path), "SMARTKOTO_TASKS_BACKEND": DB_TASKS["default"]["BACKEND"],
           "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH", "")]))}
    return subprocess.Popen([sys.executable, "-c", WRITER, str(writer), str(count)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_in_threads_and_processes_end_in_one_chain_with_every_record_once(worker_seals, tmp_path):
    audit.record("test.before", actor_kind="system")
    audit.seal()
    processes = [_writer_process(w, 15, tmp_path) for w in range(3)]
    writing = threading.Event()
    writing.set()

    def thread_writer(index):
        def write():
            for i in range(15):
                with transaction.atomic():
                    audit.record("test.thread", actor_kind="system", detail={"writer": index, "i": i})
        return write

    def sealer():
        while writing.is_set():
            audit.seal(batch=7)

    sealer_thread = threading.Thread(target=lambda: _in_parallel([sealer]))
    sealer_thread.start()
    try:
        errors = _in_parallel([thread_writer(n) for n in range(4)])
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        writing.clear()
        sealer_thread.join(60)
    assert errors == []
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    audit.seal()
    records = assert_one_gap_free_chain(1 + 4 * 15 + 3 * 15)
    seen = Counter((r.action, r.detail.get("writer"), r.detail.get("i")) for r in records[1:])
    expected = {("test.thread", w, i) for w in range(4) for i in range(15)} | {("test.process", w, i) for w in range(3) for i in range(15)}
    assert set(seen) == expected and set(seen.values()) == {1}


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_sealers_racing_each_other_never_fork_the_chain(worker_seals, monkeypatch):
    """Six sealers at once, twice over: with the lock, and with the lock taken away (as if it failed), when
    only the head's compare-and-set and the unique sequence stand between them and a fork."""
    for round_, lock in enumerate(("with the lock", "without the lock")):
        for i in range(40):
            audit.record("test.race", actor_kind="system", detail={"round": round_, "i": i})
        if lock == "without the lock":
            monkeypatch.setattr(audit, "_take_sealer_lock", lambda: True)
        errors = _in_parallel([lambda: audit.seal(batch=5)] * 6)
        assert errors == []
        audit.seal()
        assert_one_gap_free_chain(40 * (round_ + 1))


@pytest.mark.django_db
def test_a_sealer_with_a_stale_view_of_the_head_seals_nothing(worker_seals, monkeypatch):
    for i in range(3):
        audit.record("test.sealed", actor_kind="system", detail={"i": i})
    audit.seal()
    audit.record("test.waiting", actor_kind="system")
    stale = AuditChainHead(id=1, sequence=1, last_hash=AuditRecord.objects.get(sequence=1).record_hash)
    with monkeypatch.context() as patch:
        patch.setattr(AuditChainHead.objects, "get_or_create", lambda **kwargs: (stale, False))
        assert audit.seal() == 0
    assert audit.unsealed().count() == 1
    assert audit.verify_chain() == (True, None, "ok")
    assert audit.seal() == 1
    assert_one_gap_free_chain(4)


def _raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_the_database_lets_through_only_the_sealing_update(worker_seals):
    sealed = audit.record("test.sealed", actor_kind="system")
    audit.seal()
    waiting = audit.record("test.waiting", actor_kind="system")
    with pytest.raises(DatabaseError):
        _raw("UPDATE core_auditrecord SET action = 'test.forged' WHERE id = %s", [waiting.pk])
    with pytest.raises(DatabaseError):  # sealing while changing what the record says
        _raw("UPDATE core_auditrecord SET sequence = 2, record_hash = 'x', action = 'test.forged' WHERE id = %s", [waiting.pk])
    with pytest.raises(DatabaseError):  # re-sealing a sealed record elsewhere in the chain
        _raw("UPDATE core_auditrecord SET sequence = 9, record_hash = 'y' WHERE id = %s", [sealed.pk])
    with pytest.raises(DatabaseError):  # taking a record out of the chain
        _raw("UPDATE core_auditrecord SET sequence = NULL, record_hash = NULL WHERE id = %s", [sealed.pk])
    assert audit.seal() == 1
    assert_one_gap_free_chain(2)


@pytest.mark.django_db
def test_a_record_inserted_behind_the_sealers_back_is_named(worker_seals):
    audit.record("test.real", actor_kind="system")
    audit.seal()
    last = chain()[-1]
    forged = AuditRecord(occurred_at=timezone.now(), actor_kind="system", action="test.forged", sequence=2,
                         previous_hash=last.record_hash)
    forged.record_hash = audit.compute_hash(forged)
    forged.save()
    ok, sequence, reason = audit.verify_chain()
    assert (ok, sequence) == (False, 2)
    assert "inserted" in reason


@pytest.mark.django_db
def test_trail_and_search_show_unsealed_records_newest_first(worker_seals, client, make_staff, staff_login):
    from smartkoto.core.roles import Role

    auditor = make_staff(username="aud-seal", department="dx", role=Role.AUDITOR)
    audit.record("test.sealed_first", actor_kind="system", target=auditor)
    audit.seal()
    audit.record("test.not_sealed_yet", actor_kind="system", target=auditor)
    assert [r.action for r in audit.trail(auditor)] == ["test.not_sealed_yet", "test.sealed_first"]
    staff_login(client, auditor)
    text = client.get("/en/staff/audit/", {"action": "test."}).content.decode()
    assert text.index("test.not_sealed_yet") < text.index("test.sealed_first")
    assert "not sealed yet" in text
    text = client.get("/en/staff/audit/", {"action": "test.", "verify": "1"}).content.decode()
    assert "The chain is intact" in text
    assert not audit.unsealed().exists()  # the page sealed before verifying, its own search record included


@pytest.mark.django_db
def test_readyz_goes_red_while_a_record_waits_too_long_to_be_sealed(worker_seals, client, settings):
    from smartkoto.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(name="host:1", seen_at=timezone.now())
    settings.AUDIT_SEAL_MAX_AGE = 60
    audit.record("test.fresh", actor_kind="system")
    assert client.get("/readyz").status_code == 200  # waiting seconds is normal
    AuditRecord(occurred_at=timezone.now() - timedelta(seconds=61), actor_kind="system", action="test.old").save()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["audit"] == "1 audit records not sealed within 60 seconds"
    audit.seal()
    assert client.get("/readyz").json()["checks"]["audit"] == "ok"


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_workers_sealer_thread_seals_what_writers_commit(worker_seals):
    from smartkoto.core import worker

    stop = threading.Event()
    thread = threading.Thread(target=worker._sealer, args=(stop,))
    thread.start()
    try:
        for i in range(5):
            audit.record("test.worker", actor_kind="system", detail={"i": i})
        for _ in range(200):
            if not audit.unsealed().exists():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert_one_gap_free_chain(5)


@pytest.mark.django_db
def test_records_are_sealed_on_commit_where_tasks_run_inline(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        audit.record("test.inline", actor_kind="system")
    assert_one_gap_free_chain(1)


@pytest.mark.django_db
def test_cli_audit_seal_and_verify_report_waiting_records(worker_seals, capsys):
    from smartkoto.cli import main

    audit.record("test.cli", actor_kind="system")
    audit.record("test.cli", actor_kind="system")
    main(["audit", "seal"])
    assert "Sealed 2 audit records; 0 waiting." in capsys.readouterr().out
    audit.record("test.cli", actor_kind="system")
    main(["audit", "verify"])
    assert capsys.readouterr().out.strip() == "Audit chain intact."
    assert_one_gap_free_chain(3)

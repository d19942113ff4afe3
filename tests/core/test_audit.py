"""The audit log (監査ログ) is append-only and hash-chained: tampering and removal are detected and
named, parallel writers keep one gap-free chain once sealed, and auditors can search it in the back office.
(Sealing itself — the sequencer, late commits, two sealers, readiness — is in test_audit_sealing.py.)"""

import threading

import pytest
from django.db import DatabaseError, close_old_connections, connection, transaction

from smartkoto.core import audit
from smartkoto.core.models import AuditChainHead, AuditRecord
from smartkoto.core.roles import Role


def write(n, action="test.event"):
    """n records, sealed into the chain as the worker would, returned as stored."""
    records = [audit.record(action, actor_kind="system", detail={"i": i}) for i in range(n)]
    audit.seal()
    return list(AuditRecord.objects.filter(pk__in=[r.pk for r in records]).order_by("id"))


def unguarded_sql(sql, params=()):
    """Run SQL on core_auditrecord with the append-only trigger out of the way, as an attacker with
    database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            cursor.execute(sql, params)
        else:
            cursor.execute("ALTER TABLE core_auditrecord DISABLE TRIGGER audit_no_update_delete")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditrecord ENABLE TRIGGER audit_no_update_delete")


@pytest.mark.django_db
def test_chain_of_fresh_records_verifies():
    records = write(5)
    assert [r.sequence for r in records] == [1, 2, 3, 4, 5]
    assert records[0].previous_hash == audit.GENESIS
    assert all(b.previous_hash == a.record_hash for a, b in zip(records, records[1:]))
    assert audit.verify_chain() == (True, None, "ok")


@pytest.mark.django_db
def test_empty_log_verifies():
    assert audit.verify_chain() == (True, None, "ok")


@pytest.mark.django_db
def test_changed_record_is_detected_and_named():
    write(5)
    unguarded_sql("UPDATE core_auditrecord SET action = %s WHERE sequence = 3", ["test.innocent"])
    ok, sequence, reason = audit.verify_chain()
    assert (ok, sequence) == (False, 3)
    assert "changed" in reason


@pytest.mark.django_db
def test_changed_detail_is_detected():
    write(4)
    unguarded_sql("UPDATE core_auditrecord SET detail = %s WHERE sequence = 2", ['{"i": 99}'])
    assert audit.verify_chain()[:2] == (False, 2)


@pytest.mark.django_db
def test_record_rewritten_with_a_fresh_hash_breaks_the_next_link():
    records = write(4)
    forged = AuditRecord.objects.get(sequence=2)
    forged.action = "test.forged"
    new_hash = audit.compute_hash(forged)
    unguarded_sql("UPDATE core_auditrecord SET action = %s, record_hash = %s WHERE sequence = 2", ["test.forged", new_hash])
    ok, sequence, reason = audit.verify_chain()
    assert (ok, sequence) == (False, 3)
    assert records[2].previous_hash != new_hash


@pytest.mark.django_db
def test_deleted_record_in_the_middle_is_detected():
    write(5)
    unguarded_sql("DELETE FROM core_auditrecord WHERE sequence = 3")
    ok, sequence, reason = audit.verify_chain()
    assert (ok, sequence) == (False, 3)
    assert "missing" in reason


@pytest.mark.django_db
def test_deleted_last_record_is_detected():
    write(5)
    unguarded_sql("DELETE FROM core_auditrecord WHERE sequence = 5")
    ok, sequence, reason = audit.verify_chain()
    assert (ok, sequence) == (False, 5)
    assert "removed" in reason


@pytest.mark.django_db
def test_orm_refuses_to_change_or_delete_a_record():
    record = write(1)[0]
    record.action = "test.changed"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises((PermissionError, DatabaseError)), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(action="test.changed")
    with pytest.raises((PermissionError, DatabaseError)), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises((PermissionError, DatabaseError)), transaction.atomic():
        AuditRecord.objects.bulk_update([record], ["action"])
    assert AuditRecord.objects.get().action == "test.event"
    assert audit.verify_chain()[0]


@pytest.mark.django_db
def test_database_refuses_update_even_without_the_orm():
    write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditrecord SET action = 'x'")


@pytest.mark.django_db
def test_cli_audit_verify_passes_on_an_intact_chain(capsys):
    from smartkoto.cli import main

    write(3)
    main(["audit", "verify"])
    assert "intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_cli_audit_verify_exits_1_naming_the_first_broken_record(capsys):
    from smartkoto.cli import main

    write(6)
    unguarded_sql("UPDATE core_auditrecord SET actor_label = %s WHERE sequence = 4", ["someone-else"])
    unguarded_sql("UPDATE core_auditrecord SET actor_label = %s WHERE sequence = 5", ["someone-else"])
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify"])
    assert exit_info.value.code == 1
    assert "record 4" in capsys.readouterr().err


def _parallel_appends(threads, per_thread):
    errors = []
    barrier = threading.Barrier(threads)

    def worker(index):
        try:
            barrier.wait()
            for i in range(per_thread):
                audit.record("test.parallel", actor_kind="system", detail={"thread": index, "i": i})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(120)
    return errors


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_appends_from_the_first_record_keep_one_gap_free_chain():
    assert not AuditChainHead.objects.exists()
    errors = _parallel_appends(threads=8, per_thread=10)
    assert errors == []
    audit.seal()
    sequences = list(AuditRecord.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 81))
    assert AuditChainHead.objects.get().sequence == 80
    assert audit.verify_chain() == (True, None, "ok")


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_appends_after_existing_records_keep_the_chain_valid():
    write(3)
    errors = _parallel_appends(threads=6, per_thread=8)
    assert errors == []
    audit.seal()
    assert AuditRecord.objects.count() == 51
    assert not audit.unsealed().exists()
    assert audit.verify_chain() == (True, None, "ok")


# -- the auditors' search page ------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DX_ADMIN])
def test_auditors_and_dx_admins_can_search_the_log(client, make_staff, staff_login, role):
    staff_login(client, make_staff(username=f"u-{role}", department="dx", role=role))
    audit.record("identity.resident_sign_in", actor_kind="system", target_type="identity.residentprofile", target_id="42")
    audit.record("applications.submitted", actor_kind="system", department_code="kumin")
    response = client.get("/en/staff/audit/", {"action": "sign_in"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "identity.resident_sign_in" in text and "applications.submitted" not in text
    response = client.get("/en/staff/audit/", {"department": "kumin", "verify": "1"})
    text = response.content.decode()
    assert "applications.submitted" in text and "identity.resident_sign_in" not in text
    assert "The chain is intact" in text
    # the search itself is audited
    assert AuditRecord.objects.filter(action="audit.search").count() == 2


@pytest.mark.django_db
def test_audit_page_reports_a_broken_chain(client, make_staff, staff_login):
    staff_login(client, make_staff(username="aud", department="dx", role=Role.AUDITOR))
    write(3)
    unguarded_sql("UPDATE core_auditrecord SET action = %s WHERE sequence = 2", ["test.x"])
    text = client.get("/en/staff/audit/", {"verify": "1"}).content.decode()
    assert "The chain is broken at record 2" in text


@pytest.mark.django_db
def test_case_worker_cannot_open_the_audit_log(client, make_staff, staff_login):
    staff_login(client, make_staff(username="cw", department="kumin", role=Role.CASE_WORKER))
    assert client.get("/staff/audit/").status_code == 403
    assert not AuditRecord.objects.filter(action="audit.search").exists()

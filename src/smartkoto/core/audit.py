"""The one way to write to the audit log (監査ログ): `audit.record(...)`.

Each sealed record carries the hash of the one before, so changing or removing any row breaks the chain
at that row; `verify_chain()` names the first broken link.

Writers only append: `record()` inserts a row inside the caller's transaction and takes no shared lock, so
audited writes never queue behind each other. The row's place in the chain (sequence, previous_hash,
record_hash) is given after it commits by `seal()`, which one sealer at a time runs in the background
worker every second (ADR 0008). The chain's order is the order the sealer saw the rows committed.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditRecord
from .mynumber import redact_individual_numbers

log = logging.getLogger(__name__)

GENESIS = "0" * 64
SEAL_BATCH = 500
# Any number unique to this lock in the database: PostgreSQL advisory locks are one namespace of int64s.
SEALER_LOCK_KEY = 0x534B_4155_4449_54  # "SKAUDIT"
HASHED_FIELDS = (
    "sequence", "occurred_at", "actor_kind", "actor_id", "actor_label", "action", "target_type",
    "target_id", "department_code", "detail", "request_id", "ip_address", "previous_hash",
)


def _canonical(values):
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(record):
    values = {name: getattr(record, name) for name in HASHED_FIELDS}
    values["occurred_at"] = record.occurred_at.isoformat(timespec="microseconds")
    return hashlib.sha256(_canonical(values).encode()).hexdigest()


def _actor(user, service_account):
    if service_account is not None:
        return "service", service_account.pk, f"service:{service_account.name}"
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous", None, ""
    return getattr(user, "kind", "resident"), user.pk, user.get_username()


def record(action, *, actor=None, request=None, user=None, target=None, target_type="", target_id="",
           department_code="", detail=None, actor_kind=None):
    """Append one record. Runs inside the caller's transaction when there is one.

    `actor` (a `core.actor.Actor`) says who acted; `request`/`user` remain for the few views that audit
    a page view themselves. `target` may be any model instance; `detail` is a JSON-able dict (never
    personal data itself: say *which* record was seen, not what it holds).
    """
    if actor is not None:
        context = actor.audit_context()
        kind, actor_id, label = context["actor_kind"], context["actor_id"], context["actor_label"]
        request_id, ip_address = actor.request_id, actor.client_address
    else:
        if request is not None and user is None:
            user = getattr(request, "user", None)
        service_account = getattr(request, "service_account", None) if request is not None else None
        kind, actor_id, label = _actor(user, service_account)
        request_id = getattr(request, "request_id", "") if request is not None else ""
        ip_address = client_ip(request) if request is not None else ""
    if actor_kind:
        kind = actor_kind
    if target is not None:
        target_type = target_type or f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = target_id or str(target.pk)
    detail = json.loads(redact_individual_numbers(_canonical(detail or {})))
    entry = AuditRecord(
        occurred_at=timezone.now(),
        actor_kind=kind,
        actor_id=actor_id,
        actor_label=label[:200],
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:100],
        department_code=department_code or "",
        detail=detail,
        request_id=request_id or "",
        ip_address=ip_address or "",
    )
    entry.save()
    if _tasks_run_inline():
        # No worker runs the sealer where tasks run inline (development, tests): seal once this commits.
        transaction.on_commit(seal, robust=True)
    return entry


def _tasks_run_inline():
    backend = settings.TASKS["default"]["BACKEND"]
    return backend.endswith("ImmediateBackend")


# -- sealing --------------------------------------------------------------------------------------------
class ChainMoved(Exception):
    """The chain head moved under this sealer: another sealer ran despite the lock. Nothing is kept."""


def _take_sealer_lock():
    """True when this transaction is now the only sealer. PostgreSQL: a transaction-level advisory lock,
    tried, never waited for (writers never take it). SQLite: the transaction already holds the database's
    one write lock (BEGIN IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEALER_LOCK_KEY])
        return cursor.fetchone()[0]


def unsealed():
    """Committed records without a place in the chain yet, oldest first."""
    return AuditRecord.objects.filter(sequence__isnull=True).order_by("id")


def _seal_batch(limit):
    with transaction.atomic():
        if not _take_sealer_lock():
            return 0
        head, _created = AuditChainHead.objects.get_or_create(id=1)
        rows = list(unsealed()[:limit])
        if not rows:
            return 0
        sequence, previous = head.sequence, head.last_hash
        changes = []
        for row in rows:
            sequence += 1
            row.sequence, row.previous_hash = sequence, previous
            row.record_hash = previous = compute_hash(row)
            changes.append((row.sequence, row.previous_hash, row.record_hash, row.pk))
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE core_auditrecord SET sequence = %s, previous_hash = %s, record_hash = %s "
                "WHERE id = %s AND sequence IS NULL", changes)
        # Compare-and-set: even two sealers that both got past the lock cannot fork the chain; the unique
        # sequence and the count below refuse a row sealed twice or a gap.
        moved = AuditChainHead.objects.filter(id=1, sequence=head.sequence).update(sequence=sequence, last_hash=previous)
        placed = AuditRecord.objects.filter(sequence__gt=head.sequence, sequence__lte=sequence).count()
        if moved != 1 or placed != len(rows):
            raise ChainMoved(f"chain head moved from {head.sequence} while sealing {len(rows)} records")
    return len(rows)


def seal(batch=SEAL_BATCH):
    """Give every committed unsealed record its place at the end of the chain, in id order within what
    this sealer sees. Returns how many were sealed; 0 at once when another sealer is at work. On PostgreSQL
    it never makes a writer wait: writers take no lock the sealer takes, and it touches only committed rows
    (on SQLite every write transaction, this one included, takes the database's single write lock)."""
    if not unsealed().exists():
        return 0
    total = 0
    while True:
        try:
            count = _seal_batch(batch)
        except (ChainMoved, IntegrityError):
            log.warning("audit sealer lost a race; the next round seals these records", exc_info=True)
            return total
        total += count
        if count < batch:
            return total


def sealing_overdue(now=None):
    """The number of records not sealed within settings.AUDIT_SEAL_MAX_AGE seconds (0 when healthy)."""
    max_age = timedelta(seconds=getattr(settings, "AUDIT_SEAL_MAX_AGE", 60))
    cutoff = (now or timezone.now()) - max_age
    return AuditRecord.objects.filter(sequence__isnull=True, occurred_at__lt=cutoff).count()


def client_ip(request):
    """The client's address. Behind SMARTKOTO_TRUSTED_PROXIES, the last address a trusted proxy added."""
    from django.conf import settings

    address = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXIES", ())
    if address in trusted:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        while hops and hops[-1] in trusted:
            hops.pop()
        if hops:
            return hops[-1][:64]
    return address


def verify_chain():
    """Walk the sealed chain from the start. Returns (ok, first_bad_sequence or None, reason).

    Records not sealed yet are not part of the chain and not judged here: see `unsealed()`."""
    previous = GENESIS
    expected_sequence = 1
    sealed = AuditRecord.objects.filter(sequence__isnull=False).order_by("sequence")
    for entry in sealed.iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return False, expected_sequence, f"record {expected_sequence} is missing"
        if entry.previous_hash != previous:
            return False, entry.sequence, f"record {entry.sequence} does not follow record {entry.sequence - 1}"
        if compute_hash(entry) != entry.record_hash:
            return False, entry.sequence, f"record {entry.sequence} was changed after it was written"
        previous = entry.record_hash
        expected_sequence += 1
    head = AuditChainHead.objects.filter(id=1).first()
    last = expected_sequence - 1
    if head and head.sequence > last:
        return False, expected_sequence, f"records after {last} were removed"
    if last and (head is None or head.sequence < last):
        first_extra = (head.sequence if head else 0) + 1
        return False, first_extra, f"record {first_extra} was inserted outside the sealer"
    return True, None, "ok"


def trail(target, limit=50):
    """The newest records about one object, sealed or not yet, for the staff page that shows it."""
    target_type = f"{target._meta.app_label}.{target._meta.model_name}"
    records = AuditRecord.objects.filter(target_type=target_type, target_id=str(target.pk))
    return records.order_by("-occurred_at", "-id")[:limit]


SEARCH_FILTERS = ("action", "actor", "target", "department", "date_from", "date_to")


def search(filters, *, actor):
    """Audit records matching `filters` (the keys of SEARCH_FILTERS), newest first, for auditors and DX
    administrators (core.policy "audit_log.read"); the search itself is recorded."""
    from django.utils.dateparse import parse_date

    from .policy import policy

    policy.check(actor, "audit_log.read")
    filters = {key: (filters.get(key) or "").strip() for key in SEARCH_FILTERS}
    records = AuditRecord.objects.order_by("-occurred_at", "-id")  # unsealed records too
    if filters["action"]:
        records = records.filter(action__icontains=filters["action"])
    if filters["actor"]:
        records = records.filter(actor_label__icontains=filters["actor"])
    if filters["target"]:
        records = records.filter(target_id=filters["target"]) | records.filter(target_type__icontains=filters["target"])
    if filters["department"]:
        records = records.filter(department_code=filters["department"])
    if date_from := parse_date(filters["date_from"]):
        records = records.filter(occurred_at__date__gte=date_from)
    if date_to := parse_date(filters["date_to"]):
        records = records.filter(occurred_at__date__lte=date_to)
    record("audit.search", actor=actor, detail={k: v for k, v in filters.items() if v})
    return records


def verify(*, actor):
    """Seal what is waiting (never blocks: another sealer at work makes this a no-op), then verify_chain(),
    for the audit log page (same rule as reading it). Returns (ok, first_bad_sequence, reason, unsealed)."""
    from .policy import policy

    policy.check(actor, "audit_log.read")
    seal()
    return (*verify_chain(), unsealed().count())


def demo_loaded():
    return AuditRecord.objects.filter(action="demo.loaded").exists()

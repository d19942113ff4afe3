"""The one way to write to the audit log (監査ログ): `audit.record(...)`.

Each record carries the hash of the one before, so changing or removing any row breaks the chain
at that row; `verify_chain()` names the first broken link.
"""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditRecord
from .mynumber import redact_individual_numbers

GENESIS = "0" * 64
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
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(id=1)
        head = AuditChainHead.objects.select_for_update().get(id=1)
        entry = AuditRecord(
            sequence=head.sequence + 1,
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
            previous_hash=head.last_hash,
        )
        entry.record_hash = compute_hash(entry)
        entry.save()
        head.sequence = entry.sequence
        head.last_hash = entry.record_hash
        head.save(update_fields=["sequence", "last_hash"])
    return entry


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
    """Walk the chain from the start. Returns (ok, first_bad_sequence or None, reason)."""
    previous = GENESIS
    expected_sequence = 1
    for entry in AuditRecord.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return False, expected_sequence, f"record {expected_sequence} is missing"
        if entry.previous_hash != previous:
            return False, entry.sequence, f"record {entry.sequence} does not follow record {entry.sequence - 1}"
        if compute_hash(entry) != entry.record_hash:
            return False, entry.sequence, f"record {entry.sequence} was changed after it was written"
        previous = entry.record_hash
        expected_sequence += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head and head.sequence != expected_sequence - 1:
        return False, expected_sequence, f"records after {expected_sequence - 1} were removed"
    return True, None, "ok"


def trail(target, limit=50):
    """The newest records about one object, for the staff page that shows it."""
    target_type = f"{target._meta.app_label}.{target._meta.model_name}"
    return AuditRecord.objects.filter(target_type=target_type, target_id=str(target.pk)).order_by("-sequence")[:limit]


SEARCH_FILTERS = ("action", "actor", "target", "department", "date_from", "date_to")


def search(filters, *, actor):
    """Audit records matching `filters` (the keys of SEARCH_FILTERS), newest first, for auditors and DX
    administrators (core.policy "audit_log.read"); the search itself is recorded."""
    from django.utils.dateparse import parse_date

    from .policy import policy

    policy.check(actor, "audit_log.read")
    filters = {key: (filters.get(key) or "").strip() for key in SEARCH_FILTERS}
    records = AuditRecord.objects.order_by("-sequence")
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
    """verify_chain() for the audit log page (same rule as reading it)."""
    from .policy import policy

    policy.check(actor, "audit_log.read")
    return verify_chain()


def demo_loaded():
    return AuditRecord.objects.filter(action="demo.loaded").exists()

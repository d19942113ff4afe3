"""Floor 1 records: the append-only audit log and the worker heartbeat."""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes are refused too: `.update()`, `.delete()` and `bulk_update()` would bypass the model."""

    def update(self, **kwargs):
        raise PermissionError("Audit records are append-only.")

    def delete(self):
        raise PermissionError("Audit records are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("Audit records are append-only.")

    def update_or_create(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only.")


class AuditRecord(models.Model):
    """One thing that happened, chained by hash to the record before it (監査ログ).

    Writers append a row with everything but its place in the chain; the sealer (`audit.seal`, run by the
    background worker) gives committed rows their sequence, previous_hash and record_hash in the order it
    sees them (ADR 0008). Rows are otherwise never updated or deleted: the model refuses it and database
    triggers refuse everything but that one sealing update.
    """

    sequence = models.BigIntegerField(unique=True, null=True, blank=True)  # None until sealed
    occurred_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16)  # resident | staff | service | system | anonymous
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True, db_index=True)
    target_id = models.CharField(max_length=100, blank=True, db_index=True)
    department_code = models.CharField(max_length=32, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)  # "" until sealed
    record_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)  # None until sealed

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            # the sealer's and /readyz's question "which rows are not sealed yet, oldest first" stays cheap
            models.Index(fields=["occurred_at"], condition=models.Q(sequence__isnull=True), name="core_audit_unsealed"),
        ]

    @property
    def sealed(self):
        return self.sequence is not None

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only.")


class AuditChainHead(models.Model):
    """Where the sealed chain ends. Only the sealer reads and moves it, so writers never wait on it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class WorkerHeartbeat(models.Model):
    """Each background worker process writes here every few seconds; /readyz reads it."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()


class ScheduledRun(models.Model):
    """When each periodic task (settings.PERIODIC_TASKS) was last enqueued; see core/schedule.py."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField()


class Throttle(models.Model):
    """One rate limit or lockout counter (core/throttle.py). Changed only by single conditional UPDATEs,
    so parallel requests in any number of processes cannot both take the last attempt."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()  # the count (and a lockout's level) is forgotten after this
    locked_until = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(default=0)  # lockouts so far: each one lasts twice as long

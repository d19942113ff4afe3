"""Audit records are appended without their place in the chain and sealed later by one sequencer (ADR 0008).

The append-only triggers now let exactly one UPDATE through: the sealing one, which fills sequence,
previous_hash and record_hash of a row that had none and changes nothing else. Everything else is still
refused (PostgreSQL: any other UPDATE and every DELETE; SQLite: any other UPDATE).
"""

from django.db import migrations, models

UNCHANGED = ("id", "occurred_at", "actor_kind", "actor_id", "actor_label", "action", "target_type", "target_id",
             "department_code", "detail", "request_id", "ip_address")

SQLITE_SEALING_ONLY = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON core_auditrecord
       WHEN NOT (OLD.sequence IS NULL AND NEW.sequence IS NOT NULL AND NEW.record_hash IS NOT NULL
                 AND {" AND ".join(f"NEW.{name} IS OLD.{name}" for name in UNCHANGED)})
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]
POSTGRES_SEALING_ONLY = [
    f"""CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.sequence IS NULL AND NEW.sequence IS NOT NULL AND NEW.record_hash IS NOT NULL
            AND {" AND ".join(f"NEW.{name} IS NOT DISTINCT FROM OLD.{name}" for name in UNCHANGED)} THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit records are append-only';
       END; $$ LANGUAGE plpgsql;""",
]
SQLITE_BEFORE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON core_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]
POSTGRES_BEFORE = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql;""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0004_throttle")]

    operations = [
        migrations.AlterModelOptions(name="auditrecord", options={"ordering": ["id"]}),
        migrations.AlterField(model_name="auditrecord", name="previous_hash", field=models.CharField(blank=True, max_length=64)),
        migrations.AlterField(model_name="auditrecord", name="record_hash",
                              field=models.CharField(blank=True, max_length=64, null=True, unique=True)),
        migrations.AlterField(model_name="auditrecord", name="sequence", field=models.BigIntegerField(blank=True, null=True, unique=True)),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(condition=models.Q(("sequence__isnull", True)), fields=["occurred_at"], name="core_audit_unsealed"),
        ),
        # SQLite rebuilt the table above, and its triggers went with the old one: (re)create them last.
        migrations.RunPython(_run({"sqlite": SQLITE_SEALING_ONLY, "postgresql": POSTGRES_SEALING_ONLY}),
                             _run({"sqlite": SQLITE_BEFORE, "postgresql": POSTGRES_BEFORE})),
    ]

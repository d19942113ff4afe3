"""On PostgreSQL, a GIN index on the row data makes datastore_search filters (jsonb containment) fast."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE opendata_datastorerow ALTER COLUMN data TYPE jsonb USING data::jsonb")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS opendata_row_data_gin ON opendata_datastorerow USING gin (data jsonb_path_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS opendata_row_data_gin")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

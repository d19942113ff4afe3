from django.db import migrations, models


class Migration(migrations.Migration):
    """The municipality's name is data (municipality.queries.profile()), so the flag no longer names it."""

    dependencies = [("lifeevents", "0001_initial")]

    operations = [
        migrations.RenameField("lifeevent", "koto_address_required", "local_address_required"),
        migrations.AlterField("lifeevent", "local_address_required",
                              models.BooleanField(default=False, verbose_name="new address must be in this municipality")),
    ]

"""`smartkoto manage opendata_refresh_live`: store a new version of every live dataset (run it from cron
or a systemd timer, e.g. hourly); each refresh is validated, loaded and audited like an upload."""

from django.core.management.base import BaseCommand

from smartkoto.opendata import live
from smartkoto.opendata.models import Resource


class Command(BaseCommand):
    help = "Refresh the platform's own live open datasets (procedures, counter congestion, open data list)."

    def handle(self, *args, **options):
        for resource in Resource.objects.exclude(live_source="").select_related("dataset"):
            version = live.refresh(resource, run_now=True)
            if version is None:
                self.stdout.write(f"{resource.dataset.name}: source not available, unchanged")
            else:
                self.stdout.write(f"{resource.dataset.name}: version {version.version} {version.load_state}")

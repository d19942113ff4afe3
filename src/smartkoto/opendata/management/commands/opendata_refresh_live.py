"""`smartkoto manage opendata_refresh_live`: store a new version of every live dataset (run it from cron
or a systemd timer, e.g. hourly); each refresh is validated, loaded and audited like an upload."""

from django.core.management.base import BaseCommand

from smartkoto.core.actor import Actor
from smartkoto.opendata import services
from smartkoto.opendata.models import Resource


class Command(BaseCommand):
    help = "Refresh the platform's own live open datasets (procedures, counter congestion, open data list)."

    def handle(self, *args, **options):
        actor = Actor.system("opendata_refresh_live")
        for resource in Resource.objects.exclude(live_source="").select_related("dataset"):
            version = services.refresh_live(resource, actor=actor, run_now=True)
            if version is None:
                self.stdout.write(f"{resource.dataset.name}: source not available, unchanged")
            else:
                self.stdout.write(f"{resource.dataset.name}: version {version.version} {version.load_state}")

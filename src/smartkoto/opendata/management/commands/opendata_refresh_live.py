"""`smartkoto manage opendata_refresh_live`: store a new version of every live dataset (the scheduler runs
it hourly, see settings.PERIODIC_TASKS); each refresh is validated, loaded and audited like an upload.
The loads are enqueued on the bulk queue (so the scheduled run on the default queue stays short);
`--now` loads them in this process instead."""

from django.core.management.base import BaseCommand

from smartkoto.core.actor import Actor
from smartkoto.opendata import services
from smartkoto.opendata.models import Resource


class Command(BaseCommand):
    help = "Refresh the platform's own live open datasets (procedures, counter congestion, open data list)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Load in this process instead of on the bulk queue.")

    def handle(self, *args, **options):
        actor = Actor.system("opendata_refresh_live")
        for resource in Resource.objects.exclude(live_source="").select_related("dataset"):
            version = services.refresh_live(resource, actor=actor, run_now=options["now"])
            if version is None:
                self.stdout.write(f"{resource.dataset.name}: source not available, unchanged")
            else:
                self.stdout.write(f"{resource.dataset.name}: version {version.version} {version.load_state}")

from django.core.management.base import BaseCommand

from smartkoto.payments.tasks import sweep


class Command(BaseCommand):
    help = "Enqueue the payments sweep: poll stuck payments, expire old ones, retry pending refunds (run every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run in this process instead of enqueuing")

    def handle(self, *args, **options):
        if options["now"]:
            self.stdout.write(str(sweep.call()))
        else:
            sweep.enqueue()
            self.stdout.write("enqueued")

"""`soma demo`: load the fictional Republic of Demoland assessments so that every screen has content."""

from django.core.management.base import BaseCommand, CommandError

from soma.demo import services as demo_data
from soma.kernel.errors import ServiceError


class Command(BaseCommand):
    help = "Load a fictional demo (Republic of Demoland): three assessments and four demo users."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Replace the demo assessments if they exist.")
        parser.add_argument("--password", help="Password for the demo users (default: a new random one, printed once).")

    def handle(self, *args, reset: bool, password: str | None, **options):
        try:
            result = demo_data.build(password=password, reset=reset)
        except demo_data.DemoExists as error:
            self.stdout.write(str(error))
            return
        except ServiceError as error:
            raise CommandError(f"The demo could not be loaded: {error}") from None
        follow_up, baseline, planned = result.assessments
        counts = ", ".join(f"{number} {name}" for name, number in result.counts.items())
        self.stdout.write(self.style.SUCCESS("Loaded the Republic of Demoland demo (entirely fictional)."))
        self.stdout.write(f"  {follow_up.pk:>4}  {follow_up.title} [{follow_up.status}]: {counts}")
        self.stdout.write(f"  {baseline.pk:>4}  {baseline.title} [{baseline.status}]")
        self.stdout.write(f"  {planned.pk:>4}  {planned.title} [{planned.status}]")
        users = ", ".join(username for username, _first, _last in demo_data.USERS.values())
        self.stdout.write(f"Demo users: {users}")
        self.stdout.write(f"Their shared password (shown only now): {result.password}")

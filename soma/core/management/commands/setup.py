from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare SOMA: apply migrations, collect static files, load the catalog, create a first administrator."

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="Do not create a first administrator.")

    def handle(self, *args, no_admin, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        call_command("collectstatic", interactive=False, verbosity=0)
        if "catalog" in get_commands():
            call_command("catalog", "load", "--if-needed")
        if not no_admin:
            call_command("createadmin", if_none=True)

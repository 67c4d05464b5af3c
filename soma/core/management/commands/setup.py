from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import connection

from soma.core.file_modes import make_private


def private_paths() -> list[Path]:
    """The data folder, and a SQLite database (with its -wal and -shm files) wherever it is kept."""
    paths = [Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)]
    if connection.vendor == "sqlite":
        database = Path(connection.settings_dict["NAME"])
        paths += [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]
    return paths


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
        # A data folder written by an earlier version (or copied in) may be readable by others: not any more.
        changed = make_private(*private_paths())
        if changed:
            self.stdout.write(f"Made {len(changed)} files and folders of the data folder private (owner only).")

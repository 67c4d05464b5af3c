"""`soma restore`: check a backup archive in full, then restore its database and files."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from soma.core import backup


class Command(BaseCommand):
    help = "Check a backup archive, then replace the database and the uploaded files with it (asks first)."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="An archive written by `soma backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file, yes, **options):
        try:
            checked = backup.check(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = checked.manifest
        files = sum(1 for name in checked.members if name.startswith("files/"))
        self.stdout.write(f"{file}: a good backup of SOMA {manifest['soma_version']} taken {manifest['created_at']} "
                          f"({files} files; every checksum matches and its database passes the checks).")
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Restoring replaces the current database and files. Nothing was changed: "
                                   "run it on a terminal to confirm, or pass --yes.")
            answer = input("This replaces the current database and all uploaded files. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Not restored; nothing was changed.")
        try:
            done = backup.restore(checked)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        for line in done:
            self.stdout.write(line)
        if _unapplied_migrations():
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("The backup came from an older SOMA: its database was migrated to this version.")
        self.stdout.write(self.style.SUCCESS("Restore complete. Start SOMA again (server and worker)."))


def _unapplied_migrations() -> list:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())

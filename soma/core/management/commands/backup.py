"""`soma backup`: a consistent archive of the database and the uploaded files, taken while SOMA runs."""

from django.core.management.base import BaseCommand, CommandError

from soma.core import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive (safe while SOMA runs)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE",
                            help="The archive to write (.tar.gz; default: a dated file in DATA_DIR/backups/).")
        parser.add_argument("--include-secret-key", action="store_true",
                            help="Put the data folder's secret key in the archive too (keep the archive safer then).")

    def handle(self, *args, output, include_secret_key, **options):
        try:
            path, manifest = backup.create(output, include_secret_key=include_secret_key)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        files = sum(1 for entry in manifest["members"] if entry["path"].startswith("files/"))
        size = path.stat().st_size
        self.stdout.write(f"Backup written to {path} ({size:,} bytes): the {manifest['database']['vendor']} "
                          f"database and {files} files.")
        if not include_secret_key:
            self.stdout.write("The secret key is not in it: keep a copy of it separately (see docs/security.md).")

from django.core.management.base import BaseCommand

from soma.evidence import files


class Command(BaseCommand):
    help = "Remove stored source files that no source refers to (left by an interrupted import or upload)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=files.DEFAULT_AGE_SECONDS / 60, metavar="MINUTES",
                            help="Only files at least this old (default 60 minutes: never a running upload's).")

    def handle(self, *args, older_than, **options):
        removed = files.sweep_orphans(older_than * 60)
        self.stdout.write(f"Removed {len(removed)} file(s) that no source refers to.")

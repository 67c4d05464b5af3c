from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background work (report rendering, large imports); --batch does what is waiting, then stops."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Do every waiting job, then exit.")

    def handle(self, *args, batch, **options):
        from soma.evidence.files import sweep_orphans

        sweep_orphans()  # files left by a process killed mid-write (see soma/evidence/files.py)
        # django-tasks' database worker does the work; this only gives it SOMA's name and defaults.
        argv = ["--no-startup-delay", "--no-reload"]
        if batch:
            argv.append("--batch")
        call_command("db_worker", *argv)

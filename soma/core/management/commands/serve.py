import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server: Django's server, or gunicorn with --workers N."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address and port (default 127.0.0.1:8000).")
        parser.add_argument("--workers", type=int, default=0, help="Run gunicorn with this many workers.")
        parser.add_argument("--reload", action="store_true", help="Restart when code changes (development).")

    def handle(self, *args, bind, workers, reload, **options):
        if workers > 0:
            # gunicorn replaces this process; its workers import soma.wsgi themselves.
            argv = ["gunicorn", "soma.wsgi:application", "--bind", bind, "--workers", str(workers)]
            argv += ["--access-logfile", "-"]
            os.execvp(sys.executable, [sys.executable, "-m", *argv])
        self.stdout.write(f"SOMA is serving http://{bind}/ (Ctrl+C stops it).")
        call_command("runserver", bind, use_reloader=reload, skip_checks=False)

import atexit
import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server: Django's server, or gunicorn with --workers N."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address and port (default 127.0.0.1:8000).")
        parser.add_argument("--workers", type=int, default=0, help="Run gunicorn with this many workers.")
        parser.add_argument("--reload", action="store_true", help="Restart when code changes (development).")
        parser.add_argument(
            "--no-background", action="store_true",
            help="Do not start a background worker beside the server (run `soma worker` yourself).",
        )

    def handle(self, *args, bind, workers, reload, no_background, **options):
        if workers > 0:
            # gunicorn replaces this process; its workers import soma.wsgi themselves. On a server the
            # background worker is its own service (`soma worker`, see docs/configuration.md).
            argv = ["gunicorn", "soma.wsgi:application", "--bind", bind, "--workers", str(workers)]
            argv += ["--access-logfile", "-"]
            os.execvp(sys.executable, [sys.executable, "-m", *argv])
        if not no_background:
            self._start_background_worker()
        self.stdout.write(f"SOMA is serving http://{bind}/ (Ctrl+C stops it).")
        call_command("runserver", bind, use_reloader=reload, skip_checks=False)

    def _start_background_worker(self):
        """On a laptop, one command runs everything: the report and import worker runs beside the server."""
        worker = subprocess.Popen([sys.executable, "-c", "from soma.cli import main; main(['worker'])"])
        atexit.register(worker.terminate)
        # Stopped with SIGTERM (a service manager, a test), exit normally so that the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        self.stdout.write("Background work (reports, imports) runs in a worker beside the server.")

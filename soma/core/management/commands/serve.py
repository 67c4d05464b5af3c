import atexit
import logging
import os
import signal
import subprocess
import sys
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Start the web server (Django's server, or gunicorn with --workers N) and a background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address and port (default 127.0.0.1:8000).")
        parser.add_argument("--workers", type=int, default=0, help="Run gunicorn with this many workers.")
        parser.add_argument("--reload", action="store_true", help="Restart when code changes (development).")
        parser.add_argument(
            "--no-background", action="store_true",
            help="Do not start a background worker beside the server (run `soma worker` yourself).",
        )

    def handle(self, *args, bind, workers, reload, no_background, **options):
        # With --reload, Django's server runs this command again in a child process (RUN_MAIN set): the worker
        # started by the parent is enough.
        if not no_background and os.environ.get("RUN_MAIN") != "true":
            BackgroundWorker().start()
            self.stdout.write("Background work (reports, imports) runs in a worker beside the server.")
        if workers > 0:
            sys.exit(self._gunicorn(bind, workers))
        self.stdout.write(f"SOMA is serving http://{bind}/ (Ctrl+C stops it).")
        # Stopped with SIGTERM (a service manager, a test), exit normally so that the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        call_command("runserver", bind, use_reloader=reload, skip_checks=False)

    def _gunicorn(self, bind: str, workers: int) -> int:
        # soma/gunicorn_conf.py: threads per worker, and workers forked from a warmed-up master.
        argv = [sys.executable, "-m", "gunicorn", "soma.wsgi:application", "--config", "python:soma.gunicorn_conf",
                "--bind", bind, "--workers", str(workers), "--access-logfile", "-"]
        server = subprocess.Popen(argv)
        # gunicorn shares this terminal, so Ctrl+C reaches it directly; a SIGTERM sent to this process is
        # passed on. Either way this process waits for gunicorn, then stops the worker (atexit).
        signal.signal(signal.SIGINT, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda signum, _frame: server.send_signal(signum))
        return server.wait()


class BackgroundWorker:
    """`soma worker` as a child process: started again if it dies, stopped when this process exits.

    It runs in a session of its own so that Ctrl+C on the terminal does not reach it twice (the terminal, then
    `stop`); `stop` asks it to finish its current job, and after a while insists (the job is then marked
    failed, see soma.core.jobs)."""

    RESTART_AFTER = 5  # seconds; a worker that keeps failing at start is not restarted in a tight loop
    GRACE = 10

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()  # no restart while `stop` runs

    def _spawn(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", "from soma.cli import main; main(['worker'])"],
                                        start_new_session=True)

    def start(self) -> None:
        self._spawn()
        atexit.register(self.stop)
        threading.Thread(target=self._watch, name="soma-worker-watch", daemon=True).start()

    def _watch(self) -> None:
        while not self.stopping.wait(self.RESTART_AFTER):
            with self.lock:
                process = self.process
                if process is not None and process.poll() is not None and not self.stopping.is_set():
                    log.warning("The background worker stopped (exit code %s); starting it again.",
                                process.returncode)
                    sys.stderr.write("The background worker stopped; starting it again.\n")
                    self._spawn()

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        for send in (process.terminate, process.terminate, process.kill):  # the second SIGTERM ends its job
            send()
            try:
                process.wait(timeout=self.GRACE)
                return
            except subprocess.TimeoutExpired:
                continue

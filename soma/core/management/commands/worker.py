from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background work (report rendering, large imports); --batch does what is waiting, then stops."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Do every waiting job, then exit.")

    def handle(self, *args, batch, **options):
        from soma.core import housekeeping, jobs

        # Before taking new work: jobs left "running" by a worker that was killed are marked failed, and the apps'
        # housekeeping runs, e.g. files left by a process killed mid-write are removed (soma/evidence/apps.py).
        jobs.recover_abandoned()
        housekeeping.run()
        heartbeat = jobs.Heartbeat(every_hour=housekeeping.run)
        worker_id = heartbeat.start()
        # django-tasks' database worker does the work; this only gives it SOMA's name, defaults and lease.
        argv = ["--no-startup-delay", "--no-reload", "--worker-id", worker_id]
        if batch:
            argv.append("--batch")
        try:
            call_command("db_worker", *argv)
        finally:
            heartbeat.stop()

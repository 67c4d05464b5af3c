"""A background worker killed with kill -9 mid-job: the next worker marks the job failed and its page says so.
`soma serve --workers N` runs a worker beside gunicorn. Real processes, as in tests/core/test_failures.py."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from tests.core.instance import Instance
from tests.core.test_serve import free_port, wait_for

START = """
from django.contrib.auth import get_user_model
from soma.core import jobs
from tests.core.tasks import slow
user = get_user_model().objects.create_user(username="amina.demo")
result = jobs.start(user, "test", "Counting Demoland records", slow, SECONDS).pk
"""

JOB = """
from soma.core.models import Job, WorkerBeat
job = Job.objects.get()
result = {"state": job.state, "message": job.message, "progress": job.progress, "workers": WorkerBeat.objects.count()}
"""

WORKER_PID = """
from soma.core.models import WorkerBeat
result = WorkerBeat.objects.get().pid
"""

AGAIN = """
from soma.core import jobs
from soma.core.models import Job
from tests.core.tasks import slow
job = Job.objects.get()
Job.objects.all().delete()
result = jobs.start(job.user, "test", "Counting Demoland records again", slow, 1).pk
"""

PAGE = """
from django.test import Client
from django.test.utils import setup_test_environment
from soma.core.models import Job
setup_test_environment()
job = Job.objects.get()
client = Client()
client.force_login(job.user)
result = client.get(f"/jobs/{job.pk}/").content.decode()
"""


@pytest.fixture
def soma(tmp_path):
    instance = Instance(tmp_path / "data")
    try:
        instance.soma("migrate", "-v0")
        yield instance
    finally:
        instance.close()


def _worker(instance: Instance):
    return instance.popen([sys.executable, "-m", "soma.cli", "worker"], stdout=-3, stderr=-3)


def _wait_for_job(instance: Instance, done, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = instance.python(JOB)
        if done(job) or time.monotonic() > deadline:
            return job
        time.sleep(0.3)


def _stop(process) -> None:
    if process.poll() is None:
        process.terminate()
    process.wait(timeout=30)


@pytest.mark.slow
def test_a_job_of_a_killed_worker_ends_failed_when_a_new_worker_starts(soma):
    first = _worker(soma)
    second = None
    try:
        soma.python(START.replace("SECONDS", "600"))
        running = _wait_for_job(soma, lambda job: job["state"] == "running" and job["progress"] > 0)
        assert running["state"] == "running" and running["workers"] == 1
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        time.sleep(1)
        assert soma.python(JOB)["state"] == "running"  # nobody else knows yet

        second = _worker(soma)
        job = _wait_for_job(soma, lambda job: job["state"] != "running", timeout=40)
        assert job["state"] == "failed"
        assert "The background worker stopped while this was running" in job["message"]
        assert job["workers"] == 1  # the dead worker's lease is gone, the new one's is there
        page = soma.python(PAGE)
        assert "Failed" in page and "nothing of it was saved" in page and "Start it again" in page
        assert 'hx-trigger="every 1s"' not in page
    finally:
        first.kill()
        first.wait(timeout=30)
        if second is not None:
            _stop(second)
    assert soma.python(JOB)["workers"] == 0  # a worker stopped cleanly removes its lease


@pytest.mark.slow
def test_serve_with_gunicorn_runs_a_background_worker(soma):
    port = free_port()
    server = soma.popen([sys.executable, "-m", "soma.cli", "serve", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
                        stdout=-3, stderr=-3)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz") == 200
        soma.python(START.replace("SECONDS", "1"))
        job = _wait_for_job(soma, lambda job: job["state"] == "done", timeout=60)
        assert job["state"] == "done" and job["workers"] == 1

        # Its worker killed, serve starts another, which takes the next job.
        os.kill(soma.python(WORKER_PID), signal.SIGKILL)
        soma.python(AGAIN)
        job = _wait_for_job(soma, lambda job: job["state"] == "done", timeout=60)
        assert job["state"] == "done" and job["workers"] == 1
    finally:
        _stop(server)
    assert server.returncode == 0
    assert soma.python(JOB)["workers"] == 0  # the worker stopped with the server

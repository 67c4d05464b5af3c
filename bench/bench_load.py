"""Load: 30 assessors working at once for 2 minutes against a real server (gunicorn on the loopback address),
each opening question pages, saving answers through the API, and looking at the overview and the sources.
Zero errors is the goal; the figures are p50/p95 per kind of request, against the minimal Django view
answered by the same server in the same run.

Each assessor pauses SOMA_LOAD_THINK seconds (default 2, about the autosave's pace) between steps, as people
do; SOMA_LOAD_THINK=0 turns the run into a saturation test (every client sends its next request at once).

Bounded: SOMA_LOAD_USERS (default 30) clients for SOMA_LOAD_SECONDS (default 120), only to 127.0.0.1."""

import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from typing import IO

from bench.bench_assessment import build
from bench.harness import emit, figure, percentile
from soma import gunicorn_conf

USERS = int(os.environ.get("SOMA_LOAD_USERS", "30"))
SECONDS = float(os.environ.get("SOMA_LOAD_SECONDS", "120"))
THINK = float(os.environ.get("SOMA_LOAD_THINK", "2"))
STEADY_AFTER = 10  # seconds: the steady_ figures leave out the first requests, all sent at once
WORKERS = int(os.environ.get("SOMA_LOAD_WORKERS", "2"))
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _start_server(port: int, log: IO[bytes]) -> subprocess.Popen:
    """gunicorn as `soma serve --workers` starts it (soma/gunicorn_conf.py: threads, warmed-up workers), its log
    written to `log` (a failing server would otherwise fill the terminal with one traceback per probe)."""
    argv = [sys.executable, "-m", "gunicorn", "soma.wsgi:application", "--config", "python:soma.gunicorn_conf",
            "--bind", f"{HOST}:{port}", "--workers", str(WORKERS), "--log-level", "info"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.server_settings"}
    server = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    server.wait(timeout=30)
    raise RuntimeError(f"the server did not answer /healthz within 60 s; its log: {log.name}")


class Assessor(threading.Thread):
    """One assessor: a session cookie for pages, a token for the API, their own questions to answer."""

    def __init__(self, port, assessment_pk, subsection, questions, session_key, token, stop_at, results):
        super().__init__(daemon=True)
        self.port, self.pk, self.subsection, self.questions = port, assessment_pk, subsection, questions
        self.cookie, self.token, self.stop_at, self.results = f"sessionid={session_key}", token, stop_at, results
        self.versions: dict[str, int] = {}

    def request(self, kind, method, path, body=None, api=False):
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"} if api else {
            "Cookie": self.cookie}
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
        except OSError as error:
            status, data = f"error {type(error).__name__}", b""
        elapsed = (time.perf_counter() - start) * 1000
        self.results[kind].append((elapsed, status, start))
        return status, data

    def run(self):
        step = 0
        while time.monotonic() < self.stop_at:
            question = self.questions[step % len(self.questions)]
            if step % 6 == 0:
                self.request("question_page", "GET", f"/assessments/{self.pk}/questions/{self.subsection}/")
            status, data = self.request("answer_get", "GET", f"/api/assessments/{self.pk}/responses/{question}/",
                                        api=True)
            version = json.loads(data)["version"] if status == 200 else 0
            self.request("answer_save", "PUT", f"/api/assessments/{self.pk}/responses/{question}/", api=True,
                         body={"version": version, "narrative": f"Load test answer {step} for {question}.",
                               "de_jure": "partly"})
            if step % 10 == 5:
                self.request("overview_page", "GET", f"/assessments/{self.pk}/overview/")
            if step % 10 == 9:
                self.request("sources_page", "GET", f"/assessments/{self.pk}/sources/")
            step += 1
            time.sleep(min(THINK, max(0.0, self.stop_at - time.monotonic())))


def _load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (as `uptime`): a figure measured beside other work is
    pessimistic, and this says by how much the machine was shared."""
    return [round(value, 2) for value in os.getloadavg()]


def _session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def run() -> None:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from soma.assessments import selectors as assessment_selectors
    from soma.assessments import services as assessment_services
    from soma.kernel.clearance import seen_by

    username = f"bench.load.{secrets.token_hex(4)}"
    lead, assessment, biggest, _counts = build(username)  # every question answered, 300 sources
    users = []
    try:
        # Each assessor works on a subsection of their own, as a team shares out the guide.
        scope = [sub for sub in assessment_selectors.questions_in_scope(seen_by(lead, assessment)) if sub.questions]
        for n in range(USERS):
            user = get_user_model().objects.create_user(username=f"{username}.assessor{n:02d}")
            assessment_services.add_member(lead, assessment, user, "assessor", "confidential")
            users.append(user)
        port = _free_port()
        log = tempfile.NamedTemporaryFile(prefix="soma-bench-load-", suffix=".log", delete=False)  # noqa: SIM115
        server = _start_server(port, log)
        load_before = _load_average()
        try:
            results: dict[str, list] = defaultdict(list)
            stop_at = time.monotonic() + SECONDS
            started = time.perf_counter()
            threads = []
            for n, user in enumerate(users):
                sub = scope[n % len(scope)]
                threads.append(Assessor(port, assessment.pk, sub.key, [q.key for q in sub.questions],
                                        _session_for(user), Token.objects.create(user=user).key, stop_at, results))
            floor: dict[str, list] = defaultdict(list)
            prober = Assessor(port, assessment.pk, biggest, [], "", "", stop_at, floor)
            for thread in threads:
                thread.start()
            while time.monotonic() < stop_at:  # the framework floor, sampled on the same server under load
                prober.request("floor", "GET", "/__bench_floor__")
                time.sleep(0.5)
            for thread in threads:
                thread.join(timeout=180)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        load_after = _load_average()
        machine = {"users": USERS, "seconds": SECONDS, "think_seconds": THINK, "workers": WORKERS,
                   "threads": gunicorn_conf.threads, "cpus": os.cpu_count(),
                   "load_average_before": load_before, "load_average_after": load_after}
        floor_ms = [ms for ms, _status, _at in floor["floor"]] or [0.0]
        emit(figure("load_floor", floor_ms, floor_ms, "itself: the minimal Django view on the same server",
                    requests=len(floor["floor"]), **machine))
        total = errors = 0
        for kind, rows in sorted(results.items()):
            bad = [status for _ms, status, _at in rows if not (isinstance(status, int) and status < 400)]
            total, errors = total + len(rows), errors + len(bad)
            # Every assessor opens a question page in the same first second; after that they drift apart.
            steady = [ms for ms, _status, at in rows if at >= started + STEADY_AFTER] or [0.0]
            emit(figure(f"load_{kind}", [ms for ms, _s, _at in rows], floor_ms,
                        "minimal Django view on the same server", requests=len(rows), errors=len(bad),
                        error_statuses=sorted({str(s) for s in bad}),
                        steady_after_seconds=STEADY_AFTER, steady_requests=len(steady),
                        steady_median=round(statistics.median(steady), 3), steady_p95=round(percentile(steady, 95), 3),
                        **machine))
        with open(log.name, errors="replace") as server_log:
            logged = server_log.read()
        emit({"figure": "load_summary", **machine, "requests": total, "errors": errors,
              "requests_per_second": round(total / SECONDS, 1),
              "server_log_database_locked": logged.count("database is locked"),
              "server_log_errors": logged.count("[ERROR]") + logged.count("Traceback"), "server_log": log.name})
    finally:
        assessment.delete()
        get_user_model().objects.filter(username__startswith=username).delete()

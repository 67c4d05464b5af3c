"""Failures: a process killed mid-import or mid-report leaves nothing behind; a database outage answers a
plain 503 and SOMA recovers by itself; concurrent writers on SQLite do not fail with "database is locked"."""

from __future__ import annotations

import json
import select
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.core.instance import SEED, Instance, media_files, scratch_url, server_url

BIG = """
from django.core.files.base import ContentFile
from bench.bench_assessment import build
from soma.exchange.bundle import services as bundle

user, assessment, _key, counts = build("amina.demo")
for n, source in enumerate(assessment.sources.order_by("pk")[:60]):
    source.file_token = f"{n:032x}"
    source.file_name, source.file_type, source.file_size = f"record-{n}.txt", "text/plain", 64 * 1024
    text = (f"Demoland record {n}\\n" * 4000)[:64 * 1024].encode()
    source.file.save(source.file_token, ContentFile(text), save=False)
    source.save()
with open(BUNDLE, "wb") as out:
    out.write(bundle.export_bytes(user, assessment, audience="confidential", include_files=True))
result = assessment.pk
"""

COUNTS = """
from soma.accounts.models import HistoryEntry
from soma.assessments.models import Assessment
from soma.evidence.models import Citation, Source
from soma.findings.models import Response
from soma.reports.models import IssuedReport
result = {"assessments": Assessment.objects.count(), "responses": Response.objects.count(),
          "sources": Source.objects.count(), "citations": Citation.objects.count(),
          "history": HistoryEntry.objects.count(), "reports": IssuedReport.objects.count(),
          "stored": sorted(name for name in Source.objects.exclude(file="").values_list("file", flat=True))}
"""


@pytest.fixture
def big(tmp_path):
    """An installation with a full assessment (714 answers, 300 sources, 60 files) and its bundle on disk."""
    instance = Instance(tmp_path / "data")
    try:
        instance.soma("migrate", "-v0")
        instance.bundle = tmp_path / "bundle.json"
        instance.assessment = instance.python(f"BUNDLE = {str(instance.bundle)!r}\n" + BIG)
        yield instance
    finally:
        instance.close()


def _writing(instance: Instance, pid: int, wal_start: int) -> bool:
    """Has the process started writing in its transaction?"""
    if instance.vendor == "sqlite":
        wal = instance.sqlite_file.with_name("soma.sqlite3-wal")
        return wal.exists() and wal.stat().st_size > wal_start
    return bool(instance.python("""
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")
    result = cursor.fetchone()[0]
""", timeout=30))


def _kill_while_writing(instance: Instance, argv: list[str], timeout: float = 40) -> None:
    wal = instance.sqlite_file.with_name("soma.sqlite3-wal")
    wal_start = wal.stat().st_size if wal.exists() else 0
    process = instance.popen(argv, stdout=-3, stderr=-3)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if _writing(instance, process.pid, wal_start):
                break
            time.sleep(0.05)
        assert process.poll() is None, "the process ended before it could be killed mid-way"
        assert time.monotonic() < deadline, "the process never started writing"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _import(big):
    return [sys.executable, "-m", "soma.cli", "import", str(big.bundle), "--user", "amina.demo"]


@pytest.mark.slow
def test_import_killed_mid_way_leaves_no_rows(big):
    before = big.python(COUNTS)
    _kill_while_writing(big, _import(big))
    assert big.python(COUNTS) == before
    if big.vendor == "sqlite":
        import sqlite3

        with sqlite3.connect(big.sqlite_file) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # And the same import, not killed, works on what was left.
    done = big.soma("import", str(big.bundle), "--user", "amina.demo", timeout=120)
    assert "714 responses, 300 sources" in done.stdout


@pytest.mark.slow
def test_import_killed_mid_way_leaves_no_stored_file_after_the_sweep(big):
    """A file cannot roll back with the transaction: the killed import's files stay on disk without rows until
    the sweep that the background worker runs at start (here without its one-hour grace period)."""
    files_before = media_files(big)
    _kill_while_writing(big, _import(big))
    big.soma("manage", "sweep_files", "--older-than", "0")
    assert media_files(big).keys() == files_before.keys()


NEXT_ASSESSMENT = """
from django.contrib.auth import get_user_model
from soma.assessments import services
lead = get_user_model().objects.get(username="amina.demo")
result = services.create_assessment(lead, title="Republic of Demoland, follow-up", jurisdictions=["XD"],
                                    scope=["V"]).assessment.pk
"""


def _source_files(instance: Instance) -> dict[str, list[str]]:
    """The stored source files, by assessment folder."""
    folders: dict[str, list[str]] = {}
    for path in sorted((instance.media / "assessments").glob("*/sources/*")):
        folders.setdefault(path.parent.parent.name, []).append(path.name)
    return folders


@pytest.mark.slow
def test_the_next_assessment_does_not_inherit_the_files_of_a_killed_import(big):
    """SQLite hands the id of the killed import's rolled-back assessment out again: its folder must start empty."""
    before = _source_files(big)
    process = big.popen(_import(big), stdout=-3, stderr=-3)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if sum(map(len, _source_files(big).values())) >= sum(map(len, before.values())) + 10:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the import ended before it could be killed mid-way"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    left = {folder: names for folder, names in _source_files(big).items() if folder not in before}
    assert len(left) == 1 and len(next(iter(left.values()))) >= 10  # the killed import's files, without rows
    dead_id = next(iter(left))

    new_id = big.python(NEXT_ASSESSMENT)
    if big.vendor == "sqlite":
        assert str(new_id) == dead_id  # the id is handed out again
    after = _source_files(big)
    assert str(new_id) not in after  # nothing inherited
    assert {folder: names for folder, names in after.items() if folder not in left} == before  # others untouched


@pytest.mark.slow
def test_report_killed_mid_way_leaves_no_issued_report(big):
    before = big.python(COUNTS)
    argv = [sys.executable, "-m", "soma.cli", "report", str(big.assessment), "--user", "amina.demo", "--issue",
            "--output", str(big.folder / "report.pdf")]
    process = big.popen(argv, stdout=-3, stderr=-3)
    try:
        # Killed while it renders: once it has used a few seconds of processor time (Django's start takes ~1).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None and _cpu_seconds(process.pid) < 4:
            time.sleep(0.1)
        assert process.poll() is None, "the report finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert big.python(COUNTS) == before
    assert not (big.folder / "report.pdf").exists()


def _cpu_seconds(pid: int) -> float:
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Proxy:
    """A TCP forwarder on 127.0.0.1 to the PostgreSQL server that a test can cut and restore. Written here
    because the point is to break connections on demand; bounded by daemon threads and socket timeouts."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.cut_off, self.pairs = upstream, False, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.5)
        self.port = self.listener.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                client, _address = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            if self.cut_off:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            self.pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client, server):
        sockets = [client, server]
        try:
            while self.running and not self.cut_off:
                readable, _w, _x = select.select(sockets, [], [], 0.5)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (server if sock is client else client).sendall(data)
        except OSError:
            pass
        finally:
            for sock in sockets:
                sock.close()

    def cut(self):
        self.cut_off = True
        for pair in self.pairs:
            for sock in pair:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.pairs.clear()

    def restore(self):
        self.cut_off = False

    def stop(self):
        self.cut()
        self.running = False
        self.listener.close()


def _get(url: str, headers: dict) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SIGNED_IN = """
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token
user = get_user_model().objects.create_user(username="kofi.demo", password="Demoland-Harbour-2026")
client = Client()
client.force_login(user)
result = {"session": client.cookies["sessionid"].value, "token": Token.objects.create(user=user).key}
"""


@pytest.mark.slow
def test_database_outage_answers_503_and_recovers_without_restart(tmp_path):
    instance = Instance(tmp_path / "data", vendor="postgresql")
    proxy = server = None
    try:
        instance.soma("migrate", "-v0")
        login = instance.python(SIGNED_IN)
        proxy = Proxy(("127.0.0.1", urlsplit(server_url()).port or 5432))
        instance.env["DATABASE_URL"] = scratch_url(instance.database, port=proxy.port)
        port = _free_port()
        server = instance.popen([sys.executable, "-m", "soma.cli", "serve", "--workers", "1",
                                 "--bind", f"127.0.0.1:{port}"], stdout=-3, stderr=-3)
        base = f"http://127.0.0.1:{port}"
        page = {"Cookie": f"sessionid={login['session']}"}
        api = {"Authorization": f"Token {login['token']}", "Accept": "application/json"}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(base + "/healthz", {})[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert _get(base + "/", page)[0] == 200
        assert _get(base + "/api/assessments/", api)[0] == 200

        # Cut and restored between two requests: the health-checked connection is replaced, no error seen.
        proxy.cut()
        time.sleep(0.5)
        proxy.restore()
        assert _get(base + "/", page)[0] == 200

        proxy.cut()
        status, headers, body = _get(base + "/", page)
        assert status == 503 and headers.get("Retry-After") == "60"
        assert "SOMA cannot reach its database right now; your work is not lost" in body
        assert "Traceback" not in body and "OperationalError" not in body
        status, headers, body = _get(base + "/api/assessments/", api)
        assert status == 503 and headers.get("Retry-After") == "60"
        assert json.loads(body)["code"] == "database_unavailable"
        assert _get(base + "/healthz", {})[0] == 503

        proxy.restore()
        assert _get(base + "/", page)[0] == 200  # the same server, not restarted
        assert _get(base + "/api/assessments/", api)[0] == 200
        assert server.poll() is None
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if proxy is not None:
            proxy.stop()
        instance.close()


SAVER = """
import sys, time
from django.contrib.auth import get_user_model
from django.db import OperationalError
from soma.assessments.models import Assessment
from soma.responses import services as response_services

worker, questions = int(sys.argv[1]), sys.argv[2].split(",")
lead = get_user_model().objects.get(username="amina.demo")
assessment = Assessment.objects.get()
saved, locked, other, versions = 0, 0, [], {}
deadline = time.monotonic() + float(sys.argv[3])
while time.monotonic() < deadline and saved < 2000:
    question = questions[saved % len(questions)]
    try:
        response_services.save_response(lead, assessment, question, expected_version=versions.get(question, 0),
                                        narrative=f"Worker {worker}, save {saved}.")
    except OperationalError as error:
        if "locked" in str(error):
            locked += 1
        else:
            other.append(str(error))
        continue
    versions[question] = versions.get(question, 0) + 1
    saved += 1
print(json.dumps({"saved": saved, "locked": locked, "other": other, "versions": versions}))
"""

SAVED = """
from soma.findings.models import Response
result = {q: [v, n] for q, v, n in Response.objects.values_list("question", "version", "narrative")}
"""


@pytest.mark.slow
def test_concurrent_writers_on_sqlite_are_not_locked_out(tmp_path):
    instance = Instance(tmp_path / "data", vendor="sqlite")
    instance.soma("migrate", "-v0")
    questions = instance.python(SEED)["questions"]
    workers, seconds = 6, 15
    script = "import django, json\ndjango.setup()\n" + SAVER
    processes = []
    try:
        for n in range(workers):
            mine = [q for i, q in enumerate(questions[1:]) if i % workers == n][:4]  # distinct answers each
            processes.append(instance.popen([sys.executable, "-c", script, str(n), ",".join(mine), str(seconds)],
                                            stdout=-1, stderr=-1, text=True))
        outcomes = []
        for process in processes:
            out, err = process.communicate(timeout=seconds + 60)
            assert process.returncode == 0, err[-3000:]
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=30)
    assert [o["locked"] for o in outcomes] == [0] * workers
    assert [o["other"] for o in outcomes] == [[]] * workers
    total = sum(o["saved"] for o in outcomes)
    assert total >= workers * 10, total  # each kept saving under contention
    stored = instance.python(SAVED)
    for n, outcome in enumerate(outcomes):
        for question, version in outcome["versions"].items():
            assert stored[question][0] == version  # every save is there
            assert stored[question][1].startswith(f"Worker {n}, save ")

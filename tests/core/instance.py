"""A SOMA installation of its own for tests that run `soma` as separate processes, as users do.

It has its own data folder (SQLite in it) or, when the suite runs on PostgreSQL (DATABASE_URL set), a scratch
database created for it and dropped by `close()`. Code runs in it with `python(...)`, a fresh process with
Django set up that prints a JSON result.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


def server_url() -> str:
    """The PostgreSQL server of the suite (DATABASE_URL), else SOMA_TEST_POSTGRES_URL, else the local one CI runs."""
    return os.environ.get("DATABASE_URL") or os.environ.get("SOMA_TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432/"


def scratch_url(name: str, port: int | None = None) -> str:
    """The server's URL for another database (optionally through another port on the same host)."""
    parts = urlsplit(server_url())
    if port is not None:
        parts = parts._replace(netloc=parts.netloc.rsplit(":", 1)[0] + f":{port}")
    return urlunsplit(parts._replace(path="/" + name))


def _pg(tool: str, name: str) -> None:
    parts = urlsplit(server_url())
    argv = [tool, "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres"]
    if tool == "dropdb":
        argv += ["--if-exists", "--force"]
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    subprocess.run([*argv, name], check=True, env=env, timeout=60, capture_output=True)


class Instance:
    def __init__(self, folder: Path, vendor: str | None = None):
        vendor = vendor or ("postgresql" if os.environ.get("DATABASE_URL") else "sqlite")
        self.folder, self.vendor = folder, vendor
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
        self.env.update(SOMA_DATA_DIR=str(folder), PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="soma.settings")
        self.database = None
        if vendor == "postgresql":
            self.database = f"soma_scratch_{secrets.token_hex(4)}"
            _pg("createdb", self.database)
            self.env["DATABASE_URL"] = scratch_url(self.database)

    @property
    def sqlite_file(self) -> Path:
        return self.folder / "soma.sqlite3"

    @property
    def media(self) -> Path:
        return self.folder / "files"

    def soma(self, *args: str, check: bool = True, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "soma.cli", *args], env=self.env, cwd=ROOT, text=True,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)
        if check and done.returncode != 0:
            raise AssertionError(f"soma {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def popen(self, argv: list[str], **kwargs) -> subprocess.Popen:
        return subprocess.Popen(argv, env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, **kwargs)

    def python(self, code: str, timeout: float = 120):
        """Run `code` with Django set up; it sets `result`, returned here (through JSON)."""
        script = "import django, json\ndjango.setup()\nresult = None\n" + textwrap.dedent(code)
        script += "\nprint('@@RESULT@@' + json.dumps(result, default=str))\n"
        done = subprocess.run([sys.executable, "-c", script], env=self.env, cwd=ROOT, text=True,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise AssertionError(f"code failed in the instance:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.rsplit("@@RESULT@@", 1)[1])

    def close(self) -> None:
        if self.database:
            _pg("dropdb", self.database)
            self.database = None


# Code run inside an instance.
SEED = """
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from soma.assessments import selectors, services as assessments
from soma.kernel.clearance import seen_by
from soma.catalog import packs
from soma.evidence import services as evidence
from soma.responses import services as response_services

catalog, _ = packs.load_builtin()
lead = get_user_model().objects.create_user(username="amina.demo", password="Demoland-Harbour-2026")
assessment = assessments.create_assessment(lead, scope=["V"], catalog=catalog, title="Republic of Demoland",
                                           jurisdictions=["XD"]).assessment
questions = sorted(selectors.question_keys(seen_by(lead, assessment)))
response_services.save_response(lead, assessment, questions[0], expected_version=0,
                                narrative="The Demoland penal code criminalises smuggling (art. 12).")
evidence.save_source(lead, assessment, upload=SimpleUploadedFile("code.txt", b"Demoland penal code, art. 12"),
                     title="Demoland Penal Code", kind="legislation")
result = {"assessment": assessment.pk, "questions": questions}
"""

STATE = """
from soma.assessments.models import Assessment
from soma.evidence.models import Source
from soma.findings.models import Response
from soma.reports.models import IssuedReport
result = {
    "assessments": sorted(Assessment.objects.values_list("title", flat=True)),
    "responses": sorted(Response.objects.values_list("question", "narrative", "version")),
    "sources": sorted(Source.objects.values_list("title", "file")),
    "reports": IssuedReport.objects.count(),
}
"""


def media_files(instance: Instance) -> dict[str, bytes]:
    root = instance.media
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

"""A local HTTP server that answers as ODK Central's published API does, for the endpoints a pull uses.

It runs in a thread of the test process (a real server on a real socket, so pyodk and requests do everything they
do against Central): `POST /v1/sessions` (docs.getodk.org/central-api-authentication, "Logging in"), and
`GET /v1/projects/{projectId}/forms/{xmlFormId}/submissions.csv.zip` (central-api-submission-management,
"Exporting Form Submissions to CSV"), with Central's error bodies (`{"code": 401.2, "message": ...}`)."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "lSpAIeksRu1CNZs7!qjAot2T17dPzkrw9B4iTtpj7OoIJBmXvnHM8z8Ka4QPEjR7"


@dataclass
class Central:
    email: str
    password: str
    project_id: int
    form_id: str
    export: bytes  # the .csv.zip served for the form
    delay: float = 0.0  # seconds before any answer (a slow server)
    seen: list[dict] = field(default_factory=list)  # every request: method, path, query, authorization, body
    url: str = ""


def serve(central: Central):
    """Start the server; returns (server, thread). The caller shuts it down."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _problem(self, status: int, code: float, message: str) -> None:
            self._answer(status, json.dumps({"code": code, "message": message}).encode())

        def _record(self, body: bytes = b"") -> None:
            parts = urlsplit(self.path)
            central.seen.append({"method": self.command, "path": unquote(parts.path), "query": parse_qs(parts.query),
                                 "authorization": self.headers.get("Authorization", ""), "body": body})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._record(body)
            time.sleep(central.delay)
            if urlsplit(self.path).path != "/v1/sessions":
                return self._problem(404, 404.1, "Could not find the resource you were looking for.")
            try:
                given = json.loads(body)
            except ValueError:
                return self._problem(400, 400.1, "Could not parse the given data.")
            if given.get("email") != central.email or given.get("password") != central.password:
                return self._problem(401, 401.2, "Could not authenticate with the provided credentials.")
            self._answer(200, json.dumps({"createdAt": "2026-12-05T01:00:00.000Z", "token": TOKEN,
                                          "csrf": "secretcsrf", "expiresAt": "2026-12-06T01:00:00.000Z"}).encode())

        def do_GET(self):
            self._record()
            time.sleep(central.delay)
            path = unquote(urlsplit(self.path).path)
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._problem(401, 401.2, "Could not authenticate with the provided credentials.")
            if path == "/v1/users/current":
                return self._answer(200, json.dumps({"email": central.email, "id": 7}).encode())
            match = re.fullmatch(r"/v1/projects/(\d+)/forms/([^/]+)/submissions\.csv\.zip", path)
            if not match or int(match[1]) != central.project_id or match[2] != central.form_id:
                return self._problem(404, 404.1, "Could not find the resource you were looking for.")
            self._answer(200, central.export, "application/zip")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    central.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread

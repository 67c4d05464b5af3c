"""`soma serve` really serves: Django's server and gunicorn, health check and static files."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--workers", "2"]], ids=["django", "gunicorn"])
def test_serve_answers_health_and_static(tmp_path, extra):
    env = {**os.environ, "SOMA_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "soma.cli", "migrate", "-v0"], env=env, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "soma.cli", "serve", "--bind", f"127.0.0.1:{port}", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz") == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/soma/soma.css", timeout=5) as response:
            assert b"Logical properties" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=20)

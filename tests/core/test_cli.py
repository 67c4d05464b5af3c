"""The `soma` command, run as a user runs it: in a fresh process with its own data folder."""

import os
import subprocess
import sys

import pytest

from soma import __version__
from soma.cli import COMMANDS


def soma(*args, data_dir, extra_env=None, stdin=subprocess.DEVNULL):
    env = {**os.environ, "SOMA_DATA_DIR": str(data_dir), **(extra_env or {})}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "soma.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=stdin,
    )


def test_help_lists_every_subcommand_with_one_line(tmp_path):
    result = soma("--help", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ") and line.strip()}
    for name in (*COMMANDS, "manage"):
        assert name in listed, f"{name} missing from soma --help"


def test_version(tmp_path):
    result = soma("--version", data_dir=tmp_path)
    assert result.stdout.strip() == f"soma {__version__}"


def test_unknown_command_says_what_to_do(tmp_path):
    result = soma("frobnicate", data_dir=tmp_path)
    assert result.returncode == 2
    assert "soma --help" in result.stderr


@pytest.mark.slow
def test_setup_migrates_and_creates_admin_once(tmp_path):
    first = soma("setup", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Password (shown once" in first.stdout
    assert (tmp_path / "soma.sqlite3").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    again = soma("setup", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Password (shown once" not in again.stdout
    assert "already exists" in again.stdout


def test_generated_admin_password_signs_in(tmp_path):
    assert soma("migrate", data_dir=tmp_path).returncode == 0
    created = soma("createadmin", "--username", "lead.demo", data_dir=tmp_path)
    password = created.stdout.split("Password (shown once, keep it safe): ")[1].strip()
    script = (
        "import django; django.setup();"
        "from django.contrib.auth import authenticate;"
        f"print(authenticate(username='lead.demo', password={password!r}) is not None)"
    )
    env = {**os.environ, "SOMA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "soma.settings"}
    env.pop("DATABASE_URL", None)
    check = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert check.stdout.strip() == "True", check.stderr


@pytest.mark.parametrize("https", ["1"])
def test_deployment_checks_pass_with_https_settings(tmp_path, https):
    result = soma(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        data_dir=tmp_path,
        extra_env={"SOMA_HTTPS": https, "ALLOWED_HOSTS": "soma.demoland.example"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployment_checks_warn_without_https(tmp_path):
    result = soma("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr

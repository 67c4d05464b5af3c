"""Start-up cost: the heavy libraries (charts, PDF, Word, spreadsheets, XLSForm, search index, QR codes, JSON
schema) load when the code that needs them runs, not when a `soma` command starts or a worker imports the URL
configuration and serves its first request. Each case runs in a fresh process, as a user or a worker does."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("matplotlib", "weasyprint", "docx", "openpyxl", "pyxform", "tantivy", "segno", "jsonschema")


def loaded_after(code: str, data_dir) -> list[str]:
    """Which of HEAVY are in sys.modules after `code` ran in a fresh Python with SOMA's settings."""
    env = {**os.environ, "SOMA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "soma.settings"}
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print("\\nLOADED=" + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
    """)
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    marker = [line for line in result.stdout.splitlines() if line.startswith("LOADED=")]
    assert marker, result.stdout
    return json.loads(marker[-1].removeprefix("LOADED="))


def test_url_configuration_loads_no_heavy_library(tmp_path):
    assert loaded_after("""
        import django
        django.setup()
        import soma.urls
    """, tmp_path) == []


def test_first_request_of_a_worker_loads_no_heavy_library(tmp_path):
    assert loaded_after("""
        import django
        django.setup()
        from django.test import Client
        response = Client(HTTP_HOST="localhost").get("/healthz")
        assert response.status_code == 200, response.status_code
        response = Client(HTTP_HOST="localhost").get("/accounts/login/")
        assert response.status_code == 200, response.status_code
    """, tmp_path) == []


@pytest.mark.parametrize("argv", [["--help"], ["check"]])
def test_soma_command_loads_no_heavy_library(tmp_path, argv):
    assert loaded_after(f"""
        from soma.cli import main
        main({argv!r})
    """, tmp_path) == []


def test_the_libraries_still_load_when_used(tmp_path):
    """The other side of the bargain: the code that needs a library imports it itself (a stale top-level name
    would fail only here, at use)."""
    assert loaded_after("""
        import django
        django.setup()
        from soma.reports.charts import gap_map_png
        rows = [{"code": "V.C", "title": "Demoland border police", "de_jure": "partly", "de_facto": "unknown"}]
        assert gap_map_png({"gap_map": rows}, {}, ("De jure", "De facto")).startswith(b"\\x89PNG")
        from soma.reports.render_pdf import html_to_pdf
        assert html_to_pdf("<p>Republic of Demoland</p>").startswith(b"%PDF")
        from soma.exchange.bundle import check as bundle_check
        try:
            bundle_check.check_schema({"format": bundle_check.FORMAT, "format_version": bundle_check.FORMAT_VERSION})
        except bundle_check.BundleError:
            pass
        from soma.search import catalog_index
        catalog_index._schema()
    """, tmp_path) == ["jsonschema", "matplotlib", "tantivy", "weasyprint"]

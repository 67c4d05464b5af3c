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
# The REST framework's bulk (rest_framework.compat imports django.contrib.postgres, hence psycopg, and requests,
# yaml and pygments): about as much as django.setup(). Its package and the token app load with django.setup().
# (yaml is watched on its own below: the catalog packs and terms of reference import it when they read a file.)
REST_FRAMEWORK = ("rest_framework.compat", "rest_framework.views", "rest_framework.templatetags.rest_framework",
                  "drf_spectacular.utils", "psycopg", "requests", "pygments")


def loaded_after(code: str, data_dir, watched: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of `watched` are in sys.modules after `code` ran in a fresh Python with SOMA's settings."""
    env = {**os.environ, "SOMA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "soma.settings"}
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print("\\nLOADED=" + json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))
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


def test_url_configuration_and_first_pages_load_no_rest_framework(tmp_path):
    """The API's views are named in the URL configuration, not imported (soma.kernel.lazy_api_views), and the
    framework's app is not installed, so the template engine imports no tag library of its (soma/settings.py):
    reversing any URL, an API one included, answering /healthz and rendering the sign-in page leave the REST
    framework unloaded."""
    assert loaded_after("""
        import django
        django.setup()
        from django.test import Client
        from django.urls import reverse
        reverse("login")
        reverse("api-assessment-response", args=[1, "guide:V.C:q01"])
        response = Client(HTTP_HOST="localhost").get("/healthz")
        assert response.status_code == 200, response.status_code
        response = Client(HTTP_HOST="localhost").get("/accounts/login/")
        assert response.status_code == 200, response.status_code
    """, tmp_path, REST_FRAMEWORK) == []


@pytest.mark.parametrize("argv", [["--help"], ["check"]])
def test_soma_command_loads_no_rest_framework(tmp_path, argv):
    """`soma check` runs the template engine's check, which imports every installed app's tag library."""
    assert loaded_after(f"""
        from soma.cli import main
        main({argv!r})
    """, tmp_path, REST_FRAMEWORK) == []


def test_every_api_view_named_in_the_url_configuration_is_a_rest_framework_view():
    """A misspelt or moved view would otherwise fail only when its first request arrives."""
    from rest_framework.views import APIView

    from soma.api_urls import urlpatterns
    from soma.kernel.lazy_api_views import LazyAPIView

    lazy = [pattern for pattern in urlpatterns if isinstance(pattern.callback, LazyAPIView)]
    assert len(lazy) >= 15
    for pattern in lazy:
        assert issubclass(pattern.callback.cls, APIView), pattern.name
        assert pattern.callback.csrf_exempt is pattern.callback.view().csrf_exempt is True


@pytest.mark.parametrize("argv", [["--help"], ["check"]])
def test_soma_command_loads_no_heavy_library(tmp_path, argv):
    assert loaded_after(f"""
        from soma.cli import main
        main({argv!r})
    """, tmp_path, HEAVY + ("yaml",)) == []


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

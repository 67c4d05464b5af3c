import os
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_then_home_lists_assessments_section(client, member, password):
    response = client.post(reverse("login"), {"username": member.username, "password": password})
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your assessments" in html
    assert member.username in html


def test_wrong_password_says_what_to_do(client, member):
    response = client.post(reverse("login"), {"username": member.username, "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_sign_out_needs_post_and_ends_session(client, member):
    client.force_login(member)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change_enforces_rules(client, member, password):
    client.force_login(member)
    url = reverse("password_change")
    weak = client.post(url, {"old_password": password, "new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    new = "Capital-of-Demoland-99"
    ok = client.post(url, {"old_password": password, "new_password1": new, "new_password2": new})
    assert ok.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new)


def test_layout_has_landmarks_and_direction(client, member):
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    for landmark in ('role="banner"', '<main id="main"', 'role="contentinfo"', '<nav aria-label='):
        assert landmark in html
    assert 'dir="ltr"' in html
    assert 'href="#main"' in html
    assert "htmx" in html  # served from the installed django-htmx package, not a CDN
    assert "https://" not in html.split("<body>")[0]


def test_healthz_up(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "up"


@pytest.mark.slow
def test_healthz_down_when_database_unreachable(tmp_path):
    """A real outage: a PostgreSQL address where nothing listens."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code, r.json()['database'])"
    )
    env = {
        **os.environ,
        "SOMA_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "soma.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
    }
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["503", "down"], out.stderr

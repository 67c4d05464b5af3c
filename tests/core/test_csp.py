"""The Content-Security-Policy header: on every page, strict, and the pages written to need nothing more."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from soma.assessments import services

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "soma"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def lead(catalog, django_user_model):
    user = django_user_model.objects.create_user(username="lead.demo")
    assessment = services.create_assessment(
        user, title="Demoland 2026", jurisdictions=["XD"], scope=["I", "V.C"]
    ).assessment
    return user, assessment


def sample_pages(assessment):
    pk = assessment.pk
    return [
        reverse("home"),
        reverse("assessments:detail", args=[pk]),
        reverse("assessments:scope", args=[pk]),
        reverse("responses:index", args=[pk]),
        reverse("responses:subsection", args=[pk, "guide:V.C"]),
        reverse("findings:overview", args=[pk]),
        reverse("evidence:list", args=[pk]),
        reverse("findings:findings", args=[pk]),
        reverse("findings:recommendations", args=[pk]),
        reverse("reports:index", args=[pk]),
        reverse("exchange:index", args=[pk]),
        reverse("catalog:index"),
        reverse("catalog:item", args=["guide:V.C"]),
        reverse("search") + "?q=smuggling",
        reverse("two_factor"),
        reverse("password_change"),
    ]


def test_every_sampled_page_sends_the_strict_policy(client, lead):
    user, assessment = lead
    client.force_login(user)
    for url in sample_pages(assessment):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["img-src"] == ["'self'", "data:"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["base-uri"] == ["'self'"], url
        assert policy["form-action"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert "unsafe-eval" not in response["Content-Security-Policy"], url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script on {url}"
        assert "<style" not in html, f"inline style block on {url}"
        assert not re.search(r"\sstyle=", html), f"style attribute on {url}"
        assert not re.search(r"\son[a-z]+=", html), f"event handler attribute on {url}"


def test_signed_out_pages_carry_it_too(client):
    for url in (reverse("login"), reverse("healthz")):
        response = client.get(url)
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert directives(response)["script-src"] == ["'self'"]


def test_report_preview_allows_only_its_own_style_block_by_nonce(client, lead):
    user, assessment = lead
    client.force_login(user)
    response = client.get(reverse("reports:preview", args=[assessment.pk]) + "?audience=public")
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    nonce = re.search(r"'nonce-([^']+)'", directives(response)["style-src"][1]).group(1)
    assert directives(response)["style-src"][0] == "'self'"
    assert "'nonce-" not in " ".join(directives(response)["script-src"])
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert html.count("<style") == 1
    # A new nonce on every response.
    again = client.get(reverse("reports:preview", args=[assessment.pk]) + "?audience=public")
    assert nonce not in again["Content-Security-Policy"]


def test_downloaded_report_html_has_no_nonce(lead):
    """The issued HTML file is the same page without a nonce: no CSP applies to a file opened from disk."""
    from soma.reports import composer
    from soma.reports.render_html import render_html

    user, assessment = lead
    html = render_html(composer.compose(user, assessment, "public"))
    assert "<style>" in html
    assert "nonce" not in html


def test_templates_have_no_inline_script_style_or_handlers():
    """Everything a page runs or styles comes from static files (the report, a standalone page, aside)."""
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        if path.name == "report.html":
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text) or "<style" in text or re.search(r"\sstyle=", text) \
                or re.search(r"\son[a-z]+=\"", text) or "javascript:" in text or "hx-on" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_htmx_is_told_not_to_inject_styles_or_evaluate(client, member):
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    assert html.index('name="htmx-config"') < html.index("htmx-2.min.js")

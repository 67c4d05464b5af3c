"""Browser: axe-core over one page of every page template, in English and in Arabic.

Fails on any serious or critical violation, and on the moderate ones SOMA once had and keeps out (a page without
its main landmark or its first-level heading, headings that skip a level), printing each violation's rule,
target and page. axe-core is the npm package vendored in tests/e2e/vendor/ (see its README), injected into each
page: no network. The pages are the Demoland demo's, so that lists, tables and forms have content.

The same run records which templates the server rendered (Django's template_rendered signal, which the test
environment sends) and fails when a page template under soma/ was not rendered, so a new page gets scanned:
add it to `pages()` below, or to NOT_SCANNED with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test.signals import template_rendered
from playwright.sync_api import expect

from tests.e2e.demoland import AXE, PASSWORD, build_demo, scan, send_sign_in

# SOMA's URLs plus two that fail on purpose, so that the 403 and 500 pages are scanned too.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.core.system_pages_urls")]

SOMA = Path(__file__).resolve().parents[2] / "soma"

# Page templates that the scan does not render, each with the reason.
NOT_SCANNED = {
    "core/database_unavailable.html": "shown only while the database cannot be reached",
    "catalog/not_loaded.html": "shown only before `soma setup` has loaded the catalog",
}


def page_templates() -> set[str]:
    """Every *.html template under soma/, by the name a view renders it with, less partials ("_" names)."""
    names = set()
    for path in SOMA.rglob("templates/**/*.html"):
        if path.name.startswith("_"):
            continue
        names.add(path.as_posix().split("/templates/", 1)[1])
    return names


@pytest.fixture
def demoland(catalog, django_user_model):
    """The Demoland demo, plus what it leaves out: an issued report, a job, a two-factor user, a locked-out one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from soma.assessments.models import Assessment
    from soma.core import jobs
    from soma.demo import services as demo
    from soma.reports import composer
    from soma.reports import services as report_services
    from soma.reports.models import IssuedReport
    from soma.reports.tasks import issue_report_task

    follow_up = build_demo()
    lead = django_user_model.objects.get(username="lead.demo")
    planned = Assessment.objects.get(title=demo.PLANNED_TITLE)
    # An issued report's page shows its record, not its files: the row is enough (rendering a PDF and a Word
    # file would cost seconds here and is tested in tests/reports).
    snapshot = composer.compose(lead, planned, "public")
    report = IssuedReport.objects.create(
        assessment=planned, audience="public", language="en", title=planned.title, snapshot=snapshot,
        content_hash=report_services.content_hash(snapshot), html=b"", pdf=b"", docx=b"", issued_by=lead)
    job = jobs.start(lead, "report", "Issuing the public version", issue_report_task, lead.pk, planned.pk, "public",
                     None, "en", assessment=planned)
    reviewer = django_user_model.objects.get(username="reviewer.demo")
    TOTPDevice.objects.create(user=reviewer, name="Phone", confirmed=True)
    django_user_model.objects.create_user(username="locked.demo", password=PASSWORD)
    django_user_model.objects.create_superuser(username="admin.demo", password=PASSWORD)
    return {
        "a": follow_up.pk,
        "planned": planned.pk,
        "source": follow_up.sources.order_by("pk").first().pk,
        "institution": follow_up.institutions.order_by("pk").first().pk,
        "activity": follow_up.activities.order_by("pk").first().pk,
        "finding": follow_up.findings.order_by("pk").first().pk,
        "conclusion": follow_up.conclusions.order_by("pk").first().pk,
        "recommendation": follow_up.recommendations.order_by("pk").first().pk,
        "report": report.pk,
        "job": job.pk,
    }


def signed_in_pages(ids: dict) -> list[str]:
    """One address per page template for the demo's lead (and the pages that differ with content)."""
    a = f"/assessments/{ids['a']}"
    return [
        "/",
        "/assessments/",
        "/assessments/new/",
        f"{a}/",
        f"{a}/edit/",
        f"{a}/scope/",
        f"{a}/missions/",
        f"{a}/team/",
        f"{a}/stakeholders/",
        f"{a}/stakeholders/new/",
        f"{a}/stakeholders/{ids['institution']}/",
        f"{a}/activities/",
        f"{a}/activities/new/",
        f"{a}/activities/{ids['activity']}/",
        f"{a}/national-questions/",
        f"{a}/history/",
        f"{a}/sources/",
        f"{a}/sources/add/",
        f"{a}/sources/{ids['source']}/edit/",
        f"{a}/sources/{ids['source']}/delete/",
        f"{a}/questions/",
        f"{a}/questions/guide:V.C/",
        f"{a}/questions/guide:I.A/",
        f"{a}/overview/",
        f"{a}/findings/",
        f"{a}/findings/new/",
        f"{a}/findings/{ids['finding']}/",
        f"{a}/conclusions/",
        f"{a}/conclusions/new/",
        f"{a}/conclusions/{ids['conclusion']}/",
        f"{a}/recommendations/",
        f"{a}/recommendations/new/",
        f"{a}/recommendations/{ids['recommendation']}/",
        f"{a}/exchange/",
        f"{a}/exchange/questionnaire/import/",
        f"{a}/exchange/xlsform/",
        f"{a}/exchange/xlsform/submissions/",
        f"{a}/exchange/central/",
        "/assessments/import/",
        f"{a}/reports/",
        f"{a}/reports/chapters/",
        f"{a}/reports/preview/?audience=public",
        f"/assessments/{ids['planned']}/reports/{ids['report']}/",
        f"/jobs/{ids['job']}/",
        "/catalog/",
        "/catalog/guide/",
        "/catalog/protocol/",
        "/catalog/article/6/",
        "/catalog/framework/",
        "/catalog/toolkit/",
        "/catalog/working-group/",
        "/catalog/item/guide:I.E/",
        "/catalog/item/guide:I.E:q01/",
        "/search/",
        "/search/?q=smuggling",
        "/accounts/two-factor/",
        "/accounts/password/",
        "/accounts/password/done/",
        # The refusal page (403): a version of the report that does not exist.
        f"{a}/reports/preview/?audience=no-such-version",
        # Not found (404): an assessment that does not exist, an address that does not exist.
        "/assessments/999999/",
        "/no-such-page/",
        # Not allowed (403), a failure (500), and the administration's sign-in for a non-administrator.
        "/test-refuse/",
        "/test-fail/",
        "/admin/login/",
    ]


# The sign-in, the administration's sign-in, not found, and an invitation link that does not work.
SIGNED_OUT_PAGES = ["/accounts/login/", "/admin/login/", "/no-such-page/", "/accounts/welcome/MQ/not-a-token/"]
# An administrator's pages: the users page and the administration's own.
ADMINISTRATOR_PAGES = ["/accounts/users/", "/admin/"]


@pytest.fixture
def rendered():
    names: set[str] = set()

    def record(sender, template, context, **kwargs):
        if template.name:
            names.add(template.name)

    template_rendered.connect(record, weak=False)
    yield names
    template_rendered.disconnect(record)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_template_has_no_serious_violation(browser, live_server, demoland, rendered, language):
    axe_source = AXE.read_text(encoding="utf-8")
    version = re.match(r"/\*! axe v([\d.]+)", axe_source)
    print(f"axe-core {version.group(1) if version else '?'}, language {language}")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    # bypass_csp: axe-core is injected as an inline script, which the pages' CSP (rightly) refuses.
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    failures = []
    try:
        page = context.new_page()
        page.set_default_timeout(15000)

        def visit(path: str, label: str = "") -> None:
            response = page.goto(live_server.url + path)
            if response.status >= 500 and path != "/test-fail/":
                failures.append(f"{label or path}: the server failed ({response.status}), nothing to scan")
            assert page.evaluate("document.documentElement.lang") == language, f"{path} is not in {language}"
            failures.extend(scan(page, label or path, axe_source))

        for path in SIGNED_OUT_PAGES:
            visit(path)
        # A sign-in refused by the cross-site request check (the form sent without its cookie).
        page.goto(live_server.url + "/accounts/login/")
        context.clear_cookies(name="csrftoken")
        send_sign_in(page, "lead.demo")
        failures.extend(scan(page, "sign-in without its CSRF cookie", axe_source))
        # Locked out after too many wrong passwords.
        visit("/accounts/login/")
        for _attempt in range(5):
            send_sign_in(page, "locked.demo", password="not-the-password")
        failures.extend(scan(page, "locked out", axe_source))
        # The two-factor step of signing in.
        visit("/accounts/login/")
        send_sign_in(page, "reviewer.demo")
        expect(page.locator("input[autocomplete=one-time-code]")).to_be_visible()
        failures.extend(scan(page, "sign-in code", axe_source))
        context.clear_cookies()
        context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])

        visit("/accounts/login/")
        send_sign_in(page, "lead.demo")
        expect(page.locator("form[action$='/accounts/logout/']")).to_be_attached()
        for path in signed_in_pages(demoland):
            visit(path)
        # The preview of field submissions (a CSV export whose rows cannot be read is still previewed).
        page.goto(f"{live_server.url}/assessments/{demoland['a']}/exchange/xlsform/submissions/")
        page.locator("input[type=file]").set_input_files(
            {"name": "submissions.csv", "mimeType": "text/csv", "buffer": b"SubmissionDate,soma_assessment\n"})
        page.locator("select[name=activity]").select_option(index=1)
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").first.click()
        page.wait_for_load_state()
        failures.extend(scan(page, "field submissions preview", axe_source))

        context.clear_cookies()
        context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
        visit("/accounts/login/")
        send_sign_in(page, "admin.demo")
        for path in ADMINISTRATOR_PAGES:
            visit(path)
    finally:
        context.close()

    missing = sorted(page_templates() - rendered - set(NOT_SCANNED))
    problems = []
    if failures:
        problems.append(f"{len(failures)} accessibility violations in {language}:\n" + "\n".join(failures))
    if missing:
        problems.append("Page templates that no page of this test rendered: add a page that shows each to "
                        f"signed_in_pages() (or to NOT_SCANNED with the reason): {', '.join(missing)}")
    assert not problems, "\n\n".join(problems)

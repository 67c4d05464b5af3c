"""The lead writes a chapter, issues the public report and follows the background job until the PDF is there."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"


def test_issue_a_report_and_follow_its_progress(page, live_server, sign_in, django_user_model, catalog):
    from django.core.management import call_command

    from soma.assessments import services
    from soma.reports.models import IssuedReport

    lead = django_user_model.objects.create_user(username="lead.demo", password=PASSWORD)
    assessment = services.create_assessment(
        lead, title="Republic of Demoland assessment", jurisdictions=["XD"], scope=["I.A"]
    ).assessment
    sign_in(page, "lead.demo")

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Write the chapters").click()
    background = page.locator("#chapter-background")
    background.get_by_label("Text").fill("Demoland is a coastal republic on the Azure Sea.")
    background.get_by_label("Classification").select_option("public")  # new work starts restricted otherwise
    background.get_by_role("button", name="Save the chapter").click()
    expect(page.get_by_text("Chapter saved.")).to_be_visible()

    page.get_by_role("link", name="Reports").first.click()
    page.get_by_label("Version").select_option("public")
    page.get_by_role("button", name="Issue the report").click()
    status = page.get_by_role("status").filter(has_text="Issuing the public version")
    expect(status).to_contain_text("Waiting to start")

    call_command("worker", "--batch")  # the background worker, as `soma serve` runs it beside the server
    expect(status).to_contain_text("Done", timeout=20000)  # the page polls and updates by itself
    page.get_by_role("link", name="Open the result").click()
    report = IssuedReport.objects.get()
    expect(page.locator("main")).to_contain_text(report.content_hash)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert "Demoland is a coastal republic" in report.snapshot["narrative"]["background"]

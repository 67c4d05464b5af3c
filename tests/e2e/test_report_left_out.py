"""A lead whose answers are restricted goes to issue the public report: SOMA says what that version leaves out,
with the counts, and issues it only once the lead confirms."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"


def test_issuing_a_public_report_that_leaves_work_out_needs_confirmation(page, live_server, sign_in,
                                                                         django_user_model, catalog):
    from django.core.management import call_command

    from soma.assessments import services
    from soma.reports.models import IssuedReport
    from soma.responses import services as response_services

    lead = django_user_model.objects.create_user(username="lead.leftout.demo", password=PASSWORD)
    assessment = services.create_assessment(
        lead, title="Republic of Demoland assessment", jurisdictions=["XD"], scope=["I.A"]
    ).assessment
    # Saved without choosing a classification: new work starts restricted, the assessment's rule.
    for question, text in [("guide:I.A:q01", "Demoland ratified the Protocol in 2004."),
                           ("guide:I.A:q02", "No reservations were made.")]:
        response_services.save_response(lead, assessment, question, expected_version=0, narrative=text,
                                        de_jure="in_place", de_facto="partly")

    sign_in(page, "lead.leftout.demo")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Reports").click()

    public = page.locator('.left-out-version[data-version="public"]')
    expect(public).to_contain_text("Public version: leaves out 2 answers")
    public.locator("summary").click()
    expect(public.get_by_role("link", name="I.A:q01")).to_be_visible()
    expect(public).to_contain_text("Unknown")

    page.get_by_label("Version").select_option("public")
    page.get_by_role("button", name="Issue the report").click()
    warning = page.locator("#left-out-warning")
    expect(warning).to_contain_text("The public version leaves out 2 answers, classified above it.")
    expect(warning).to_contain_text("will read “Unknown”")
    expect(page.get_by_text("tick the box to issue it anyway")).to_be_visible()
    assert not IssuedReport.objects.exists()

    warning.get_by_label("Issue this version anyway").check()
    page.get_by_role("button", name="Issue the report").click()
    status = page.get_by_role("status").filter(has_text="Issuing the public version")
    expect(status).to_contain_text("Waiting to start")
    call_command("worker", "--batch")
    expect(status).to_contain_text("Done", timeout=20000)
    report = IssuedReport.objects.get()
    assert report.audience == "public"
    assert "Demoland ratified" not in str(report.snapshot)  # left out, as the warning said

"""Browser: an answer's review steps are buttons of one form; the pressed one says which step, with htmx and
without JavaScript."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"


@pytest.fixture
def answered(catalog, live_server, django_user_model):
    """A lead, a reviewer and one saved answer; returns the question page's URL."""
    from soma.assessments import services
    from soma.responses import services as response_services

    lead = django_user_model.objects.create_user(username="lead.demo", password=PASSWORD)
    reviewer = django_user_model.objects.create_user(username="reviewer.demo", password=PASSWORD)
    assessment = services.create_assessment(
        lead, title="Demoland criminal justice response", jurisdictions=["XD"], scope=["V.C"]
    ).assessment
    services.add_member(lead, assessment, reviewer, "reviewer", "restricted")
    response_services.save_response(lead, assessment, "guide:V.C:q01", expected_version=0, narrative="Recorded.")
    return live_server.url + reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_review_steps_send_the_pressed_button(browser, sign_in, answered, javascript):
    from soma.findings.models import Response

    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, "lead.demo")
        page.goto(answered)
        answer = page.locator("#a-q-guide-V-C-q01")
        answer.get_by_role("button", name="Mark ready for review").click()
        answer = page.locator("#a-q-guide-V-C-q01")
        expect(answer.locator(".answer-review .badge")).to_have_text("Ready for review")
        assert Response.objects.get(question="guide:V.C:q01").review_state == "ready"
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, "reviewer.demo")
        page.goto(answered)
        answer = page.locator("#a-q-guide-V-C-q01")
        expect(answer.get_by_role("button", name="Mark ready for review")).to_have_count(0)
        answer.get_by_role("button", name="Return for changes").click()
        answer = page.locator("#a-q-guide-V-C-q01")
        expect(answer.locator(".answer-review .badge")).to_have_text("Returned for changes")
        assert Response.objects.get(question="guide:V.C:q01").review_state == "returned"
    finally:
        context.close()

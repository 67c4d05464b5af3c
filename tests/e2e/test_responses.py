"""Browser: answering questions with autosave, and two people editing the same answer."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"
TEXTAREA = "#q-guide-V-C-q01-narrative"


@pytest.fixture
def workspace_url(catalog, live_server, django_user_model):
    from soma.assessments import services

    lead = django_user_model.objects.create_user(username="lead.demo", password=PASSWORD)
    assessor = django_user_model.objects.create_user(username="assessor.demo", password=PASSWORD)
    assessment = services.create_assessment(
        lead, title="Demoland criminal justice response", jurisdictions=["XD"], scope=["V.C"]
    ).assessment
    services.add_member(lead, assessment, assessor, "assessor", "restricted")
    return live_server.url + reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])


def test_autosave_then_reload_shows_the_answer(page, sign_in, workspace_url):
    sign_in(page, "lead.demo")
    page.goto(workspace_url)
    expect(page.get_by_role("heading", name="V.C Case management and data storage")).to_be_visible()
    box = page.locator(TEXTAREA)
    box.click()
    box.type("Reports are recorded by the Demoland border police.")
    answer = page.locator("#a-q-guide-V-C-q01")
    expect(answer.locator(".save-status")).to_contain_text("Saved")
    # Alt+ArrowDown moves to the next question's answer box (the nested secondary question).
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.id") == "q-guide-V-C-q02-narrative"
    page.reload()
    expect(page.locator(TEXTAREA)).to_have_value("Reports are recorded by the Demoland border police.")


def test_two_people_editing_get_a_conflict_view_with_both_texts(browser, sign_in, workspace_url):
    contexts = [browser.new_context(locale="en-GB") for _ in range(2)]
    try:
        lead, assessor = (context.new_page() for context in contexts)
        for page, name in ((lead, "lead.demo"), (assessor, "assessor.demo")):
            page.set_default_timeout(15000)
            sign_in(page, name)
            page.goto(workspace_url)
        lead.locator(TEXTAREA).fill("Lead: a central register since 2021.")
        lead.keyboard.press("Control+Enter")
        expect(lead.locator("#a-q-guide-V-C-q01 .save-status")).to_contain_text("Saved")

        assessor.locator(TEXTAREA).fill("Assessor: paper files in the regions.")
        assessor.keyboard.press("Control+Enter")
        conflict = assessor.locator("#a-q-guide-V-C-q01 .conflict")
        expect(conflict).to_contain_text("Lead: a central register since 2021.")
        expect(conflict).to_contain_text("Assessor: paper files in the regions.")
        expect(assessor.locator(TEXTAREA)).to_have_value("Assessor: paper files in the regions.")

        assessor.get_by_role("button", name="Put both in the answer").click()
        assessor.get_by_role("button", name="Save merged answer").click()
        expect(assessor.locator("#a-q-guide-V-C-q01 .save-status")).to_contain_text("Saved")
        lead.reload()
        expect(lead.locator(TEXTAREA)).to_have_value(
            "Lead: a central register since 2021.\n\nAssessor: paper files in the regions."
        )
    finally:
        for context in contexts:
            context.close()


def test_cite_a_source_picked_by_its_title_from_the_page_list(page, sign_in, workspace_url, django_user_model):
    """The sources to cite are one list for the whole page; a card's Source box picks from it by title."""
    from soma.assessments.models import Assessment
    from soma.evidence import services as evidence_services
    from soma.findings.models import Response
    from soma.responses import services as response_services

    lead = django_user_model.objects.get(username="lead.demo")
    assessment = Assessment.objects.get(title="Demoland criminal justice response")
    response_services.save_response(lead, assessment, "guide:V.C:q01", expected_version=0, narrative="Recorded.")
    evidence_services.save_source(lead, assessment, title="Demoland Police Act", kind="legislation")
    sign_in(page, "lead.demo")
    page.goto(workspace_url)
    answer = page.locator("#a-q-guide-V-C-q01")
    answer.get_by_text("Cite evidence").click()
    expect(page.locator("#cite-sources option[value='Demoland Police Act']")).to_have_count(1)
    answer.get_by_label("Source").fill("Demoland Police Act")
    answer.get_by_label("Pinpoint").fill("s. 4")
    answer.get_by_role("button", name="Add citation").click()
    expect(answer.locator(".citations")).to_contain_text("Demoland Police Act")
    expect(answer.locator("[data-corroboration]")).to_have_attribute("data-corroboration", "single")
    answer.get_by_text("Cite evidence").click()
    answer.get_by_label("Source").fill("Demoland Harbour Act")
    answer.get_by_role("button", name="Add citation").click()
    expect(page.locator("#a-q-guide-V-C-q01")).to_contain_text("is not in the list of sources you may cite")
    assert Response.objects.get(question="guide:V.C:q01").citations.count() == 1

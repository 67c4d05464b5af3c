"""Planning an assessment in a real browser: create it, see its plan, move it to desk review, add a stakeholder."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_plan_an_assessment_of_demoland(page, sign_in, django_user_model, catalog):
    django_user_model.objects.create_user(username="lead.demo", password="Demoland-Harbour-2026")
    sign_in(page, "lead.demo", start="/")

    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    page.get_by_role("link", name="New assessment").click()

    expect(page.get_by_role("heading", name="New assessment")).to_be_visible()
    page.get_by_label("Title").fill("Demoland criminal justice response 2026")
    page.get_by_role("combobox", name="Jurisdictions").fill("Demoland")  # a type-to-search chooser
    expect(page.locator(".ts-dropdown .highlight").first).to_be_visible()  # filtered a moment after typing
    page.get_by_role("option", name="Republic of Demoland").click()
    page.get_by_role("combobox", name="Jurisdictions").press("Escape")
    page.get_by_label("Purpose").fill("Identify technical assistance needs against migrant smuggling.")
    # Ticking a section ticks all its subsections.
    page.locator('input[data-scope-section="I"]').check()
    page.locator('input[data-scope-section="V"]').check()
    expect(page.locator('input[value="V.C"]')).to_be_checked()
    expect(page.locator('input[value="I.A"]')).to_be_checked()
    page.locator('input[name="missions-0-title"]').fill("First mission to Port Demo")
    page.get_by_role("button", name="Create assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Demoland criminal justice response 2026")
    expect(page.get_by_text("Assessment created. You are its lead.")).to_be_visible()
    expect(page.get_by_text("legal framework (section I)")).to_have_count(0)
    expect(page.get_by_role("link", name="V.C", exact=False).first).to_be_visible()
    expect(page.get_by_text("First mission to Port Demo")).to_be_visible()
    expect(page.locator(".step-current")).to_have_text("Planning")

    page.get_by_role("button", name="Move to Desk review").click()
    expect(page.locator(".step-current")).to_have_text("Desk review")
    expect(page.get_by_text("Preparatory desk review", exact=True)).to_be_visible()

    page.get_by_role("link", name="Stakeholders").click()
    page.get_by_role("link", name="Add a stakeholder").click()
    page.get_by_label("Name").fill("Demoland Border Police")
    page.get_by_label("Category").select_option(label="Immigration, customs or border control agency")
    page.get_by_label("Contact point").fill("Chief Inspector R. Example")
    page.get_by_role("button", name="Save the stakeholder").click()

    expect(page.get_by_role("heading", name="Demoland Border Police")).to_be_visible()
    expect(page.get_by_text("Chief Inspector R. Example")).to_be_visible()
    expect(page.get_by_text("Stakeholder saved.")).to_be_visible()

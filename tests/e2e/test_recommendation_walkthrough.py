"""Walk one assessment from creation to a reviewed recommendation, as the lead and then as a reviewer."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"


def test_from_assessment_to_reviewed_recommendation(browser, live_server, sign_in, django_user_model, catalog):
    from soma.assessments.models import Assessment

    django_user_model.objects.create_user(username="lead.demo", password=PASSWORD)
    django_user_model.objects.create_user(username="reviewer.demo", password=PASSWORD)

    lead_context = browser.new_context(locale="en-GB")
    page = lead_context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, "lead.demo")

    # Creation, through the form.
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Republic of Demoland assessment")
    page.get_by_role("combobox", name="Jurisdictions").fill("Demoland")  # a type-to-search chooser
    expect(page.locator(".ts-dropdown .highlight").first).to_be_visible()  # filtered a moment after typing
    page.get_by_role("option", name="Republic of Demoland").click()
    page.get_by_role("combobox", name="Jurisdictions").press("Escape")
    page.locator('input[data-scope-section="I"]').check()
    page.locator('input[value="V.C"]').check()
    page.locator('input[name="missions-0-title"]').fill("Mission to Port Demo")
    page.get_by_role("button", name="Create assessment").click()
    expect(page.get_by_text("Assessment created. You are its lead.")).to_be_visible()
    assessment = Assessment.objects.get(title="Republic of Demoland assessment")
    base = f"{live_server.url}/assessments/{assessment.pk}"

    # The reviewer joins the team.
    page.goto(f"{base}/team/")
    page.get_by_label("Username").fill("reviewer.demo")
    page.locator("#id_role").select_option("reviewer")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.locator("main")).to_contain_text("reviewer.demo")

    # An answer, in the questions workspace.
    page.goto(f"{base}/questions/guide:I.A/")
    page.locator("#q-guide-I-A-q01-narrative").fill("Demoland ratified the Protocol in 2004.")
    page.locator("#q-guide-I-A-q01-de_jure").select_option("in_place")
    page.locator("#q-guide-I-A-q01-de_facto").select_option("partly")
    expect(page.locator("#a-q-guide-I-A-q01 .save-status")).to_contain_text("Saved")

    page.goto(f"{base}/overview/")
    expect(page.get_by_text("picture of needs, not a score")).to_be_visible()
    expect(page.locator('tr[data-subsection="guide:I.A"] td').first).to_contain_text("In place")

    # A finding.
    page.goto(f"{base}/findings/")
    page.get_by_role("link", name="Add a finding").click()
    page.get_by_label("Kind").select_option("gap")
    page.get_by_label("Title").fill("Facilitating illegal stay is not an offence")
    page.get_by_label("Finding", exact=True).fill("The Penal Code does not cover art. 6(1)(c).")
    page.get_by_label("Guide subsection").select_option("guide:I.A")
    page.get_by_role("combobox", name="Linked answers").click()
    page.locator(".ts-dropdown .option:visible").first.click()
    page.get_by_role("combobox", name="Linked answers").press("Escape")
    page.get_by_role("combobox", name="Protocol provisions").fill("6(1)")
    expect(page.locator(".ts-dropdown .highlight").first).to_be_visible()
    page.locator(".ts-dropdown [data-value='protocol:art6.1']").click()
    page.get_by_role("combobox", name="Protocol provisions").press("Escape")
    page.get_by_role("button", name="Save finding").click()
    expect(page.get_by_text("Finding saved.")).to_be_visible()
    expect(page.locator(".record-title")).to_have_text("Facilitating illegal stay is not an offence")

    # A conclusion built on it.
    page.get_by_role("link", name="Conclusions").click()
    page.get_by_role("link", name="Add a conclusion").click()
    page.get_by_label("Conclusion", exact=True).fill("The criminalization of smuggling is incomplete.")
    page.get_by_label("Basis").fill("The Penal Code and the prosecution service's statement.")
    page.get_by_label("Facilitating illegal stay is not an offence").check()
    page.get_by_role("button", name="Save conclusion").click()
    expect(page.get_by_text("Conclusion saved.")).to_be_visible()

    # A recommendation with a suggested Toolkit section.
    page.goto(f"{base}/recommendations/")
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation", exact=True).fill("Amend the Penal Code to cover facilitation of stay.")
    with page.expect_response(re.compile(r"/recommendations/suggestions/")):
        page.get_by_label("Assessment area").select_option("guide:I.A")
    toolkit = page.locator("#suggestions input[data-offer-for='id_toolkit']").first
    expect(toolkit).not_to_be_checked()  # offered, not chosen for the user
    toolkit.check()
    chosen = toolkit.get_attribute("value")
    page.get_by_label("Priority").select_option("immediate")
    page.get_by_label("The criminalization of smuggling is incomplete.").check()
    page.get_by_role("button", name="Save recommendation").click()
    expect(page.get_by_text("Recommendation saved.")).to_be_visible()
    card = page.locator(".record").filter(has_text="Amend the Penal Code")
    expect(card.locator(f"a[href$='/catalog/item/{chosen}/']")).to_be_visible()
    expect(card).to_contain_text("Draft")
    lead_context.close()

    # The reviewer marks it reviewed.
    reviewer_context = browser.new_context(locale="en-GB")
    page = reviewer_context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, "reviewer.demo")
    page.goto(f"{base}/recommendations/")
    card = page.locator(".record").filter(has_text="Amend the Penal Code")
    expect(card.get_by_role("link", name="Edit")).to_have_count(0)
    card.get_by_role("button", name="Mark reviewed").click()
    card = page.locator(".record").filter(has_text="Amend the Penal Code")
    expect(card.locator(".badge.review-reviewed")).to_have_text("Reviewed")
    reviewer_context.close()

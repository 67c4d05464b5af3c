"""Browsing the catalog in a real browser: guide -> subsection -> Protocol article -> back to a question."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_browse_guide_subsection_article_and_back_to_a_question(page, live_server, sign_in, django_user_model,
                                                                 catalog):
    django_user_model.objects.create_user(username="reader.demo", password="Demoland-Harbour-2026")
    sign_in(page, "reader.demo", start="/catalog/")

    expect(page.get_by_role("heading", name="Catalog", exact=True)).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    page.get_by_role("link", name="Assessment Guide", exact=True).click()

    expect(page.get_by_role("heading", name="Sections and subsections")).to_be_visible()
    page.get_by_role("link", name="I.E Extensions to criminal liability").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("I.E Extensions to criminal liability")
    expect(page.get_by_text("Mandatory").first).to_be_visible()
    related = page.get_by_role("complementary")
    related.get_by_role("link", name="Article 6: Criminalization").click()

    expect(page).to_have_url(f"{live_server.url}/catalog/item/protocol:art6/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Article 6: Criminalization")
    subsection = page.locator("details.related-subsection", has_text="I.E Extensions to criminal liability")
    question = subsection.get_by_text("Does national law criminalize the attempt to smuggle migrants?")
    expect(question).to_be_hidden()
    subsection.locator("summary").click(position={"x": 5, "y": 5})  # the disclosure marker, not the link
    expect(question).to_be_visible()
    subsection.get_by_role("link", name="q01").first.click()

    expect(page).to_have_url(f"{live_server.url}/catalog/item/guide:I.E:q01/")
    expect(page.get_by_text("Does national law criminalize the attempt to smuggle migrants?")).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("I.E Extensions to criminal liability")
    # The Print button is wired by the static script (no inline JavaScript).
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()

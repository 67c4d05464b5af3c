"""Deleting a source in the browser: the confirmation says what goes with it, and Restore brings it back."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"


def test_delete_confirm_then_restore(page, live_server, sign_in, django_user_model, catalog, tmp_path, settings):
    from soma.assessments import services
    from soma.evidence import services as evidence_services
    from soma.responses import services as response_services

    settings.MEDIA_ROOT = tmp_path
    lead = django_user_model.objects.create_user(username="lead.demo", password=PASSWORD)
    a = services.create_assessment(lead, title="Republic of Demoland assessment", jurisdictions=["XD"],
                                   scope=["V.C"]).assessment
    law = evidence_services.save_source(lead, a, title="Demoland Penal Code", kind="legislation",
                                        classification="public")
    for number in (1, 2):
        answer = response_services.save_response(lead, a, f"guide:V.C:q0{number}", expected_version=0,
                                                 narrative=f"Answer {number}.", classification="public")
        evidence_services.cite(lead, a, response=answer, source=law, pinpoint=f"art. {number}")

    sign_in(page, "lead.demo")
    page.goto(f"{live_server.url}/assessments/{a.pk}/sources/")

    page.get_by_role("link", name="Delete… Demoland Penal Code").click()
    expect(page.locator("[data-delete-impact]")).to_contain_text(
        "Its 2 citations go with it (answers citing it: 2, findings citing it: 0)")
    page.get_by_role("link", name="Keep it").click()
    expect(page.locator("#source-" + str(law.pk))).to_be_visible()

    page.get_by_role("link", name="Delete… Demoland Penal Code").click()
    page.get_by_role("button", name="Delete the source").click()
    expect(page.get_by_text("deleted with its 2 citations")).to_be_visible()
    expect(page.locator("table.sources-table")).to_have_count(0)
    deleted = page.locator(f"#deleted-source-{law.pk}")
    expect(deleted).to_contain_text("Demoland Penal Code")
    page.screenshot(path=str(tmp_path / "deleted.png"), full_page=True)

    deleted.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("restored with 2 citations")).to_be_visible()
    expect(page.locator(f"#source-{law.pk}")).to_contain_text("cited 2 times")
    page.goto(f"{live_server.url}/assessments/{a.pk}/questions/guide:V.C/")
    expect(page.locator(".citation").first).to_contain_text("Demoland Penal Code")

"""Type-to-search choosers in a real browser: typing finds items in long lists, two are picked and saved; the
keyboard alone is enough; right-to-left pages get a mirrored chooser; suggested links are offers, none ticked."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def password():
    """The password of the usual team (tests/fixtures.py), for the sign-in fixtures."""
    from tests.fixtures import PASSWORD

    return PASSWORD


def pick(page, label: str, typed: str, option: str) -> None:
    """Types into the chooser labelled `label`, clicks the offered option whose text starts with `option`, and
    closes the list (it stays open after a choice, for the next one)."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(typed)
    # The list is filtered a moment after typing (Tom Select waits for more keys): wait for the matches marked.
    expect(page.locator(".ts-dropdown .highlight").first).to_be_visible()
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).click()
    box.press("Escape")


def test_type_pick_two_jurisdictions_and_two_provisions_and_save(page, live_server, sign_in, assessment, lead):
    from soma.assessments.models import Assessment
    from soma.findings.models import Finding

    sign_in(page, lead.username)
    base = f"{live_server.url}/assessments/{assessment.pk}"

    # The plan: two jurisdictions out of some 250 countries, each found by typing part of its name.
    page.goto(f"{base}/edit/")
    expect(page.locator("select#id_jurisdictions")).to_have_class(re.compile(r"\btomselected\b"))
    expect(page.get_by_text("hold Ctrl")).to_be_hidden()  # the hint is for the plain list only
    chooser = page.locator("select#id_jurisdictions + .ts-wrapper")
    expect(chooser.locator(".item")).to_have_text(["Republic of Demoland×"])  # as the assessment has it
    chooser.locator(".item .remove").click()
    expect(chooser.locator(".item")).to_have_count(0)
    box = page.get_by_role("combobox", name="Jurisdictions")
    box.click()
    box.fill("zzqx")
    expect(page.get_by_text("Nothing matches")).to_be_visible()
    pick(page, "Jurisdictions", "Exampl", "Federal Republic of Exampleland")
    pick(page, "Jurisdictions", "demol", "Republic of Demoland")
    # Typing narrows the list: Demoland is not offered again once chosen.
    box.fill("demol")
    expect(page.get_by_role("option", name="Republic of Demoland")).to_have_count(0)
    box.press("Escape")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert [country.code for country in assessment.jurisdictions] == ["XD", "XE"]

    # A finding: two Protocol provisions out of more than a hundred.
    page.goto(f"{base}/findings/new/")
    page.get_by_label("Kind").select_option("gap")
    page.get_by_label("Title").fill("Smuggling for a financial benefit only partly covered")
    page.get_by_label("Guide subsection").select_option("guide:I.A")
    pick(page, "Protocol provisions", "6(1)(a)", "Article 6(1)(a)")
    pick(page, "Protocol provisions", "Article 5", "Article 5")
    page.get_by_role("button", name="Save finding").click()
    expect(page.get_by_text("Finding saved.")).to_be_visible()
    finding = Finding.objects.get(title="Smuggling for a financial benefit only partly covered")
    assert sorted(finding.provisions) == ["protocol:art5", "protocol:art6.1.a"]

    # Editing it shows both chosen, and removing one removes only that one.
    page.goto(f"{base}/findings/{finding.pk}/")
    chooser = page.locator(".ts-wrapper").filter(has=page.get_by_role("combobox", name="Protocol provisions"))
    expect(chooser.locator(".item")).to_have_count(2)
    chooser.locator(".item", has_text="Article 5").locator(".remove").click()
    page.get_by_role("button", name="Save finding").click()
    expect(page.get_by_text("Finding saved.")).to_be_visible()
    finding.refresh_from_db()
    assert finding.provisions == ["protocol:art6.1.a"]


def test_keyboard_alone_picks_an_item(page, live_server, sign_in, assessment, lead):
    from soma.findings.models import Finding

    sign_in(page, lead.username)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/findings/new/")
    page.get_by_label("Title").fill("Chosen with the keyboard")
    page.get_by_label("Guide subsection").select_option("guide:I.A")
    page.get_by_label("Guide subsection").focus()
    page.keyboard.press("Tab")  # into the answers' chooser
    page.keyboard.press("Tab")  # into the provisions' chooser
    expect(page.get_by_role("combobox", name="Protocol provisions")).to_be_focused()
    page.keyboard.type("6(1)(b)")
    first = page.get_by_role("option", name=re.compile(r"^Article 6\(1\)\(b\)\(i\):"))
    second = page.get_by_role("option", name=re.compile(r"^Article 6\(1\)\(b\)\(ii\):"))
    expect(first).to_have_attribute("aria-selected", "true")  # the first match is the active one
    page.keyboard.press("ArrowDown")
    expect(second).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    chooser = page.locator("select#id_provisions + .ts-wrapper")
    expect(chooser.locator(".item")).to_have_count(1)
    second_key = chooser.locator(".item").get_attribute("data-value")
    expect(chooser.locator(".item")).to_contain_text("Article 6(1)(b)(ii)")
    page.get_by_role("button", name="Save finding").click()
    expect(page.get_by_text("Finding saved.")).to_be_visible()
    assert Finding.objects.get(title="Chosen with the keyboard").provisions == [second_key]


def test_suggestions_are_offered_not_ticked_and_a_chosen_one_is_saved(page, live_server, sign_in, assessment,
                                                                      lead):
    from soma.findings.models import Recommendation

    sign_in(page, lead.username)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/recommendations/new/?area=guide:I.A")
    page.get_by_label("Recommendation", exact=True).fill("Train prosecutors on the smuggling offences.")
    offers = page.locator("#suggestions input[type=checkbox][data-offer-for=id_toolkit]")
    expect(offers.first).to_be_visible()
    assert offers.count() > 0
    for index in range(offers.count()):
        expect(offers.nth(index)).not_to_be_checked()
    toolkit = page.locator(".ts-wrapper").filter(has=page.get_by_role("combobox", name="Toolkit sections"))
    expect(toolkit.locator(".item")).to_have_count(0)

    # Ticking a suggestion adds it to the chooser; another section is found by typing.
    offered = offers.first.get_attribute("value")
    offers.first.check()
    expect(toolkit.locator(f".item[data-value='{offered}']")).to_be_visible()
    pick(page, "Toolkit sections", "7.11", "7.11 Indicators")
    page.get_by_role("button", name="Save recommendation").click()
    expect(page.get_by_text("Recommendation saved.")).to_be_visible()
    recommendation = Recommendation.objects.get(text="Train prosecutors on the smuggling offences.")
    assert sorted(recommendation.toolkit) == sorted({offered, "toolkit:7.11"})
    assert recommendation.framework == []


def test_right_to_left_chooser(browser, live_server, assessment, lead, password):
    context = browser.new_context(locale="ar")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.locator("#id_username").fill(lead.username)
        page.locator("#id_password").fill(password)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))
        page.goto(f"{live_server.url}/assessments/{assessment.pk}/edit/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        wrapper = page.locator("select#id_jurisdictions + .ts-wrapper")
        expect(wrapper).to_have_class(re.compile(r"\brtl\b"))
    finally:
        context.close()


def test_without_javascript_the_plain_list_still_saves(browser, live_server, sign_in, assessment, lead):
    from soma.findings.models import Finding

    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, lead.username)
        page.goto(f"{live_server.url}/assessments/{assessment.pk}/findings/new/")
        hints = page.get_by_text("hold Ctrl (or ⌘) to choose several")  # answers and provisions: plain lists
        expect(hints).to_have_count(2)
        expect(hints.last).to_be_visible()
        page.get_by_label("Title").fill("Chosen in the plain list")
        page.get_by_label("Guide subsection").select_option("guide:I.A")
        page.get_by_label("Protocol provisions").select_option(["protocol:art5", "protocol:art6.1"])
        page.get_by_role("button", name="Save finding").click()
        expect(page.get_by_text("Finding saved.")).to_be_visible()
        assert sorted(Finding.objects.get(title="Chosen in the plain list").provisions) == [
            "protocol:art5", "protocol:art6.1"]
    finally:
        context.close()

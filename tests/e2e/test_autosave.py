"""Browser: autosave loses nothing when the session ends (the text is kept, the user signs in again in another
tab, two-factor included, and it is sent), across a reload, and when statuses change faster than saves return."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from soma.findings.models import Response
from soma.responses import services as response_services

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"
Q1 = "guide:V.C:q01"
TEXTAREA = "#q-guide-V-C-q01-narrative"
CARD = "#a-q-guide-V-C-q01"
SLOW = 20000  # the page retries every 5 s after a sign-in in another tab


@pytest.fixture
def team(catalog, django_user_model):
    from soma.assessments import services

    lead = django_user_model.objects.create_user(username="lead.demo", password=PASSWORD)
    assessor = django_user_model.objects.create_user(username="assessor.demo", password=PASSWORD)
    assessment = services.create_assessment(
        lead, title="Demoland criminal justice response", jurisdictions=["XD"], scope=["V.C"]
    ).assessment
    services.add_member(lead, assessment, assessor, "assessor", "restricted")
    return {"lead": lead, "assessor": assessor, "assessment": assessment}


def workspace_url(live_server, assessment):
    return live_server.url + reverse("responses:subsection", args=[assessment.pk, "guide:V.C"])


def code_for(device, steps_ahead=0):
    """The device's code, as a callable for the sign-in helpers (they ask for it when the page does); None
    without a device."""
    if device is None:
        return None

    def code():
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
        totp.time = time.time() + steps_ahead * device.step
        return f"{totp.token():0{device.digits}d}"

    return code


def stored(assessment):
    answer = Response.objects.filter(assessment=assessment, question=Q1).first()
    return answer.narrative if answer else None


def wait_for_stored(page, assessment, text, seconds=SLOW / 1000):
    deadline = time.monotonic() + seconds
    while stored(assessment) != text and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert stored(assessment) == text


@pytest.mark.parametrize("two_factor", [False, True], ids=["password", "two-factor"])
def test_expired_session_keeps_the_text_and_sends_it_after_signing_in_again(browser, live_server, sign_in, fill_sign_in,
                                                                            team, two_factor):
    device = TOTPDevice.objects.create(user=team["lead"], name="Phone", confirmed=True) if two_factor else None
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, "lead.demo", code=code_for(device))
        page.goto(workspace_url(live_server, team["assessment"]))
        box = page.locator(TEXTAREA)
        box.click()
        box.type("Reports are recorded by the Demoland border police.")
        expect(page.locator(f"{CARD} .save-status")).to_contain_text("Saved")

        Session.objects.all().delete()  # the session ends on the server (8 hours passed, or signed out elsewhere)
        box.type(" Since 2021 in a central register.")
        ended = page.get_by_role("alert").filter(has_text="Your session has ended")
        expect(ended).to_be_visible()
        expect(page.locator(TEXTAREA)).to_have_value(
            "Reports are recorded by the Demoland border police. Since 2021 in a central register."
        )
        expect(page.locator(f"{CARD} .save-status")).to_contain_text("kept in this browser")
        box.type(" Paper files remain in the regions.")  # typing on while signed out is kept too

        with context.expect_page() as opened:
            ended.get_by_role("link", name="Sign in again").click()
        other = opened.value
        other.set_default_timeout(15000)
        fill_sign_in(other, "lead.demo", code=code_for(device, steps_ahead=1))
        expect(other.get_by_role("button", name="Sign out")).to_be_visible()
        page.bring_to_front()

        full = ("Reports are recorded by the Demoland border police. Since 2021 in a central register."
                " Paper files remain in the regions.")
        expect(page.locator(f"{CARD} .save-status")).to_contain_text("Saved", timeout=SLOW)
        expect(ended).to_be_hidden()
        wait_for_stored(page, team["assessment"], full)
        page.reload()
        expect(page.locator(TEXTAREA)).to_have_value(full)
        expect(page.locator(".kept-notice")).to_have_count(0)  # saved, so nothing is kept any more
    finally:
        context.close()


def test_kept_text_survives_a_reload_and_a_stale_version_ends_in_the_conflict_view(page, live_server, sign_in,
                                                                                   fill_sign_in, team):
    assessment = team["assessment"]
    sign_in(page, "lead.demo")
    page.goto(workspace_url(live_server, assessment))
    box = page.locator(TEXTAREA)
    box.fill("Lead: a central register since 2021.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"{CARD} .save-status")).to_contain_text("Saved")

    Session.objects.all().delete()
    box.type(" Checked with the prosecutors.")
    expect(page.get_by_role("alert").filter(has_text="Your session has ended")).to_be_visible()
    # Meanwhile a colleague saves the same answer: the kept text is now based on an older version.
    answer = Response.objects.get(assessment=assessment, question=Q1)
    response_services.save_response(team["assessor"], assessment, Q1, expected_version=answer.version,
                                    narrative="Assessor: paper files in the regions.")

    page.reload()  # signed out: the page asks to sign in first, then comes back to the questions
    fill_sign_in(page, "lead.demo")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator(TEXTAREA)).to_have_value("Lead: a central register since 2021. Checked with the prosecutors.")
    notice = page.locator(f"{CARD} .kept-notice")
    expect(notice).to_contain_text("were not sent")
    notice.get_by_role("button", name="Send them now").click()

    conflict = page.locator(f"{CARD} .conflict")
    expect(conflict).to_contain_text("Assessor: paper files in the regions.")
    expect(conflict).to_contain_text("Lead: a central register since 2021. Checked with the prosecutors.")
    assert stored(assessment) == "Assessor: paper files in the regions."  # nothing overwritten silently

    page.reload()  # still kept (not saved yet): offered again
    expect(page.locator(TEXTAREA)).to_have_value("Lead: a central register since 2021. Checked with the prosecutors.")
    page.locator(f"{CARD} .kept-notice").get_by_role("button", name="Discard them").click()
    expect(page.locator(TEXTAREA)).to_have_value("Assessor: paper files in the regions.")
    page.reload()
    expect(page.locator(TEXTAREA)).to_have_value("Assessor: paper files in the regions.")
    expect(page.locator(".kept-notice")).to_have_count(0)


def test_the_last_of_quick_changes_wins_for_every_field(page, live_server, sign_in, team):
    assessment = team["assessment"]
    sign_in(page, "lead.demo")
    page.goto(workspace_url(live_server, assessment))
    held = []

    def hold_the_first_save(route):
        if not held:
            held.append(route)  # kept in flight until the test lets it go
        else:
            route.continue_()

    save_url = live_server.url + reverse("responses:save", args=[assessment.pk, Q1])
    page.route(save_url, hold_the_first_save)
    de_jure = page.locator("#q-guide-V-C-q01-de_jure")
    expect(de_jure).to_have_value("unknown")
    de_jure.focus()
    page.keyboard.press("ArrowUp")  # Unknown -> Not in place: the first save leaves
    page.wait_for_timeout(120)
    page.keyboard.press("ArrowUp")  # -> Partly in place, while the first save is still on its way
    assert de_jure.input_value() == "partly"
    # Every other field of the card too, still during the first save.
    page.locator("#q-guide-V-C-q01-de_facto").select_option("not_applicable")
    page.locator(TEXTAREA).fill("Recorded in the Demoland case register.")
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()
    page.unroute(save_url)

    wanted = {"de_jure": "partly", "de_facto": "not_applicable", "narrative": "Recorded in the Demoland case register."}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = Response.objects.filter(assessment=assessment, question=Q1).first()
        if answer and all(getattr(answer, name) == value for name, value in wanted.items()):
            break
        page.wait_for_timeout(200)  # lets the browser (and Playwright's routing) go on meanwhile
    assert {name: getattr(answer, name) for name in wanted} == wanted
    expect(page.locator(f"{CARD} .save-status")).to_contain_text("Saved")
    page.reload()
    expect(page.locator("#q-guide-V-C-q01-de_jure")).to_have_value("partly")
    expect(page.locator("#q-guide-V-C-q01-de_facto")).to_have_value("not_applicable")
    expect(page.locator(TEXTAREA)).to_have_value("Recorded in the Demoland case register.")

"""Browser: the main pages run under the strict Content-Security-Policy with no violation, and two-factor sign-in
works end to end with a code computed from the key the set-up page shows."""

import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demoland-Harbour-2026"

# Runs before any page script, outside the page's CSP (Playwright injects it), and records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile + ":" +
                              event.lineNumber);
});
"""


class Watch:
    """Console errors, page errors and CSP violations of every page visited."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error} ({page.url})"))

    def _console(self, message):
        # Browsers ask for /favicon.ico on their own; SOMA has none, and that 404 is no fault of a page.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(f"console: {message.text} ({message.location.get('url')}, on {self.page.url})")

    def check(self):
        violations = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"CSP: {v} ({self.page.url})" for v in violations]
        assert self.problems == []

    def visit(self, url, heading=None):
        response = self.page.goto(url)
        assert response.status == 200, url
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        if heading:
            expect(self.page.get_by_role("heading", name=heading, exact=False).first).to_be_visible()
        self.check()


@pytest.fixture
def assessment(catalog, django_user_model):
    from soma.assessments import services

    lead = django_user_model.objects.create_user(username="lead.demo", password=PASSWORD)
    return services.create_assessment(
        lead, title="Demoland criminal justice response", jurisdictions=["XD"], scope=["I", "V.C"]
    ).assessment


def test_main_pages_have_no_csp_violation(page, live_server, sign_in, assessment):
    watch = Watch(page)
    base = live_server.url
    pk = assessment.pk
    watch.visit(f"{base}/accounts/login/", "Sign in")
    sign_in(page, "lead.demo")
    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    watch.check()

    watch.visit(base + reverse("assessments:detail", args=[pk]), "Demoland criminal justice response")
    watch.visit(base + reverse("assessments:scope", args=[pk]))
    page.locator("input[data-scope-section]").first.click()  # the scope tree's script runs

    watch.visit(base + reverse("responses:subsection", args=[pk, "guide:V.C"]), "V.C")
    box = page.locator("#q-guide-V-C-q01-narrative")
    box.click()
    box.type("Reports are recorded by the Demoland border police.")
    expect(page.locator("#a-q-guide-V-C-q01 .save-status")).to_contain_text("Saved")
    watch.check()

    for name in ("findings:overview", "evidence:list", "findings:findings", "findings:recommendations",
                 "reports:index", "exchange:index"):
        watch.visit(base + reverse(name, args=[pk]))
    watch.visit(base + reverse("findings:recommendation_create", args=[pk]))
    watch.visit(base + reverse("reports:preview", args=[pk]) + "?audience=public")
    # The preview's own stylesheet applied (allowed by its nonce): the cover is laid out by it.
    assert page.evaluate("getComputedStyle(document.querySelector('.cover')).display") != "inline"

    watch.visit(base + reverse("catalog:index"))
    watch.visit(base + reverse("catalog:item", args=["guide:V.C"]))
    watch.visit(base + reverse("search") + "?q=smuggling")
    page.locator("#search-q").fill("border")
    page.keyboard.press("Enter")
    expect(page.locator("#search-results")).to_be_visible()
    watch.check()
    watch.visit(base + reverse("two_factor"), "Two-factor sign-in")
    watch.visit(base + reverse("password_change"), "Change password")


def code_from_secret(secret: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def test_two_factor_set_up_and_sign_in(page, sign_in, django_user_model):
    django_user_model.objects.create_user(username="assessor.demo", password=PASSWORD)
    watch = Watch(page)
    sign_in(page, "assessor.demo")
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator(".otp-secret").inner_text()
    page.get_by_label("Code", exact=True).fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    watch.check()

    page.get_by_role("button", name="Sign out").click()

    def next_code() -> str:
        # One step ahead (the set-up's code may not be used twice), counted from the device's own clock drift: when
        # the set-up's code reached the server in the next 30-second step, django-otp recorded a drift of -1 step.
        device = TOTPDevice.objects.get(user__username="assessor.demo")
        return code_from_secret(secret, steps_ahead=1 + device.drift)

    sign_in(page, "assessor.demo", code=next_code)
    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    watch.check()


def test_lockout_page_in_the_browser(page, live_server, fill_sign_in, django_user_model):
    django_user_model.objects.create_user(username="observer.demo", password=PASSWORD)
    watch = Watch(page)
    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        fill_sign_in(page, "observer.demo", password="not-the-password")
    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("5 times in a row")
    # The browser reports the 429 answer itself as a console error; that one is expected.
    watch.problems = [p for p in watch.problems if "429" not in p]
    watch.check()

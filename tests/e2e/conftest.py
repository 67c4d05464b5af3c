"""Browser tests: Playwright drives Debian's chromium against a live SOMA server."""

import os
import shutil
from collections.abc import Callable

import pytest

CHROMIUM = os.environ.get("SOMA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No chromium at {CHROMIUM}: install Debian's chromium package or set SOMA_CHROMIUM.")
    # Playwright's sync API runs an event loop in this thread; the tests' own database calls are still
    # plain synchronous code, so Django's async-safety guard does not apply to them while the browser runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def fill_sign_in(password):
    """Sends the sign-in form shown in `page` (password: the tests' usual one unless given); with `code`, then
    the two-factor step, calling `code()` only once the page asks for it (a TOTP code depends on the moment).
    Does not wait for what comes next: a page, a refusal or the two-factor step."""

    def fill_sign_in(page, username: str, *, password: str = password, code: Callable[[], str] | None = None):
        from playwright.sync_api import expect

        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if code is not None:
            expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
            page.get_by_label("Code", exact=True).fill(code())
            page.get_by_role("button", name="Sign in").click()

    return fill_sign_in


@pytest.fixture
def sign_in(live_server, fill_sign_in):
    """Opens `start` (the sign-in page, or a page that asks to sign in first and comes back after), signs in as
    `username` and waits until the page shows the user signed in."""

    def sign_in(page, username: str, *, start: str = "/accounts/login/", code: Callable[[], str] | None = None):
        from playwright.sync_api import expect

        page.goto(live_server.url + start)
        fill_sign_in(page, username, code=code)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return sign_in


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)

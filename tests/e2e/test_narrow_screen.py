"""Browser: SOMA on a phone, 390 x 844 CSS pixels (issue 11). The question page shows its first answer box on the
first screen, the citation controls fit in the screen's width, tables reflow into stacked rows, and no page of
the main list scrolls sideways or has a serious accessibility violation at that width (axe-core, as in
test_accessibility.py). In English and in Arabic (right to left)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.demoland import AXE, build_demo, scan, send_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 390, 844
SHOTS = os.environ.get("SOMA_SCREENSHOTS")  # a folder: each page's screenshot is saved there, to look at


@pytest.fixture
def demoland(catalog):
    return build_demo()


def main_pages(a: int) -> list[str]:
    base = f"/assessments/{a}"
    return [
        "/", "/assessments/", "/assessments/new/", f"{base}/", f"{base}/edit/", f"{base}/scope/", f"{base}/team/",
        f"{base}/missions/", f"{base}/stakeholders/", f"{base}/activities/", f"{base}/history/",
        f"{base}/sources/", f"{base}/sources/add/", f"{base}/questions/", f"{base}/questions/guide:I.A/",
        f"{base}/overview/", f"{base}/findings/", f"{base}/findings/new/", f"{base}/conclusions/",
        f"{base}/recommendations/", f"{base}/recommendations/new/", f"{base}/exchange/", f"{base}/reports/",
        f"{base}/reports/chapters/", "/catalog/", "/catalog/guide/", "/catalog/article/6/",
        "/catalog/item/guide:I.E/", "/search/?q=smuggling",
    ]


@pytest.fixture
def phone(browser, live_server):
    def open_phone(language: str):
        host = live_server.url.split("//", 1)[1].split(":")[0]
        # bypass_csp: axe-core is injected as an inline script, which the pages' CSP (rightly) refuses.
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-GB",
                                      is_mobile=True, has_touch=True, device_scale_factor=1, bypass_csp=True)
        context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(live_server.url + "/accounts/login/")
        send_sign_in(page, "lead.demo")
        expect(page.locator("form[action$='/accounts/logout/']")).to_be_attached()
        return context, page

    contexts = []

    def opened(language: str):
        context, page = open_phone(language)
        contexts.append(context)
        return page

    yield opened
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        file_name = name.strip("/").replace("/", "_").replace("?", "_") + ".png"
        page.screenshot(full_page=True, path=os.path.join(SHOTS, file_name))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_question_page_on_a_phone(phone, live_server, demoland, language):
    page = phone(language)
    page.goto(f"{live_server.url}/assessments/{demoland.pk}/questions/guide:I.A/")
    shot(page, f"{language}-question-page")
    box = page.locator("textarea.answer-text").first
    top = box.evaluate("element => element.getBoundingClientRect().top")
    assert page.evaluate("window.scrollY") == 0
    # The first answer box starts on the first screen with room for a few lines of typing.
    assert top + 60 <= HEIGHT, f"the first answer box starts at {top:.0f} px, below the first screen ({HEIGHT} px)"

    card = page.locator(".answer:has(details.cite-form)").first
    card.locator("details.cite-form > summary").click()
    controls = card.locator("details.cite-form :is(summary, input, select, button), .citation :is(a, button)")
    assert controls.count() > 0, "the first answer card shows no citation controls"
    outside = controls.evaluate_all("""(elements, width) => elements
        .filter(e => e.getClientRects().length)
        .map(e => [e.name || e.textContent.trim(), e.getBoundingClientRect()])
        .filter(([, r]) => r.left < 0 || r.right > width)
        .map(([name, r]) => `${name}: ${Math.round(r.left)} to ${Math.round(r.right)}`)""", WIDTH)
    assert outside == [], f"citation controls outside the screen's {WIDTH} px: {outside}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_main_pages_fit_the_screen_tables_reflow_no_violation(phone, live_server, demoland, language):
    page = phone(language)
    axe_source = AXE.read_text(encoding="utf-8")
    wide, unstacked, violations = [], [], []
    for path in main_pages(demoland.pk):
        page.goto(live_server.url + path)
        shot(page, f"{language}-{path}")
        violations.extend(scan(page, path, axe_source))
        # Against the screen's width, not innerWidth: a phone's browser widens its layout to a page too wide.
        widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if max(widths) > WIDTH:
            culprits = page.evaluate("""width => [...document.querySelectorAll("main *")]
                .filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width && (r.right > width + 1 || r.left < -1);
                })
                .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""))""", WIDTH)
            wide.append(f"{path}: {widths[0]} px wide ({', '.join(culprits)})")
        # Every table with a header row is laid out as stacked rows, its cells labelled with their column's heading;
        # a table without one (a few label and value rows), or a chart, only has to fit.
        for table in page.locator("main table").all():
            laid_out = table.evaluate("""(t, width) => {
                const row = t.tBodies.length && t.tBodies[0].rows[0];
                if (!row) return "empty";
                const box = t.getBoundingClientRect();
                // A table without a header row, or a chart (data-no-reflow: the overview's bars), only has to fit.
                if (!t.tHead || t.hasAttribute("data-no-reflow")) {
                    return box.right <= width + 1 && box.left >= -1 ? "fits" : "too wide";
                }
                const labelled = [...row.cells].some(cell => {
                    const label = getComputedStyle(cell, "::before").content;
                    return label && label !== "none" && label !== "normal";
                });
                return getComputedStyle(row).display + (labelled ? " labelled" : " unlabelled");
            }""", WIDTH)
            if laid_out not in ("empty", "fits", "block labelled"):
                unstacked.append(f"{path}: a table's rows are '{laid_out}'")
    assert wide == [], "pages wider than the screen:\n" + "\n".join(wide)
    assert unstacked == [], "tables not reflowed:\n" + "\n".join(unstacked)
    assert violations == [], f"accessibility violations at {WIDTH} px:\n" + "\n".join(violations)

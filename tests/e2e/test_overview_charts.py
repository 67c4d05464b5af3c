"""Browser: the overview's charts (Charts.css tables, soma/findings/templatetags/chart_tables.py) in English and
Arabic, on a desk screen and at 390 px: axe-core finds no failing violation on the page, the bars are as long as
their numbers say (the size-<percent> classes reach Charts.css under the content security policy), a stacked bar
stays on one line within its row, nothing is wider than the screen, and in Arabic the bars start on the right."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.demoland import AXE, scan, send_sign_in
from tests.e2e.test_accessibility import demoland  # noqa: F401 (the Demoland demo, a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def bars(page) -> list[dict]:
    """Each bar's share of its row as drawn, its class's percent, and where it starts and ends."""
    return page.evaluate("""() => Array.from(document.querySelectorAll("table.soma-chart tbody td")).map(td => {
        const row = td.parentElement, r = row.getBoundingClientRect(), b = td.getBoundingClientRect();
        const style = getComputedStyle(row);
        const inner = r.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return {chart: td.closest("table").dataset.chart || "progress", size: +td.className.match(/size-(\\d+)/)[1],
                share: b.width / inner, left: b.left, right: b.right, top: b.top, rowLeft: r.left,
                rowRight: r.right, rowTop: r.top, rowBottom: r.bottom, height: b.height};
    })""")


@pytest.mark.parametrize(("language", "width"), [("ar", 390), ("en", 1280), ("ar", 1280), ("en", 390)])
def test_overview_charts_drawn_and_accessible(browser, live_server, demoland, language, width):  # noqa: F811
    host = live_server.url.split("//", 1)[1].split(":")[0]
    # bypass_csp only for the scan's injected axe-core; the bars are checked on a page with its CSP first.
    for bypass in (False, True):
        context = browser.new_context(locale="en-GB", bypass_csp=bypass, viewport={"width": width, "height": 900})
        context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(live_server.url + "/accounts/login/")
            send_sign_in(page, "lead.demo")
            expect(page.locator("form[action$='/accounts/logout/']")).to_be_attached()
            page.goto(f"{live_server.url}/assessments/{demoland['a']}/overview/")
            expect(page.locator("table.progress-chart caption")).to_be_visible()
            if bypass:
                assert scan(page, f"overview ({language}, {width} px)", AXE.read_text(encoding="utf-8")) == []
                continue
            drawn = bars(page)
            assert {bar["chart"] for bar in drawn} == {"progress", "de_jure", "de_facto"}
            for bar in drawn:
                assert abs(bar["share"] - bar["size"] / 100) < 0.02, bar
                assert bar["left"] >= bar["rowLeft"] - 1 and bar["right"] <= bar["rowRight"] + 1, bar
                if bar["size"] and bar["chart"] != "progress":
                    assert bar["rowTop"] < bar["top"] < bar["rowBottom"], bar
            full = [bar for bar in drawn if bar["size"] >= 20]
            assert full, "no bar long enough to tell its side"
            for bar in full:  # a bar starts at its row's start: the left in English, the right in Arabic
                if language == "ar":
                    assert abs(bar["right"] - bar["rowRight"]) < 2 or bar["chart"] != "progress", bar
                else:
                    assert abs(bar["left"] - bar["rowLeft"]) < 2 or bar["chart"] != "progress", bar
            # Each stacked bar's parts lie on one line.
            stacked = [bar for bar in drawn if bar["chart"] != "progress" and bar["size"]]
            by_row: dict[float, set[float]] = {}
            for bar in stacked:
                by_row.setdefault(bar["rowTop"], set()).add(round(bar["top"]))
            assert all(len(tops) == 1 for tops in by_row.values()), by_row
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            context.close()

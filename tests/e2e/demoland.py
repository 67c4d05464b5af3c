"""What the page-wide browser tests share (accessibility, narrow screen): the Demoland demo, a sign-in that
works in any language and the axe-core scan."""

from __future__ import annotations

from pathlib import Path

PASSWORD = "Demoland-Demo-2026"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core, vendored (vendor/README.md)

# Impacts that fail the scans, and the moderate rules that fail them too (issue 11: they were there and are gone).
FAILING_IMPACTS = {"serious", "critical"}
FAILING_RULES = {"landmark-one-main", "page-has-heading-one", "heading-order"}


def build_demo():
    """The Demoland demo (`soma demo`), through the services; returns its follow-up assessment (fieldwork)."""
    from soma.assessments.models import Assessment
    from soma.demo import services as demo

    demo.build(password=PASSWORD)
    return Assessment.objects.get(title=demo.FOLLOW_UP_TITLE)


def send_sign_in(page, username: str, password: str = PASSWORD) -> None:
    """The sign-in form shown, sent (by its fields' names: the labels are in the page's language)."""
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def scan(page, where: str, axe_source: str) -> list[str]:
    """axe-core's failing violations on the page shown, one line per element."""
    page.add_script_tag(content=axe_source)
    results = page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             targets: v.nodes.map(n => n.target.join(" "))}));
    }""")
    lines = []
    for violation in results:
        if violation["impact"] in FAILING_IMPACTS or violation["id"] in FAILING_RULES:
            for target in violation["targets"]:
                lines.append(f"{where}: {violation['impact']} {violation['id']} at {target} ({violation['help']})")
    return lines

"""What the page-wide browser tests share (accessibility, narrow screen): the Demoland demo and a sign-in that
works in any language."""

from __future__ import annotations

PASSWORD = "Demoland-Demo-2026"


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

"""Browser: an administrator invites someone from the Users page; the invitee opens the e-mailed link, sets a
password and is signed in; the same link then says it no longer works."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Lighthouse-of-Demoland-42"


def test_invite_then_set_the_password_and_sign_in(browser, page, live_server, sign_in, django_user_model, password):
    django_user_model.objects.create_superuser("admin.demo", email="admin@demoland.example", password=password)
    sign_in(page, "admin.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    page.get_by_label("E-mail address").fill("samir@demoland.example")
    page.get_by_label("First name").fill("Samir")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("SOMA sent a link to samir@demoland.example")
    expect(page.get_by_role("row", name=re.compile("samir@demoland.example"))).to_contain_text(
        "Invited, no password yet")

    link = re.search(r"http://\S+/accounts/welcome/\S+/", mail.outbox[-1].body).group(0)
    invitee = browser.new_context(locale="en-GB").new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Set your password")).to_be_visible()
    assert "/accounts/welcome/" in invitee.url and invitee.url.endswith("/set-password/")  # the token left the address
    invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Set my password").click()
    expect(invitee.get_by_role("status")).to_contain_text("Your password is set and you are signed in")
    expect(invitee.locator(".user-name")).to_have_text("samir@demoland.example")

    again = browser.new_context(locale="en-GB").new_page()
    again.goto(link)
    expect(again.get_by_role("heading", name="This link no longer works")).to_be_visible()

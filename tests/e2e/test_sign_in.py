import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_see_home_switch_language(page, live_server, django_user_model):
    django_user_model.objects.create_user(username="lead.demo", password="Demoland-Harbour-2026")
    sign_in(page, live_server, "lead.demo", "Demoland-Harbour-2026")
    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Vos évaluations")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_label("Langue").select_option("ar")
    page.get_by_role("button", name="Changer").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="تقييماتك")).to_be_visible()


def test_keyboard_reaches_skip_link_first(page, live_server, django_user_model):
    django_user_model.objects.create_user(username="observer.demo", password="Demoland-Harbour-2026")
    sign_in(page, live_server, "observer.demo", "Demoland-Harbour-2026")
    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_wrong_password_is_explained(page, live_server, django_user_model):
    django_user_model.objects.create_user(username="assessor.demo", password="Demoland-Harbour-2026")
    sign_in(page, live_server, "assessor.demo", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("did not match")

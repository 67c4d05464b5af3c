import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sign_in_from_home(live_server, fill_sign_in):
    """Home asks to sign in first; the form is sent (without waiting: the password may be wrong)."""

    def sign_in_from_home(page, username, password="Demoland-Harbour-2026"):
        page.goto(f"{live_server.url}/")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
        fill_sign_in(page, username, password=password)

    return sign_in_from_home


def test_sign_in_see_home_switch_language(page, sign_in_from_home, django_user_model):
    django_user_model.objects.create_user(username="lead.demo", password="Demoland-Harbour-2026")
    sign_in_from_home(page, "lead.demo")
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


def test_keyboard_reaches_skip_link_first(page, sign_in_from_home, django_user_model):
    django_user_model.objects.create_user(username="observer.demo", password="Demoland-Harbour-2026")
    sign_in_from_home(page, "observer.demo")
    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_wrong_password_is_explained(page, sign_in_from_home, django_user_model):
    django_user_model.objects.create_user(username="assessor.demo", password="Demoland-Harbour-2026")
    sign_in_from_home(page, "assessor.demo", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("did not match")

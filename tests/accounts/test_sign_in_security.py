"""Sign-in hardening: lockout after failed attempts, two-factor with an authenticator app, the leads policy."""

import re
import time
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from soma.assessments import services
from soma.core.models import SignInPolicy

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def code_for(device, steps_ahead=0):
    """The code an authenticator app shows, computed with django-otp's TOTP from the device's key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


# --- Lockout ----------------------------------------------------------------------------------------------------------

def test_five_failures_lock_the_username_even_with_the_right_password(client, member, password, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, member.username, "wrong-password").status_code == 200
    locked = sign_in(client, member.username, "wrong-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in locked" in html
    assert "Wait 15 minutes" in html
    assert "administrator" in html

    refused = sign_in(client, member.username, password)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_lockout_page_is_the_same_for_a_username_that_does_not_exist(client, member):
    for _ in range(5):
        sign_in(client, member.username, "wrong-password")
        sign_in(client, "nobody.demo", "wrong-password")
    real = sign_in(client, member.username, "wrong-password")
    unknown = sign_in(client, "nobody.demo", "wrong-password")
    assert real.status_code == unknown.status_code == 429
    def page(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert page(real) == page(unknown)


def test_lockout_is_per_address_and_an_administrator_can_unlock(client, member, password):
    for _ in range(5):
        sign_in(client, member.username, "wrong-password")
    assert sign_in(client, member.username, password).status_code == 429
    # The same person from another address is not locked out by someone else's attempts.
    other = sign_in(client, member.username, password, address="198.51.100.7")
    assert other.status_code == 302
    client.post(reverse("logout"))

    call_command("axes_reset_username", member.username)
    assert sign_in(client, member.username, password).status_code == 302


def test_behind_a_proxy_the_address_is_read_from_x_forwarded_for(client, member, password, settings):
    settings.SOMA_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        # A client writing its own X-Forwarded-For does not escape: the proxy appends the real address.
        client.post(LOGIN, {"username": member.username, "password": "wrong-password"},
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{_}, 192.0.2.10", **proxy)
    locked = client.post(LOGIN, {"username": member.username, "password": password},
                         HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy)
    assert locked.status_code == 429
    elsewhere = client.post(LOGIN, {"username": member.username, "password": password},
                            HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_before_the_limit_starts_the_count_again(client, member, password):
    for _ in range(4):
        sign_in(client, member.username, "wrong-password")
    assert sign_in(client, member.username, password).status_code == 302
    client.post(reverse("logout"))
    # Four more failures are again below the limit: the right password still works.
    for _ in range(4):
        assert sign_in(client, member.username, "wrong-password").status_code == 200
    assert sign_in(client, member.username, password).status_code == 302


def test_another_users_success_resets_nothing_of_the_locked_user(client, member, password, django_user_model):
    django_user_model.objects.create_user(username="omar.demo", password=password)
    for _ in range(5):
        sign_in(client, member.username, "wrong-password")
    assert sign_in(client, "omar.demo", password).status_code == 302
    client.post(reverse("logout"))
    assert sign_in(client, member.username, password).status_code == 429


def test_api_token_requests_are_not_affected_by_a_lockout(client, member):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=member)
    for _ in range(5):
        sign_in(client, member.username, "wrong-password", address="127.0.0.1")
    response = client.get("/api/assessments/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_password_rules_apply_on_change(client, member, password):
    client.force_login(member)
    url = reverse("password_change")
    for weak in ("Short-1", "amina.demo.2026", "123456789012345", "password1234"):
        response = client.post(url, {"old_password": password, "new_password1": weak, "new_password2": weak})
        assert response.status_code == 200, weak
        assert 'class="error"' in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(password)


# --- Two-factor -------------------------------------------------------------------------------------------------------

def test_set_up_an_authenticator_app_then_sign_in_with_its_code(client, member, password):
    client.force_login(member)
    page = client.get(reverse("two_factor"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=member, confirmed=False)

    wrong = client.post(reverse("two_factor"), {"action": "confirm", "token": "000000"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=member, confirmed=True).exists()
    time.sleep(1.1)  # django-otp slows down guessing: one second after one wrong code

    confirmed = client.post(reverse("two_factor"), {"action": "confirm", "token": code_for(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # The session that set up the app stays signed in.
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))
    step = sign_in(client, member.username, password)
    assert step.status_code == 302 and step["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # not signed in by the password alone

    refused = client.post(reverse("login_code"), {"token": "123456"})
    assert refused.status_code == 400
    assert "not right" in refused.content.decode()
    time.sleep(1.1)
    # The code of the next time step: the one used to confirm the app cannot be used twice.
    passed = client.post(reverse("login_code"), {"token": code_for(device, steps_ahead=1)})
    assert passed.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.fixture
def with_app(member):
    return TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)


def test_wrong_codes_count_towards_the_lockout(client, member, password, with_app, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # this test is about the lockout, not django-otp's own slowing down
    assert sign_in(client, member.username, password)["Location"] == reverse("login_code")
    for _ in range(4):
        assert client.post(reverse("login_code"), {"token": "000000"}, REMOTE_ADDR="192.0.2.10").status_code == 400
    locked = client.post(reverse("login_code"), {"token": "000000"}, REMOTE_ADDR="192.0.2.10")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    right = client.post(reverse("login_code"), {"token": code_for(with_app)}, REMOTE_ADDR="192.0.2.10")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_code_step_without_a_password_step_goes_back_to_sign_in(client, with_app):
    response = client.post(reverse("login_code"), {"token": code_for(with_app)})
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_a_session_opened_without_the_code_is_signed_out(client, member, with_app):
    """force_login stands for any session that skipped the code step (e.g. one opened before the app existed)."""
    client.force_login(member)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_remove_the_app_needs_a_code(client, member, password, with_app):
    sign_in(client, member.username, password)
    client.post(reverse("login_code"), {"token": code_for(with_app)})
    assert client.get(reverse("two_factor")).status_code == 200
    refused = client.post(reverse("two_factor"), {"action": "remove", "token": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=member).exists()
    time.sleep(1.1)
    removed = client.post(reverse("two_factor"), {"action": "remove", "token": code_for(with_app, steps_ahead=1)})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_administrator_removes_a_lost_app(member, password, with_app, client):
    call_command("remove_two_factor", member.username)
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert sign_in(client, member.username, password).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_admin_sign_in_goes_through_soma_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith(LOGIN)
    assert "next=/admin/" in follow["Location"]


# --- The leads policy ------------------------------------------------------------------------------------------------

@pytest.fixture
def team(catalog, django_user_model):
    lead = django_user_model.objects.create_user(username="lead.demo")
    assessor = django_user_model.objects.create_user(username="assessor.demo")
    assessment = services.create_assessment(lead, title="Demoland 2026", jurisdictions=["XD"], scope=["I"]).assessment
    services.add_member(lead, assessment, assessor, "assessor", "restricted")
    return {"lead": lead, "assessor": assessor, "assessment": assessment}


def require_for_leads():
    policy = SignInPolicy.current()
    policy.require_two_factor_for_leads = True
    policy.save()


def test_policy_sends_a_lead_without_an_app_to_set_up_first(client, team):
    require_for_leads()
    client.force_login(team["lead"])
    plan = reverse("assessments:detail", args=[team["assessment"].pk])
    response = client.get(plan)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    assert client.get(reverse("two_factor")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    api = client.get("/api/assessments/")
    assert api.status_code == 403 and "two-factor" in api.json()["detail"]
    htmx = client.get(plan, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith(reverse("two_factor"))

    device = TOTPDevice.objects.get(user=team["lead"], confirmed=False)
    done = client.post(f"{reverse('two_factor')}?next={plan}",
                       {"action": "confirm", "token": code_for(device), "next": plan})
    # The recovery codes are shown once first, with the way on to where the lead was going.
    assert done["Location"] == f"{reverse('two_factor')}?{urlencode({'next': plan})}"
    codes_page = client.get(done["Location"]).content.decode()
    assert "Your recovery codes" in codes_page and f'href="{plan}"' in codes_page
    assert client.get(plan).status_code == 200


def test_policy_does_not_force_an_assessor(client, team):
    require_for_leads()
    client.force_login(team["assessor"])
    assert client.get(reverse("assessments:detail", args=[team["assessment"].pk])).status_code == 200


def test_policy_off_by_default(client, team):
    client.force_login(team["lead"])
    assert client.get(reverse("home")).status_code == 200


def test_policy_is_one_row_in_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="admin.demo", password="Demoland-Harbour-2026")
    client.force_login(admin)
    SignInPolicy.current()
    page = client.get(reverse("admin:core_signinpolicy_change", args=[1]))
    assert page.status_code == 200
    assert "Require two-factor sign-in for leads" in page.content.decode()
    assert client.get(reverse("admin:core_signinpolicy_add")).status_code == 403


def test_administrators_never_see_a_users_two_factor_key(client, django_user_model, member):
    """django-otp's admin pages that would show a device's key and QR code answer 403 (for a device that does
    not exist too, not a server error)."""
    device = TOTPDevice.objects.create(user=member, name="phone", confirmed=False)
    admin = django_user_model.objects.create_superuser("root.demo", "root@demoland.example", None)
    client.force_login(admin)
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        for pk in (device.pk, device.pk + 1000):
            response = client.get(reverse(name, args=[pk]))
            assert response.status_code == 403, (name, pk, response.status_code)
            assert device.key not in response.content.decode(errors="replace")

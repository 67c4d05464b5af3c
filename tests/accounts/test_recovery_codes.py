"""Two-factor recovery codes (issue 12): ten made when two-factor sign-in is turned on, shown once, each accepted
once at the code step in place of the app's code, made anew (the old ones dropped) from the two-factor page."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from soma.accounts import services, two_factor
from tests.accounts.test_sign_in_security import code_for

pytestmark = pytest.mark.django_db

CODE = re.compile(r"<code>([a-z2-7]{4})-([a-z2-7]{4})</code>")


def turn_on(client, user) -> tuple[TOTPDevice, list[str]]:
    """Set up the app through the page, as the user would; returns it and the codes the page showed."""
    client.force_login(user)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("two_factor"), {"action": "confirm", "token": code_for(device)})
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    codes = ["".join(parts) for parts in CODE.findall(page)]
    return TOTPDevice.objects.get(pk=device.pk), codes


def password_step(client, user, password):
    client.logout()
    response = client.post(reverse("login"), {"username": user.username, "password": password},
                           REMOTE_ADDR="192.0.2.20")
    assert response["Location"] == reverse("login_code")


def test_turning_on_two_factor_shows_ten_codes_once(client, member):
    _device, codes = turn_on(client, member)
    assert len(codes) == 10 == len(set(codes))
    assert sorted(StaticToken.objects.filter(device__user=member).values_list("token", flat=True)) == sorted(codes)
    again = client.get(reverse("two_factor")).content.decode()
    assert not CODE.search(again)  # shown once only
    assert "You have 10 unused recovery codes" in again


def test_a_recovery_code_signs_in_once(client, member, password):
    _device, codes = turn_on(client, member)
    password_step(client, member, password)
    response = client.post(reverse("login_code"), {"recovery_code": codes[0].upper()[:4] + "-" + codes[0][4:]},
                           REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "9 are left" in home.content.decode()
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    password_step(client, member, password)
    reused = client.post(reverse("login_code"), {"recovery_code": codes[0]}, REMOTE_ADDR="192.0.2.20")
    assert reused.status_code == 400
    assert "not one of your unused recovery codes" in reused.content.decode()
    assert client.get(reverse("home")).status_code == 302  # not signed in


def test_a_wrong_recovery_code_counts_towards_the_lockout(client, member, password, settings):
    turn_on(client, member)
    password_step(client, member, password)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("login_code"), {"recovery_code": "aaaa-aaaa"},
                           REMOTE_ADDR="192.0.2.20").status_code == 400
    locked = client.post(reverse("login_code"), {"recovery_code": "aaaa-aaaa"}, REMOTE_ADDR="192.0.2.20")
    assert locked.status_code == 429


def test_new_codes_replace_the_old_ones_and_need_the_apps_code(client, member, password):
    device, old = turn_on(client, member)
    refused = client.post(reverse("two_factor"), {"action": "codes", "token": "000000"})
    assert refused.status_code == 400
    assert set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True)) == set(old)
    time.sleep(1.1)  # django-otp refuses every code for a second after a wrong one
    made = client.post(reverse("two_factor"), {"action": "codes", "token": code_for(device, steps_ahead=1)})
    assert made.status_code == 302
    new = ["".join(parts) for parts in CODE.findall(client.get(reverse("two_factor")).content.decode())]
    assert len(new) == 10 and not set(new) & set(old)
    password_step(client, member, password)
    assert client.post(reverse("login_code"), {"recovery_code": old[1]}, REMOTE_ADDR="192.0.2.20").status_code == 400
    time.sleep(1.1)
    assert client.post(reverse("login_code"), {"recovery_code": new[1]}, REMOTE_ADDR="192.0.2.20").status_code == 302


def test_removing_the_app_or_an_administrators_reset_removes_the_codes(client, member, django_user_model):
    device, _codes = turn_on(client, member)
    removed = client.post(reverse("two_factor"), {"action": "remove", "token": code_for(device, steps_ahead=1)})
    assert removed.status_code == 302
    assert not StaticDevice.objects.filter(user=member).exists()

    two_factor.new_recovery_codes(member)
    TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)
    admin = django_user_model.objects.create_superuser("admin.demo", password="Demoland-Admin-2026")
    assert services.reset_two_factor(admin, member) == 2  # the app and the set of codes
    assert not StaticDevice.objects.filter(user=member).exists()


def test_recovery_codes_alone_are_not_two_factor(client, member, password):
    """Without an app, leftover codes do not add a step to signing in."""
    two_factor.new_recovery_codes(member)
    response = client.post(reverse("login"), {"username": member.username, "password": password})
    assert response["Location"] == reverse("home")

"""API tokens do not survive a password change, whichever way the password is changed."""

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from soma.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db
NEW = "Port-Azur-Lighthouse-2027"


@pytest.fixture
def others_token(django_user_model):
    other = django_user_model.objects.create_user(username="bayo.demo", password="Demoland-Harbour-2026")
    return Token.objects.create(user=other)


def _api_works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/assessments/").status_code == 200


def _revoked(member, token, others_token):
    assert not Token.objects.filter(pk=token.pk).exists()
    assert not _api_works(token.key)
    assert _api_works(others_token.key)  # only the account whose password changed
    entry = AuditEntry.objects.filter(event="api_tokens_revoked").last()
    assert entry.details == {"account_id": member.pk, "account": member.username, "tokens": 1}


def test_the_password_page_revokes_the_token(client, member, password, others_token):
    token = Token.objects.create(user=member)
    assert _api_works(token.key)
    client.force_login(member)
    reply = client.post("/accounts/password/", {"old_password": password, "new_password1": NEW,
                                                "new_password2": NEW})
    assert reply.status_code == 302
    _revoked(member, token, others_token)


def test_the_admin_revokes_the_token(client, django_user_model, member, others_token):
    token = Token.objects.create(user=member)
    admin = django_user_model.objects.create_superuser(username="admin.demo", password="Demoland-Harbour-2026")
    client.force_login(admin)
    reply = client.post(f"/admin/auth/user/{member.pk}/password/", {"password1": NEW, "password2": NEW,
                                                                     "usable_password": "true"})
    assert reply.status_code == 302, reply.content.decode()[:2000]
    _revoked(member, token, others_token)


def test_changepassword_revokes_the_token(monkeypatch, member, others_token):
    token = Token.objects.create(user=member)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)  # the command reads the password twice
    call_command("changepassword", member.username)
    _revoked(member, token, others_token)


@pytest.mark.parametrize("how", ["set_password", "reset_form"])
def test_set_password_anywhere_revokes_the_token(member, others_token, how):
    token = Token.objects.create(user=member)
    if how == "set_password":
        member.set_password(NEW)
        member.save()
    else:  # the form of a password reset by e-mail link
        form = SetPasswordForm(member, {"new_password1": NEW, "new_password2": NEW})
        assert form.is_valid(), form.errors
        form.save()
    _revoked(member, token, others_token)


def test_other_changes_and_a_hash_upgrade_keep_the_token(member, password, others_token, settings):
    token = Token.objects.create(user=member)
    member.first_name = "Amina"
    member.save()
    # A stronger hasher: the next correct password check re-hashes and saves the password, unchanged.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    assert member.check_password(password)
    member.refresh_from_db()
    assert member.password.startswith("pbkdf2_")
    assert Token.objects.filter(pk=token.pk).exists() and _api_works(token.key)

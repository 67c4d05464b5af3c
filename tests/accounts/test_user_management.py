"""User management without Django's administration: the users page (administrators), invitations by e-mail with a
one-time link that sets the password and signs in, deactivation and two-factor reset, all audited."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from soma.accounts import invitations, services
from soma.accounts.models import AuditEntry
from soma.kernel.access import PermissionDenied
from soma.kernel.errors import ServiceError

pytestmark = pytest.mark.django_db

USERS = "/accounts/users/"
NEW_PASSWORD = "Harbour-Lights-of-Demoland-7"


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin.demo", email="admin@demoland.example",
                                                      password="Demoland-Admin-2026")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def link_in(message) -> str:
    found = re.search(r"http://testserver(/accounts/welcome/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


# --- Who may -----------------------------------------------------------------------------------------------------


def test_the_users_page_refuses_anyone_but_an_administrator(client, member, django_user_model):
    assert client.get(USERS).status_code == 302  # signed out: to the sign-in page
    client.force_login(member)
    refused = client.get(USERS)
    assert refused.status_code == 403
    assert "Not allowed" in refused.content.decode()
    assert client.post(USERS, {"email": "someone@demoland.example"}).status_code == 403
    assert client.post(reverse("user", args=[member.pk]), {"action": "deactivate"}).status_code == 403
    assert not django_user_model.objects.filter(email="someone@demoland.example").exists()
    assert len(mail.outbox) == 0
    # Staff without the permission to change accounts is not an administrator either.
    member.is_staff = True
    member.save()
    assert client.get(USERS).status_code == 403


def test_services_check_the_right_first(member):
    with pytest.raises(PermissionDenied):
        services.invite(member, "someone@demoland.example", base_url="http://testserver/")
    with pytest.raises(PermissionDenied):
        services.reset_two_factor(member, member)
    with pytest.raises(PermissionDenied):
        services.accounts(member)


def test_an_administrator_sees_the_header_link_and_the_list_filtered_by_name(admin_client, member, django_user_model):
    django_user_model.objects.create_user("farid.demo", first_name="Farid", last_name="Okonkwo-Demo")
    page = admin_client.get(USERS)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{USERS}"' in html  # the header's link
    assert "amina.demo" in html and "farid.demo" in html
    filtered = admin_client.get(USERS, {"q": "okonkwo"}).content.decode()
    assert "farid.demo" in filtered and "amina.demo" not in filtered
    none = admin_client.get(USERS, {"q": "nobody-at-all"}).content.decode()
    assert "No account matches" in none


def test_the_header_link_is_not_shown_to_others(client, member):
    client.force_login(member)
    assert f'href="{USERS}"' not in client.get(reverse("home")).content.decode()


# --- Invitations ---------------------------------------------------------------------------------------------------


def test_an_invitation_e_mails_a_link_that_sets_the_password_and_signs_in(admin_client, django_user_model):
    response = admin_client.post(USERS, {"email": "Nadia.Demo@Demoland.example", "first_name": "Nadia",
                                         "last_name": "Demo", "username": ""})
    assert response.status_code == 302
    invited = django_user_model.objects.get(email="Nadia.Demo@demoland.example")
    assert invited.username == "Nadia.Demo@demoland.example"
    assert not invited.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Nadia.Demo@demoland.example"]
    assert "admin.demo" in message.body and invited.username in message.body
    entry = AuditEntry.objects.filter(event="user_invited").get()
    assert entry.actor_username == "admin.demo" and entry.details["account"] == invited.username

    newcomer = admin_client.__class__()
    link = link_in(message)
    landing = newcomer.get(link)
    assert landing.status_code == 302  # the token leaves the address before the form shows
    form = newcomer.get(landing["Location"])
    assert form.status_code == 200 and "Set your password" in form.content.decode()
    done = newcomer.post(landing["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    home = newcomer.get(reverse("home"))
    assert home.status_code == 200 and invited.username in home.content.decode()

    # Used once: the same link no longer works, in another browser either.
    again = admin_client.__class__().get(link, follow=True)
    assert again.status_code == 400
    assert "no longer works" in again.content.decode()


def test_a_weak_password_is_refused_and_the_link_still_works(admin_client, django_user_model):
    admin_client.post(USERS, {"email": "omar@demoland.example"})
    newcomer = admin_client.__class__()
    landing = newcomer.get(link_in(mail.outbox[0]))
    weak = newcomer.post(landing["Location"], {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    assert not django_user_model.objects.get(email="omar@demoland.example").has_usable_password()


def test_an_expired_link_is_refused(admin_client, django_user_model):
    admin_client.post(USERS, {"email": "leila@demoland.example"})
    invited = django_user_model.objects.get(email="leila@demoland.example")
    tokens = invitations.tokens
    # The link as it was made four days ago (links last three).
    four_days_ago = tokens._num_seconds(tokens._now() - timedelta(days=4))
    old = tokens._make_token_with_timestamp(invited, four_days_ago, tokens.secret)
    uid = urlsafe_base64_encode(force_bytes(invited.pk))
    refused = admin_client.__class__().get(reverse("welcome", args=[uid, old]), follow=True)
    assert refused.status_code == 400
    assert "expired or has already been used" in refused.content.decode()
    fresh = invitations.tokens.make_token(invited)
    assert admin_client.__class__().get(reverse("welcome", args=[uid, fresh])).status_code == 302


def test_a_deactivated_invitee_cannot_use_the_link(admin, admin_client, django_user_model):
    admin_client.post(USERS, {"email": "karim@demoland.example"})
    invited = django_user_model.objects.get(email="karim@demoland.example")
    services.set_active(admin, invited, False)
    assert admin_client.__class__().get(link_in(mail.outbox[0]), follow=True).status_code == 400


def test_a_duplicate_e_mail_or_a_bad_address_is_refused_and_what_was_typed_stays(admin_client, member,
                                                                                   django_user_model):
    member.email = "amina@demoland.example"
    member.save()
    duplicate = admin_client.post(USERS, {"email": "AMINA@demoland.example", "first_name": "Amina"})
    assert duplicate.status_code == 400
    html = duplicate.content.decode()
    assert "already exists" in html
    assert 'value="AMINA@demoland.example"' in html and 'value="Amina"' in html
    bad = admin_client.post(USERS, {"email": "not-an-address"})
    assert bad.status_code == 400 and "Enter an e-mail address" in bad.content.decode()
    taken = admin_client.post(USERS, {"email": "new@demoland.example", "username": "AMINA.demo"})
    assert taken.status_code == 400 and "is taken" in taken.content.decode()
    assert django_user_model.objects.count() == 2
    assert len(mail.outbox) == 0


def test_an_e_mail_that_cannot_be_sent_creates_nothing(admin, settings, django_user_model):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    with pytest.raises(ServiceError, match="could not send"):
        services.invite(admin, "yusuf@demoland.example", base_url="http://testserver/")
    assert not django_user_model.objects.filter(email="yusuf@demoland.example").exists()
    assert not AuditEntry.objects.filter(event="user_invited").exists()


def test_the_link_can_be_sent_again_until_the_password_is_set(admin_client, django_user_model):
    admin_client.post(USERS, {"email": "sara@demoland.example"})
    invited = django_user_model.objects.get(email="sara@demoland.example")
    assert admin_client.post(reverse("user", args=[invited.pk]), {"action": "resend"}).status_code == 302
    assert len(mail.outbox) == 2
    invited.set_password(NEW_PASSWORD)
    invited.save()
    refused = admin_client.post(reverse("user", args=[invited.pk]), {"action": "resend"})
    assert refused.status_code == 400 and "already set a password" in refused.content.decode()
    assert len(mail.outbox) == 2


# --- Deactivation and two-factor ---------------------------------------------------------------------------------


def test_deactivating_stops_sign_in_and_reactivating_restores_it(admin_client, client, member, password):
    url = reverse("user", args=[member.pk])
    assert admin_client.post(url, {"action": "deactivate"}).status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    entry = AuditEntry.objects.filter(event="user_deactivated").get()
    assert entry.actor_username == "admin.demo" and entry.details["account"] == "amina.demo"
    other = admin_client.__class__()
    assert other.post(reverse("login"), {"username": "amina.demo", "password": password}).status_code == 200
    assert admin_client.post(url, {"action": "reactivate"}).status_code == 302
    assert other.post(reverse("login"), {"username": "amina.demo", "password": password}).status_code == 302
    assert AuditEntry.objects.filter(event="user_reactivated").count() == 1


def test_an_administrator_cannot_deactivate_themselves(admin, admin_client):
    refused = admin_client.post(reverse("user", args=[admin.pk]), {"action": "deactivate"})
    assert refused.status_code == 400
    assert "your own account" in refused.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_an_unknown_action_or_account_changes_nothing(admin_client, member):
    unknown = admin_client.post(reverse("user", args=[member.pk]), {"action": "promote"})
    assert unknown.status_code == 400 and "nothing was changed" in unknown.content.decode()
    missing = admin_client.post(reverse("user", args=[999999]), {"action": "deactivate"})
    assert missing.status_code == 400 and "no such account" in missing.content.decode()


def test_resetting_two_factor_removes_the_devices_and_is_audited(admin_client, member):
    TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)
    TOTPDevice.objects.create(user=member, name="Half set up", confirmed=False)
    listing = admin_client.get(USERS).content.decode()
    assert 'value="reset_two_factor"' in listing
    response = admin_client.post(reverse("user", args=[member.pk]), {"action": "reset_two_factor"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    entry = AuditEntry.objects.filter(event="two_factor_reset").get()
    assert entry.actor_username == "admin.demo" and entry.details == {"account_id": member.pk,
                                                                      "account": "amina.demo", "devices": 2}


def test_the_command_line_reset_goes_through_the_same_service(member):
    from django.core.management import call_command

    TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)
    call_command("remove_two_factor", "amina.demo")
    assert not TOTPDevice.objects.filter(user=member).exists()
    entry = AuditEntry.objects.filter(event="two_factor_reset").get()
    assert entry.actor_username == "" and entry.details["devices"] == 1


# --- A lead invites a member from the team page -----------------------------------------------------------------


def invitation(email="rania@demoland.example", role="reviewer", clearance="confidential", **extra):
    return {"invite": "1", "invite-email": email, "invite-first_name": "Rania", "invite-last_name": "Demo",
            "invite-role": role, "invite-clearance": clearance, **extra}


def test_a_lead_invites_a_new_member_who_joins_with_role_and_clearance(client, assessment, team, django_user_model):
    client.force_login(team["lead"])
    url = reverse("assessments:team", args=[assessment.pk])
    assert 'name="invite-email"' in client.get(url).content.decode()
    response = client.post(url, invitation())
    assert response.status_code == 302
    invited = django_user_model.objects.get(email="rania@demoland.example")
    member = assessment.memberships.get(user=invited)
    assert (member.role, member.clearance) == ("reviewer", "confidential")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rania@demoland.example"]
    entry = AuditEntry.objects.filter(event="user_invited").get()
    assert entry.assessment_id == assessment.pk and entry.details["role"] == "reviewer"
    assert AuditEntry.objects.filter(event="membership_added", details__member_id=invited.pk).exists()

    newcomer = client.__class__()
    landing = newcomer.get(link_in(mail.outbox[0]))
    newcomer.post(landing["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert newcomer.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 200


@pytest.mark.parametrize("role", ["assessor", "reviewer", "observer"])
def test_only_the_lead_invites(client, assessment, team, role, django_user_model):
    client.force_login(team[role])
    response = client.post(reverse("assessments:team", args=[assessment.pk]), invitation())
    assert response.status_code == 403
    assert not django_user_model.objects.filter(email="rania@demoland.example").exists()
    assert len(mail.outbox) == 0


def test_an_outsider_cannot_tell_the_team_exists(client, assessment, team, django_user_model):
    client.force_login(team["outsider"])
    assert client.post(reverse("assessments:team", args=[assessment.pk]), invitation()).status_code == 404
    assert not django_user_model.objects.filter(email="rania@demoland.example").exists()
    with pytest.raises(Exception, match="No such assessment"):
        services.invite(team["outsider"], "rania@demoland.example", base_url="http://testserver/",
                        assessment=assessment)


def test_a_lead_is_told_to_add_an_existing_account_by_username(client, assessment, team, django_user_model):
    team["outsider"].email = "outsider@demoland.example"
    team["outsider"].save()
    client.force_login(team["lead"])
    response = client.post(reverse("assessments:team", args=[assessment.pk]),
                           invitation(email="Outsider@Demoland.example"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Add them to the team by their username instead" in html
    assert 'value="Outsider@Demoland.example"' in html  # what was typed stays in the form
    assert not assessment.memberships.filter(user=team["outsider"]).exists()
    assert len(mail.outbox) == 0


def test_an_unknown_role_is_refused_and_nothing_is_created(client, assessment, team, django_user_model):
    client.force_login(team["lead"])
    response = client.post(reverse("assessments:team", args=[assessment.pk]), invitation(role="chief"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html and "chief" in html
    assert 'value="rania@demoland.example"' in html
    assert not django_user_model.objects.filter(email="rania@demoland.example").exists()
    assert len(mail.outbox) == 0


def test_a_membership_refused_by_the_assessment_creates_no_account(assessment, team, django_user_model):
    """All or nothing: when joining the team fails, the account and the e-mail are not made either."""
    def join(user):
        raise ServiceError("The team is full (a fictional rule of Demoland).")

    with pytest.raises(ServiceError, match="team is full"):
        services.invite(team["lead"], "rania@demoland.example", base_url="http://testserver/",
                        assessment=assessment, join=join)
    assert not django_user_model.objects.filter(email="rania@demoland.example").exists()
    assert len(mail.outbox) == 0
    assert not AuditEntry.objects.filter(event="user_invited").exists()

"""Managing accounts without Django's administration pages: invitations by e-mail, deactivation, two-factor reset.

Who may: an administrator (an active staff account with Django's "change user" permission; superusers have it)
for every account; the lead of an assessment may invite a new member to that assessment (the assessment's team
page adds them in the same transaction). Every function checks the right first, refuses bad input with a
ServiceError that says what to correct, writes all or nothing and records an audit entry.

An invitation creates the account without a password and e-mails a one-time link (soma.accounts.invitations) to
set one; the account signs in with it. Clearance and role belong to a membership of one assessment, set by its
lead on the team page (soma.assessments.services), not here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from smtplib import SMTPException
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from soma.accounts import audit, invitations, two_factor
from soma.kernel.access import Action, PermissionDenied, require
from soma.kernel.errors import ServiceError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

log = logging.getLogger(__name__)

USERNAME_MAX = 150


def is_administrator(user: User | AnonymousUser | None) -> bool:
    """An active staff account that may change accounts (Django's auth.change_user permission)."""
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "is_staff", False)
                and user.has_perm("auth.change_user"))


def require_administrator(user: User | AnonymousUser | None) -> None:
    if not is_administrator(user):
        raise PermissionDenied(_("Only an administrator may manage accounts."))


# --- Reading -------------------------------------------------------------------------------------------------------


def accounts(actor: User, query: str = "") -> QuerySet[User]:
    """Every account, or those whose username, name or e-mail holds `query`; with `has_two_factor` and
    `invited` (no password set yet). For administrators only."""
    require_administrator(actor)
    users = get_user_model().objects.all()
    for word in query.split():
        users = users.filter(Q(username__icontains=word) | Q(first_name__icontains=word)
                             | Q(last_name__icontains=word) | Q(email__icontains=word))
    return users.annotate(
        has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
    ).order_by("username")


def account(actor: User, pk: int) -> User:
    """One account by id, for an administrator; ServiceError for an id that names none."""
    require_administrator(actor)
    found = get_user_model().objects.filter(pk=pk).first()
    if found is None:
        raise ServiceError(_("There is no such account. Reload the list of users."))
    return found


# --- Invitations ---------------------------------------------------------------------------------------------------


def clean_email(raw: str) -> str:
    """The address as typed, trimmed, its domain in lower case; ServiceError when it is not an e-mail address."""
    email = get_user_model().objects.normalize_email(raw.strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("“%(email)s” is not an e-mail address. Check it (name@example.org).")
                           % {"email": raw.strip()}) from None
    return email


def invite(actor: User, email: str, *, base_url: str, first_name: str = "", last_name: str = "",
           username: str = "", assessment: Any = None, join: Callable[[User], object] | None = None,
           join_details: dict[str, Any] | None = None) -> User:
    """Create an account for `email` and send it a link to set its password; all or nothing.

    An administrator invites anyone (`assessment` None). The lead of `assessment` invites a member of it: `join`
    (the assessments app's add_member) runs inside the same transaction, so a refused membership creates no
    account and sends no e-mail, and an e-mail that cannot be sent leaves neither account nor membership.
    `base_url` is the server's address as the browser sees it (for the link)."""
    if assessment is None:
        require_administrator(actor)
    else:
        require(actor, Action.MANAGE, assessment)
    email = clean_email(email)
    username = (username.strip() or email)[:USERNAME_MAX]
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists():
        if assessment is None:
            raise ServiceError(_("An account with the e-mail address %(email)s already exists. Find it in the list "
                                 "below.") % {"email": email})
        raise ServiceError(_("Someone already has an account with the e-mail address %(email)s. Add them to the "
                             "team by their username instead.") % {"email": email})
    if users.filter(username__iexact=username).exists():
        raise ServiceError(_("The username “%(name)s” is taken. Choose another one.") % {"name": username})
    try:
        with transaction.atomic():
            user = users.create_user(username=username, email=email, first_name=first_name.strip()[:150],
                                     last_name=last_name.strip()[:150])  # no password: unusable until set
            if join is not None:
                join(user)
            details: dict[str, Any] = {"account_id": user.pk, "account": user.get_username(), "email": email,
                                       **(join_details or {})}
            audit.record("user_invited", user=actor, assessment=assessment, **details)
            send_invitation(actor, user, base_url)
    except IntegrityError:  # the same username or address, created at the same moment
        raise ServiceError(_("The username “%(name)s” is taken. Choose another one.") % {"name": username}) from None
    return user


def send_invitation(actor: User, user: User, base_url: str) -> None:
    """E-mail the account its one-time link; ServiceError if the mail server refuses (the caller's transaction
    then writes nothing)."""
    context = {
        "user": user,
        "inviter": actor.get_full_name() or actor.get_username(),
        "link": invitations.link(user, base_url),
        "days": invitations.valid_days(),
    }
    subject = render_to_string("accounts/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (SMTPException, OSError) as error:
        log.warning("Invitation to %s not sent: %s", user.email, error)
        raise ServiceError(_("SOMA could not send the e-mail to %(email)s (%(error)s), so nothing was created. "
                             "Try again later; if it persists, the administrator checks the e-mail settings.")
                           % {"email": user.email, "error": error.__class__.__name__}) from None


@transaction.atomic
def resend_invitation(actor: User, user: User, *, base_url: str) -> None:
    """A new link for an account that has not set its password yet (the first expired or was lost)."""
    require_administrator(actor)
    if user.has_usable_password():
        raise ServiceError(_("%(name)s has already set a password. If it is lost, they change it or an "
                             "administrator resets it.") % {"name": user.get_username()})
    if not user.email:
        raise ServiceError(_("%(name)s has no e-mail address.") % {"name": user.get_username()})
    audit.record("user_invited", user=actor, account_id=user.pk, account=user.get_username(), email=user.email,
                 again=True)
    send_invitation(actor, user, base_url)


# --- Access --------------------------------------------------------------------------------------------------------


@transaction.atomic
def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate an account (it can no longer sign in, its sessions and API tokens stop working, its work and
    memberships stay) or reactivate it."""
    require_administrator(actor)
    if user.pk == actor.pk and not active:
        raise ServiceError(_("You cannot deactivate your own account. Ask another administrator."))
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may deactivate or reactivate a superuser."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    event = "user_reactivated" if active else "user_deactivated"
    audit.record(event, user=actor, account_id=user.pk, account=user.get_username())
    return user


@transaction.atomic
def reset_two_factor(actor: User | None, user: User) -> int:
    """Remove the account's authenticator apps (a lost phone): it signs in with its password and sets up a new
    one. `actor` None is the server's command line (`soma manage remove_two_factor`). Returns how many."""
    if actor is not None:
        require_administrator(actor)
        if user.is_superuser and not actor.is_superuser:
            raise PermissionDenied(_("Only a superuser may reset a superuser's two-factor sign-in."))
    removed = two_factor.remove_devices(user)
    if removed:
        audit.record("two_factor_reset", user=actor, account_id=user.pk, account=user.get_username(),
                     devices=removed)
    return removed

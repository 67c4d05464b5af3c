"""The one-time link an invited account sets its password with: Django's password-reset token, salted for
invitations (a token of one kind does not open the other), valid for PASSWORD_RESET_TIMEOUT
(SOMA_INVITATION_DAYS, three days by default).

The token is worked out from the account's password and last sign-in, so it stops working once the password is
set (the link is used once) and when it expires; nothing is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "soma.accounts.invitations.InvitationTokenGenerator"


tokens = InvitationTokenGenerator()


def link(user: User, base_url: str) -> str:
    """The absolute address of the account's set-your-password page; `base_url` is the server's own."""
    path = reverse("welcome", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                      "token": tokens.make_token(user)})
    return base_url.rstrip("/") + path


def valid_days() -> int:
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))

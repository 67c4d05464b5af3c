"""API tokens end with the password they were issued under.

A changed or reset password (the password page, the admin, `soma manage changepassword`, a reset, any
set_password() followed by save()) revokes every API token of that account: whoever took the old password may
also have taken a token. Django already ends the account's other sessions in that case; tokens it does not.
The owner, or an administrator, issues a new token (`soma manage drf_create_token USERNAME`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import User

from soma.accounts import audit

log = logging.getLogger(__name__)


def revoke_on_password_change(sender: type[User], instance: User, created: bool = False, raw: bool = False,
                              **kwargs: Any) -> None:
    """post_save of the user model. set_password() keeps the new password in `_password` until save() has
    finished; a hash upgrade at sign-in clears it first, so it does not count as a change."""
    from rest_framework.authtoken.models import Token

    if raw or created or getattr(instance, "_password", None) is None:
        return
    revoked, _by_model = Token.objects.filter(user=instance).delete()
    if revoked:
        log.info("API token of %s revoked: the password changed", instance.get_username())
        audit.record("api_tokens_revoked", account_id=instance.pk, account=instance.get_username(), tokens=revoked)

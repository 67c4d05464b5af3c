"""An assessment's ODK Central connection: saved and removed by its lead, read to pull submissions.

The password is encrypted before it is saved (vault.py) and only decrypted for a download; what is audited names
the server, project, form and e-mail, and whether the password changed, never the password itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from soma.accounts import audit
from soma.exchange.central import vault
from soma.exchange.models import CentralConnection
from soma.kernel.access import Action, require
from soma.kernel.errors import ServiceError

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from soma.assessments.models import Assessment
    from soma.exchange.central import client


def connection(assessment: Assessment) -> CentralConnection | None:
    return CentralConnection.objects.filter(assessment=assessment).first()


def _details(row: CentralConnection) -> dict:
    return {"server": row.base_url, "project": row.project_id, "form": row.form_id, "email": row.email}


@transaction.atomic
def save_connection(user: User, assessment: Assessment, *, base_url: str, project_id: int, form_id: str, email: str,
                    password: str = "", clear_password: bool = False,
                    request: HttpRequest | None = None) -> CentralConnection:
    """Create or change the connection. An empty `password` keeps the stored one; `clear_password` drops it."""
    require(user, Action.MANAGE, assessment)
    if password and clear_password:
        raise ServiceError(_("Either enter a new password or remove the stored one, not both."))
    row = CentralConnection.objects.select_for_update().filter(assessment=assessment).first()
    created = row is None
    if row is None:
        row = CentralConnection(assessment=assessment)
    row.base_url, row.project_id, row.form_id, row.email = base_url.strip().rstrip("/"), project_id, form_id.strip(), \
        email.strip()
    password_change = ""
    if password:
        row.password_token, password_change = vault.encrypt(password), "set"
    elif clear_password and row.password_token:
        row.password_token, password_change = "", "removed"
    row.changed_by = user
    row.save()
    audit.record("central_connection", user=user, assessment=assessment, request=request,
                 action="created" if created else "changed", password=password_change or "unchanged", **_details(row))
    return row


@transaction.atomic
def remove_connection(user: User, assessment: Assessment, *, request: HttpRequest | None = None) -> None:
    require(user, Action.MANAGE, assessment)
    row = CentralConnection.objects.filter(assessment=assessment).first()
    if row is None:
        return
    details = _details(row)
    row.delete()
    audit.record("central_connection", user=user, assessment=assessment, request=request, action="removed",
                 **details)


def check_ready(row: CentralConnection | None) -> CentralConnection:
    """The connection, if a pull can use it; ServiceError saying what is missing otherwise."""
    if row is None:
        raise ServiceError(_("This assessment has no ODK Central connection yet. Its lead sets one up on the "
                             "Exchange tab."))
    if not row.password_token:
        raise ServiceError(_("The ODK Central connection has no password. Its lead enters it on the Central "
                             "connection page."))
    return row


def download(assessment: Assessment) -> client.Download:
    """The connected form's submissions from Central. Raises ServiceError (no connection, password unreadable) or
    client.CentralError (the server's answer), each with a message for the user. Audited either way."""
    row = check_ready(connection(assessment))
    try:
        password = vault.decrypt(row.password_token)
    except vault.Unreadable:
        raise ServiceError(_("The stored Central password can no longer be read (SOMA's secret key changed). The "
                             "lead enters the password again on the Central connection page.")) from None
    from soma.exchange.central import client  # pyodk and requests load with the first pull, not at start-up

    return client.download(row.base_url, row.project_id, row.form_id, row.email, password)

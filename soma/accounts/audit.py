"""The audit trail: an append-only record of sign-ins, permission changes, content changes, exports, issued
reports and imports, each entry chained by hash to the one before, so that a changed, removed or inserted
entry shows (`soma audit verify`).

What an entry holds (AuditEntry): `sequence` (1, 2, 3... without gaps), `at`, `event` (EVENTS), the actor's
user id and username at the time, the assessment id, the client's IP address when there is a request, a small
JSON `details`, `prev_hash` and `hash`. It never holds assessment content or passwords: a content change
names its HistoryEntry and carries a SHA-256 of that entry's before/after.

The hash, so that anyone can check it without SOMA:

    hash = SHA-256, as 64 lowercase hex digits, of the UTF-8 bytes of the JSON object
      {"actor_id": int or null, "actor_username": str, "assessment_id": int or null,
       "at": "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, always 6 digits of microseconds), "details": object,
       "event": str, "ip": str ("" when none), "prev_hash": str, "sequence": int}
    written with keys sorted at every level, no whitespace (separators "," and ":"), non-ASCII characters
    as themselves (not \\u escapes): Python's json.dumps(value, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False).
    prev_hash is the previous entry's hash; the first entry's prev_hash is GENESIS (64 zeros).
"""

from __future__ import annotations

import contextvars
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from soma.accounts.models import AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from soma.accounts.models import HistoryEntry

T = TypeVar("T")

GENESIS = "0" * 64
EVENTS = {
    "sign_in": "signed in",
    "sign_in_failed": "failed to sign in (details: the username tried)",
    "sign_out": "signed out",
    "password_changed": "an account's password was changed (details: the account)",
    "api_tokens_revoked": "an account's API tokens were revoked as its password changed (details: the account, "
                          "how many)",
    "user_created": "an account was created (details: the account, staff, superuser)",
    "user_changed": "an account's active, staff or superuser flag changed (details: the account, before, after)",
    "user_deleted": "an account was deleted (details: the account)",
    "admin_change": "a change made in the administration pages (details: model, object, what changed)",
    "user_invited": "an account was created by invitation and the e-mail sent (details: the account, the e-mail "
                    "address, the role on the assessment for a lead's invitation)",
    "user_deactivated": "an administrator deactivated an account on the user-management page (details: the account)",
    "user_reactivated": "an administrator reactivated an account on the user-management page (details: the account)",
    "two_factor_reset": "an administrator removed an account's two-factor devices (details: the account, how many)",
    "assessment_created": "an assessment was created",
    "status_changed": "an assessment moved to another stage (details: from, to)",
    "membership_added": "someone joined the team (details: member, role, clearance)",
    "membership_changed": "a member's role or clearance changed (details: member, before, after)",
    "membership_removed": "someone left the team (details: member, role, clearance)",
    "content_changed": "a history entry was written (details: its id, object, action, digest of before/after, "
                       "digest of the whole entry)",
    "history_purged": "an assessment was deleted and its content history with it (details: how many entries, "
                      "the first and last entry ids)",
    "export": "an export was downloaded or written (details: format, audience or version)",
    "report_issued": "a report was issued (details: report id, audience, language, content hash)",
    "import": "an import was written (details: format and counts)",
    "central_connection": "an assessment's ODK Central connection was saved or removed (details: server, project, "
                          "form, e-mail, whether the password changed; never the password)",
    "central_pull": "submissions were downloaded from ODK Central for a preview (details: server, project, form, "
                    "size, or the error)",
}
# Any constant will do: every writer of the trail on a PostgreSQL database takes this one lock.
_PG_LOCK = 0x50A4_A0D1


def record(event: str, *, user: Any = None, assessment: Any = None, request: HttpRequest | None = None,
           **details: Any) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the change it records, so both commit or neither.

    Writers are serialised (a PostgreSQL advisory lock held until commit; SQLite's IMMEDIATE transactions), so
    the next number and the previous hash are read safely; the unique sequence turns any race into an
    IntegrityError instead of a fork, and the write is tried once more."""
    if event not in EVENTS:
        raise ValueError(f"Unknown audit event '{event}'.")
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    fields = {
        "event": event,
        "actor_id": user.pk if signed_in else None,
        "actor_username": user.get_username() if signed_in else "",
        "assessment_id": assessment.pk if hasattr(assessment, "pk") else assessment,
        "ip": _ip(request),
        # Stored as JSON and read back: hash what the database will give back.
        "details": json.loads(json.dumps(details, default=str)),
    }
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _append(fields)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _append(fields: dict) -> AuditEntry:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK])
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry = AuditEntry(sequence=sequence, at=timezone.now(), prev_hash=prev_hash, **fields)
    entry.hash = entry_hash(entry)
    entry.save()
    return entry


def canonical(entry: AuditEntry) -> bytes:
    """The bytes that are hashed: see the module's docstring."""
    value = {
        "sequence": entry.sequence,
        "at": when(entry.at),
        "event": entry.event,
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "assessment_id": entry.assessment_id,
        "ip": entry.ip,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def when(at: datetime) -> str:
    if timezone.is_naive(at):
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- Checking the chain ------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    count: int
    last_hash: str
    problem: str = ""  # empty when the trail is intact
    sequence: int | None = None  # the first broken entry
    at: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def verify(entries: Iterable[AuditEntry] | None = None) -> Verdict:
    """Walk the trail in sequence order, recomputing every hash; stop at the first broken entry."""
    if entries is None:
        entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000)
    expected, prev_hash, count = 1, GENESIS, 0
    for entry in entries:
        if entry.sequence != expected:
            return Verdict(count, prev_hash, f"entry {expected} is missing (the next entry found is number "
                           f"{entry.sequence}, at {when(entry.at)})", expected)
        if entry_hash(entry) != entry.hash:
            return Verdict(count, prev_hash, "hash mismatch: the entry was changed after it was written",
                           entry.sequence, when(entry.at))
        if entry.prev_hash != prev_hash:
            before = f"entry {expected - 1}" if expected > 1 else "the start of the trail"
            return Verdict(count, prev_hash, f"broken link: its prev_hash is not the hash of {before} (an entry "
                           "was replaced or inserted)", entry.sequence, when(entry.at))
        expected, prev_hash, count = expected + 1, entry.hash, count + 1
    return Verdict(count, prev_hash)


def last(n: int) -> Iterator[AuditEntry]:
    """The last n entries, oldest first."""
    newest = list(AuditEntry.objects.order_by("-sequence")[:n])
    return reversed(newest)


# --- Helpers for the places that record ----------------------------------------------------------------------------


def content_digest(before: object, after: object) -> str:
    """SHA-256 of a history entry's before/after, written as the trail's hash input is (sorted keys, no spaces)."""
    content = json.dumps({"before": before, "after": after}, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def content_changed(user: Any, entry: HistoryEntry, entry_digest: str = "") -> AuditEntry:
    """A HistoryEntry was written: name it and fingerprint its content, never copy it. `entry_digest` covers the
    whole entry (soma.accounts.history.fingerprint); `soma audit verify` compares both with the history table."""
    details: dict[str, Any] = {"entry_digest": entry_digest} if entry_digest else {}
    return record("content_changed", user=user, assessment=entry.assessment_id, history_entry=entry.pk,
                  object_type=entry.object_type, object_id=entry.object_id, action=entry.action,
                  classification=entry.classification, digest=content_digest(entry.before, entry.after), **details)


def membership(event: str, user: Any, member: Any, before: dict | None = None) -> AuditEntry:
    details = {"member_id": member.user_id, "member": member.user.get_username()}
    if before is not None:
        details["before"] = {"role": before.get("role"), "clearance": before.get("clearance")}
    details |= {"role": str(member.role), "clearance": str(member.clearance)}
    return record(event, user=user, assessment=member.assessment_id, **details)


def export(user: Any, assessment: Any, format: str, **details: Any) -> AuditEntry:
    """An export left SOMA. Its audience defaults to the exporter's clearance, which bounds what it holds."""
    from soma.kernel.access import membership
    from soma.kernel.clearance import clearance_of

    details.setdefault("audience", str(clearance_of(membership(user, assessment)) or ""))
    return record("export", user=user, assessment=assessment, format=format, **details)


def imported(user: Any, assessment: T, format: str, **details: Any) -> T:
    """Record an import and hand the assessment back (so a caller can wrap its return value)."""
    record("import", user=user, assessment=assessment, format=format, **details)
    return assessment


# --- The client's address --------------------------------------------------------------------------------------------

_client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("soma_audit_client_ip", default="")


def request_started(sender: object, environ: dict | None = None, scope: dict | None = None, **kwargs: Any) -> None:
    """Keep the client's address for the entries written while this request is handled (WSGI or ASGI)."""
    if environ is not None:
        address = _address(environ)
    else:
        address = scope["client"][0] if scope and scope.get("client") else ""
    _client_ip.set(_normal_ip(address))


def request_finished(sender: object, **kwargs: Any) -> None:
    _client_ip.set("")


def _ip(request: HttpRequest | None) -> str:
    if request is not None:
        return _normal_ip(_address(request.META))
    return _client_ip.get()


def _address(meta: dict) -> str:
    """The client's address by the same rule as sign-in lockouts (behind SOMA_PROXY_COUNT proxies)."""
    from soma.accounts.sign_in import client_address

    return client_address(SimpleNamespace(META=meta)) or ""


def _normal_ip(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


# --- Signal receivers (connected in AccountsConfig.ready) -----------------------------------------------------------

FLAGS = ("is_active", "is_staff", "is_superuser")


def signed_in(sender: object, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    record("sign_in", user=user, request=request)


def sign_in_failed(sender: object, credentials: dict | None = None, request: HttpRequest | None = None,
                   **kwargs: Any) -> None:
    # Django has already masked the password in `credentials`; only the username is kept.
    tried = str((credentials or {}).get("username", ""))[:150]
    record("sign_in_failed", request=request, username=tried)


def signed_out(sender: object, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    record("sign_out", user=user, request=request)


def user_before_save(sender: Any, instance: Any, raw: bool = False, update_fields: Iterable[str] | None = None,
                     **kwargs: Any) -> None:
    if raw or instance.pk is None or (update_fields is not None and not set(update_fields) & set(FLAGS)):
        return
    instance._audit_flags = (
        sender.objects.filter(pk=instance.pk).values(*FLAGS).first() or {}
    )


def _account(instance: Any) -> dict:
    return {"account_id": instance.pk, "account": instance.get_username()}


def user_saved(sender: object, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """Account events name the account in `details`; who made the change is not known here (an administrator's
    change also shows as an admin_change entry beside it, with the administrator as actor)."""
    if raw:
        return
    if created:
        record("user_created", **_account(instance), staff=instance.is_staff, superuser=instance.is_superuser)
        return
    # set_password() leaves the new password in _password until save() finishes; a hash upgrade at sign-in
    # clears it first, so this is a real change of password.
    if getattr(instance, "_password", None) is not None:
        record("password_changed", **_account(instance))
    before = instance.__dict__.pop("_audit_flags", None)
    after = {flag: getattr(instance, flag) for flag in FLAGS}
    if before and before != after:
        changed = sorted(flag for flag in FLAGS if before[flag] != after[flag])
        record("user_changed", **_account(instance), before={f: before[f] for f in changed},
               after={f: after[f] for f in changed})


def user_deleted(sender: object, instance: Any, **kwargs: Any) -> None:
    record("user_deleted", **_account(instance))


def admin_logged(sender: object, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """Django's admin logs its own changes; the trail keeps who, what kind of object and which fields."""
    if raw or not created:
        return
    action = {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, str(instance.action_flag))
    model = instance.content_type.model if instance.content_type_id else ""
    record("admin_change", user=instance.user, model=model, object_id=instance.object_id or "", action=action,
           change=instance.get_change_message()[:300])

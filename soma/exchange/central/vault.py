"""The Central password, encrypted at rest.

Why this way: the password must be usable again (SOMA signs in to Central for the user), so it cannot be hashed;
it is encrypted with Fernet from `cryptography` (authenticated encryption: AES-128-CBC with an HMAC-SHA256, so a
changed token is refused rather than decrypted to garbage), a well-kept library rather than hand-made crypto.
The key is derived with HKDF-SHA256 from SOMA's SECRET_KEY, with its own `info` label, so it is a separate key
from everything else SECRET_KEY signs, and it never sits in the database: a database dump or a bundle alone does
not give the password back. SECRET_KEY_FALLBACKS are tried to read older tokens after a key rotation (the next
save writes a token under the new key). If SECRET_KEY changes without a fallback, the stored token can no longer
be read and the lead is asked to enter the password again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"soma.exchange.central password v1"


class Unreadable(Exception):
    """The stored token cannot be decrypted with SOMA's current keys."""


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def encrypt(password: str) -> str:
    """A Fernet token (ASCII) of the password, under the current key."""
    return _keys().encrypt(password.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise Unreadable from None

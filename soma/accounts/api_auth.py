"""API token authentication: `Authorization: Bearer KEY` (what OpenAPI clients send), and `Token KEY` as before.

Imported by the REST framework's settings only (REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]), so with the
first API request. A request without credentials is answered 401 with `WWW-Authenticate: Bearer realm="api"`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

SCHEMES = (b"bearer", b"token")


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> Any:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in SCHEMES:
            return None
        if len(auth) != 2:  # noqa: PLR2004  (scheme and key)
            return super().authenticate_credentials("")  # DRF's own message: invalid token
        try:
            key = auth[1].decode()
        except UnicodeError:
            return super().authenticate_credentials("")
        return self.authenticate_credentials(key)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BearerScheme(OpenApiAuthenticationExtension):  # the schema's security scheme: HTTP bearer
    target_class = "soma.accounts.api_auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer",
                "description": "An API token: `Authorization: Bearer KEY` (`Token KEY` is accepted too)."}

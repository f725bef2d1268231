"""Personal token authentication: ``Authorization: Token <key>`` (or ``Bearer <key>``).

Revoked and expired tokens are refused (401); what a read-only token may do is decided by
:class:`portal.api.permissions.RolePermission`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from portal.models import ApiToken
from portal.services import accounts


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send 'Authorization: Token <key>'.")
        key = header[1].decode(errors="replace")
        token = ApiToken.active(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Unknown or revoked token.")
        if token.expired:
            assert token.expires_at is not None
            raise exceptions.AuthenticationFailed(
                f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC; create a new "
                "one on the API tokens page."
            )
        accounts.token_used(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class TokenScheme(OpenApiAuthenticationExtension):
    """Describes the token header in the OpenAPI document."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal token from the API tokens page: `Token lw_...`. "
            "A read-only token gets 403 on every write method; an expired one gets 401.",
        }

"""The form fields TikTok's OAuth endpoints take, keyed by the path a capability consumes.

The capability only says "body: object"; these are the real request schemas (the TokenRequest,
RefreshTokenRequest and RevokeTokenRequest of the api-evangelist/tiktok-for-developers OpenAPI,
plus ``code_verifier`` from developers.tiktok.com/doc/login-kit-desktop and the web guide), used
for the MCP tools' input schemas and the REST adapter's OpenAPI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TOKEN_PATH = "/v2/oauth/token/"  # noqa: S105 - a URL path, not a password
REFRESH_ALIAS_PATH = "/v2/oauth/token/refresh/"
"""Not a TikTok endpoint: TikTok refreshes with ``grant_type=refresh_token`` on TOKEN_PATH
(developers.tiktok.com/doc/oauth-user-access-token-management), so the gateway sends it there."""
REVOKE_PATH = "/v2/oauth/revoke/"

CREDENTIAL_FIELDS = ("client_key", "client_secret")


@dataclass(frozen=True)
class FormField:
    name: str
    description: str
    required: bool = True
    constant: str | None = None
    """The only value TikTok accepts here; the gateway sends it when the caller leaves it out."""

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "description": self.description}
        if self.constant is not None:
            schema["enum"] = [self.constant]
            schema["default"] = self.constant
        return schema


_CLIENT_KEY = FormField("client_key", "Your app's client key (TikTok's name for client_id).")
_CLIENT_SECRET = FormField("client_secret", "Your app's client secret.")

REQUEST_FIELDS: Mapping[str, tuple[FormField, ...]] = {
    TOKEN_PATH: (
        _CLIENT_KEY,
        _CLIENT_SECRET,
        FormField(
            "code",
            "Authorization code from the redirect's `code` parameter, URL-decoded.",
        ),
        FormField("grant_type", "OAuth grant type.", constant="authorization_code"),
        FormField(
            "redirect_uri",
            "The redirect_uri used to request the code; must match it exactly.",
        ),
        FormField(
            "code_verifier",
            "PKCE code verifier (43-128 chars of [A-Za-z0-9-._~]) behind the authorize "
            "request's code_challenge. Required for desktop and mobile apps, and for web apps "
            "too as TikTok behaves today.",
            required=False,
        ),
    ),
    REFRESH_ALIAS_PATH: (
        _CLIENT_KEY,
        _CLIENT_SECRET,
        FormField("grant_type", "OAuth grant type.", constant="refresh_token"),
        FormField(
            "refresh_token",
            "The latest refresh token (rft.…); each refresh rotates it and the old one dies.",
        ),
    ),
    REVOKE_PATH: (
        _CLIENT_KEY,
        _CLIENT_SECRET,
        FormField("token", "The access token (act.…) to revoke."),
    ),
}


def request_fields(path: str) -> tuple[FormField, ...] | None:
    """The fields of the TikTok endpoint at ``path``, or None for an endpoint we do not know."""
    return REQUEST_FIELDS.get(path)


def wire_request(path: str, form: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The path and form TikTok documents for a call the capability declares on ``path``.

    Constants (``grant_type``) are filled in when absent, and the refresh alias, which real
    TikTok does not serve, becomes ``grant_type=refresh_token`` on the token endpoint.
    """
    wire = dict(form)
    for field in request_fields(path) or ():
        if field.constant is not None:
            wire.setdefault(field.name, field.constant)
    if path == REFRESH_ALIAS_PATH:
        wire["grant_type"] = "refresh_token"
        return TOKEN_PATH, wire
    return path, wire


def request_schema(path: str, *, optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    """JSON Schema of the form for ``path``; fields in ``optional`` are not required."""
    fields = request_fields(path)
    if fields is None:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    return {
        "type": "object",
        "properties": {field.name: field.json_schema() for field in fields},
        "required": [
            field.name
            for field in fields
            if field.required and field.constant is None and field.name not in optional
        ],
        "additionalProperties": {"type": "string"},
    }

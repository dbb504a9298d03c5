"""The token endpoint's grants, by ``grant_type``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from loginkit.core.context import Context
from loginkit.core.grants.authorization_code import authorization_code_grant
from loginkit.core.grants.client_credentials import client_credentials_grant
from loginkit.core.grants.refresh_token import refresh_token_grant
from loginkit.core.models import App, TokenResponse

__all__ = ["GRANTS", "REQUIRED_PARAMS", "Grant"]

Grant = Callable[[Context, App, Mapping[str, str]], Awaitable[TokenResponse]]

GRANTS: dict[str, Grant] = {
    "authorization_code": authorization_code_grant,
    "refresh_token": refresh_token_grant,
    "client_credentials": client_credentials_grant,
}

REQUIRED_PARAMS: dict[str, tuple[str, ...]] = {
    "authorization_code": ("client_key", "client_secret", "code", "redirect_uri"),
    "refresh_token": ("client_key", "client_secret", "refresh_token"),
    "client_credentials": ("client_key", "client_secret"),
}
"""Checked, in this order, before the client is authenticated (as TikTok answers a missing
secret with ``invalid_request``, not ``invalid_client``)."""

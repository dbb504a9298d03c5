"""TikTok's live defaults, asked for by name, so a test means the same whatever the defaults are.

TikTok requires PKCE for web apps and answers OAuth errors with HTTP 200 and the flat
``{error, error_description, log_id}`` body; the emulator does both with these switches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loginkit.client import PKCE
from tests.support.emulator import EmulatorProcess

TIKTOK_LIVE_FLAGS = ("--require-pkce-for-web", "--oauth-errors-http-200")


def authorize_with_pkce(
    emulator: EmulatorProcess,
    app: dict[str, Any],
    user: dict[str, Any],
    scopes: Sequence[str],
    **extra: Any,
) -> tuple[str, str]:
    """Approve ``scopes`` as ``user`` with an S256 challenge; the code and its verifier."""
    pkce = PKCE.generate("base64url")
    code = emulator.authorize(
        app, user, scopes, code_challenge=pkce.challenge, code_challenge_method=pkce.method, **extra
    )
    return code, pkce.verifier

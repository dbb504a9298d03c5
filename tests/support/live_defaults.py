"""TikTok's live defaults, asked for by name, so a test means the same whatever the defaults are.

TikTok requires PKCE for web apps and answers OAuth errors with HTTP 200 and the flat
``{error, error_description, log_id}`` body; the emulator does both with these switches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    code = emulator.authorize(app, user, scopes, pkce=True, **extra)
    verifier = emulator.code_verifier_for(code)
    assert verifier is not None
    return code, verifier

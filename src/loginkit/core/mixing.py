"""v1 and v2 OAuth must not be mixed (seed 002, FAQ 1): each API refuses the other's codes and
tokens, and the emulator remembers that the app tried (for the migration checker)."""

from __future__ import annotations

from loginkit.core.context import Context
from loginkit.core.errors import InvalidGrant
from loginkit.core.models import App, OAuthVersion

__all__ = ["ENDPOINTS", "refuse_mixing"]

ENDPOINTS: dict[OAuthVersion, str] = {
    OAuthVersion.V1: "/oauth/access_token/",
    OAuthVersion.V2: "/v2/oauth/token/",
}
"""Where each API issues its tokens, named in the refusal."""


async def refuse_mixing(
    ctx: Context, app: App, what: str, issued_by: OAuthVersion, presented_to: OAuthVersion
) -> InvalidGrant:
    """The error to raise when ``what`` (e.g. "refresh token") issued by one API reaches the
    other; notes the attempt first."""
    await ctx.store.note_mixed_token_use(app.client_key, ctx.clock.now())
    return InvalidGrant(
        f"This {what} was issued by the {issued_by} OAuth API ({ENDPOINTS[issued_by]}); "
        f"v1 and v2 OAuth must not be mixed. Use {what}s issued by {ENDPOINTS[presented_to]}.",
        detail=f"{issued_by} {what} presented to the {presented_to} API",
        rule="version.mixed",
    )

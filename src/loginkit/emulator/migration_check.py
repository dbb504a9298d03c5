"""What an app still has to do to move from v1 to v2 OAuth, per TikTok's migration guide
(developers.tiktok.com/bulletin/migration-guidance-oauth-v1).

The guide concerns web apps only ("If your app is not configured for web ... you may ignore this
document"); mobile apps keep v1 until further notice, so for them only mixing is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from loginkit.core.models import App, Platform
from loginkit.core.redirect_uris import redirect_uri_errors
from loginkit.core.store import Store

__all__ = ["Finding", "migration_findings"]

DAY = 86400


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    """Stable name: no_redirect_uri, invalid_redirect_uri, v1_calls, mixed_token_use."""
    message: str


async def migration_findings(
    store: Store, app: App, *, now: int, days: int, v1_calls: int, strict: bool
) -> list[Finding]:
    """``v1_calls``: how many v1 requests of the app were seen in the last ``days`` days;
    ``strict``: the server's redirect URI policy (without it, loopback ``http`` redirect URIs
    for local development, such as the demo app's, are not a problem)."""
    findings: list[Finding] = []
    web = app.platform is Platform.WEB
    if web and not app.redirect_uris:
        findings.append(
            Finding(
                "no_redirect_uri",
                "Register at least one redirect URI (up to 10): v2 redirects only to registered "
                "URIs, not to redirect domains.",
            )
        )
    if web and app.redirect_uris:
        findings.extend(
            Finding("invalid_redirect_uri", f"Fix the redirect URI {problem}.")
            for problem in redirect_uri_errors(app.redirect_uris, app.platform, strict=strict)
        )
    if web and v1_calls:
        findings.append(
            Finding(
                "v1_calls",
                f"{v1_calls} v1 OAuth call(s) in the last {days} day(s): move them to "
                "/v2/auth/authorize/, /v2/oauth/token/ and /v2/oauth/revoke/ (v1 ended for web "
                "apps on 2024-02-29).",
            )
        )
    mixed_at = await store.last_mixed_token_use(app.client_key)
    if mixed_at is not None and now - mixed_at < days * DAY:
        findings.append(
            Finding(
                "mixed_token_use",
                "A code or token issued by one OAuth version was presented to the other: v1 and "
                "v2 must not be mixed; send users through /v2/auth/authorize/ for v2 tokens.",
            )
        )
    return findings

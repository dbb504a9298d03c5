"""What TikTok's answer means for a workflow, where the answer alone does not say it.

Two of TikTok's live habits break workflows written from its docs: OAuth refusals come with
HTTP 200 (so a status-only success criterion passes on them), and web apps must use PKCE (so a
workflow that sends no ``code_verifier`` fails at the code exchange). Both are reported by
public integrations, e.g. https://github.com/mystery-man/passport-tiktok/issues/9.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loginkit.workflow.document import Criterion
from loginkit.workflow.expressions import Exchange

__all__ = [
    "NO_PKCE_SWITCH",
    "criteria_read_the_body",
    "oauth_error",
    "pkce_hint",
    "status_only_reason",
]

NO_PKCE_SWITCH = "--no-require-pkce-for-web"
"""The emulator's switch back to accepting web apps without PKCE."""


def oauth_error(body: object) -> str | None:
    """The ``error`` of TikTok's flat OAuth refusal ``{error, error_description, log_id}``."""
    error = body.get("error") if isinstance(body, Mapping) else None
    return error if isinstance(error, str) and error else None


def criteria_read_the_body(criteria: tuple[Criterion, ...]) -> bool:
    return any(
        "$response.body" in criterion.condition or "$response.body" in (criterion.context or "")
        for criterion in criteria
    )


def status_only_reason(exchange: Exchange, judged_by: str) -> str | None:
    """Why a step judged by its status alone failed anyway: a 2xx carrying TikTok's refusal."""
    if not 200 <= exchange.status < 300 or oauth_error(exchange.response_body) is None:
        return None
    return (
        f"{judged_by} held, but the body is TikTok's OAuth error: TikTok answers OAuth refusals "
        "with HTTP 200, so check the body too (e.g. `$response.body#/access_token != null`)"
    )


def _sent_verifier(request_body: Any) -> bool:
    return isinstance(request_body, Mapping) and request_body.get("code_verifier") not in (
        None,
        "",
    )


def pkce_hint(exchange: Exchange) -> str | None:
    """A PKCE refusal of the code exchange, explained; None for any other answer."""
    body = exchange.response_body
    if oauth_error(body) != "invalid_request":
        return None
    description = str(body.get("error_description") or "").lower()
    if "code verifier" not in description and "code_verifier" not in description:
        return None
    if _sent_verifier(exchange.request_body):
        return (
            "the code_verifier sent does not match the code_challenge the code was issued with "
            "(or the code was issued without PKCE, and then no code_verifier may be sent)"
        )
    return (
        "TikTok requires PKCE for web apps, and this request sent no code_verifier. Pass the "
        "verifier behind the authorize request's code_challenge (loginkit's shipped workflow "
        "takes it as the codeVerifier input); against the emulator, `loginkit serve "
        f"{NO_PKCE_SWITCH}` accepts web apps without PKCE"
    )

"""Will this app work on TikTok? The readiness report over an app's recorded traffic (not to be
confused with a process's readiness, ``GET /readyz``).

Each finding is read from what the core decided or noticed while serving the app's requests
(a refusal's rule, an observation tag) — nothing is re-derived from raw parameters here. The
app's registration is judged by the v1 → v2 migration check, whose findings join the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from loginkit.core.models import App, Platform
from loginkit.core.store import Store
from loginkit.core.v1 import V1_WEB_END_OF_LIFE
from loginkit.emulator.migration_check import migration_findings
from loginkit.emulator.request_log import LoggedRequest

__all__ = ["FINDING_IDS", "MIGRATION_DAYS", "V1_CALL", "ReadinessFinding", "readiness_report"]

Severity = Literal["error", "warning"]
V1_CALL = "api.v1"
"""Observation of every call to a v1 endpoint or page."""
MIGRATION_DAYS = 30
"""How far back the migration check looks for mixed v1/v2 token use, by default."""

_DOC = "https://developers.tiktok.com/doc"
_WEB_GUIDE = f"{_DOC}/login-kit-web"
_TOKEN_DOC = f"{_DOC}/oauth-user-access-token-management"
_ERROR_DOC = f"{_DOC}/oauth-error-handling"
_USER_INFO_DOC = f"{_DOC}/tiktok-api-v2-get-user-info"
_MIGRATION_GUIDE = "https://developers.tiktok.com/bulletin/migration-guidance-oauth-v1"


@dataclass(frozen=True, slots=True)
class ReadinessFinding:
    id: str
    severity: Severity
    message: str
    count: int
    log_ids: list[str]


@dataclass(frozen=True, slots=True)
class _Check:
    id: str
    severity: Severity
    message: str
    signals: frozenset[str]
    """Rules or observation tags of a record that make it count."""


def _check(id_: str, severity: Severity, message: str, *signals: str) -> _Check:
    return _Check(id_, severity, message, frozenset(signals))


CHECKS: tuple[_Check, ...] = (
    _check(
        "json_body",
        "error",
        "A non-form body (e.g. JSON) was sent to an OAuth endpoint. TikTok answers "
        "invalid_request and reads none of its parameters. Send application/x-www-form-urlencoded "
        f"bodies ({_TOKEN_DOC}).",
        "request.not_form_encoded",
    ),
    _check(
        "no_pkce",
        "error",
        "An authorize request had no code_challenge. TikTok shows its error page naming "
        "code_challenge, before login, for web apps too (seen in practice: "
        "https://github.com/mystery-man/passport-tiktok/issues/9, "
        "https://github.com/better-auth/better-auth/issues/3114) and for desktop apps "
        f"({_DOC}/login-kit-desktop). Send an S256 code_challenge and its code_verifier at the "
        "exchange.",
        "authorize.no_pkce",
    ),
    _check(
        "code_not_url_decoded",
        "error",
        "A code was exchanged with its percent-escapes (%2A, %21) still in it. TikTok's codes "
        "contain * and ! and arrive percent-encoded in the callback; TikTok refuses the "
        f"still-encoded code. URL-decode the callback's code parameter once ({_TOKEN_DOC}).",
        "code.not_url_decoded",
    ),
    _check(
        "error_body_used_as_token",
        "error",
        "A bearer or refresh token was an error answer, or part of one. TikTok answers OAuth "
        "errors with HTTP 200 and a {error, error_description, log_id} body (seen in practice), so "
        "an app that trusts the status code stores the error as a token. Check the body's error "
        f"field before reading tokens ({_ERROR_DOC}).",
        "access_token.error_body",
        "refresh_token.error_body",
    ),
    _check(
        "fields_outside_scope",
        "warning",
        "User info was asked for fields whose scope the user did not grant. TikTok refuses the "
        "whole call. Ask only for the fields of the scopes in the callback's scopes parameter "
        f"({_USER_INFO_DOC}).",
        "fields.outside_scope",
    ),
    _check(
        "expired_token_used",
        "warning",
        "An access token was used after its expiry. TikTok answers access_token_invalid. Refresh "
        f"before expires_in runs out ({_TOKEN_DOC}).",
        "access_token.expired",
    ),
    _check(
        "refresh_token_reused",
        "error",
        "A rotated refresh token was presented again. TikTok may return a new refresh token on "
        "every refresh, and the old one stops working. Store the refresh_token of each answer "
        f"and let one refresh run at a time ({_TOKEN_DOC}).",
        "refresh_token.reused",
    ),
    _check(
        "redirect_uri_mismatch",
        "error",
        "A redirect_uri was not registered, or differed at the exchange from the one sent at "
        "authorize. TikTok compares the whole URI exactly (trailing slash included) and refuses "
        f"the request. Send the registered URI, the same at both steps ({_WEB_GUIDE}).",
        "redirect_uri.not_registered",
        "redirect_uri.mismatch",
    ),
    _check(
        "client_id_instead_of_client_key",
        "error",
        "client_id was sent instead of client_key. TikTok reads only client_key and refuses the "
        f"request as if the key were missing. Rename the parameter ({_WEB_GUIDE}).",
        "client_key.sent_as_client_id",
    ),
    _check(
        "missing_state",
        "warning",
        "An authorize request had no state. TikTok goes ahead, but the app cannot tell its own "
        "login from a forged callback (RFC 6749 §10.12). Send a random state and check it in "
        f"the callback ({_WEB_GUIDE}).",
        "authorize.no_state",
    ),
    _check(
        "v1_endpoint_called",
        "warning",
        "A v1 OAuth endpoint or page was called. TikTok ended v1 for web apps on 2024-02-29 "
        "(its authorize page then names redirect_uri: "
        "https://github.com/cuongdevjs/reactjs-social-login/issues/152). Move to "
        f"/v2/auth/authorize/, /v2/oauth/token/ and /v2/oauth/revoke/ ({_MIGRATION_GUIDE}).",
        V1_CALL,
    ),
    _check(
        "loopback_redirect_uri",
        "warning",
        "A web app used a loopback (localhost, 127.0.0.1) redirect URI. The emulator accepts it "
        "for local development; TikTok accepts only https redirect URIs for web apps and refuses "
        f"this one. Register an https URI before going live ({_WEB_GUIDE}).",
        "redirect_uri.loopback",
    ),
)
FINDING_IDS = tuple(c.id for c in CHECKS)

_AUTHORIZE_PAGE = "/auth/authorize/"


def _signals(entry: LoggedRequest) -> set[str]:
    """The rule and tags of a record; the login and consent forms re-validate the authorize
    request, so only the page itself (GET) counts for it."""
    if _AUTHORIZE_PAGE in entry.path and entry.method != "GET":
        return set()
    return {*entry.observations, *([entry.rule] if entry.rule else [])}


def _severity(check: _Check, app: App, now: int) -> Severity:
    if check.id == "v1_endpoint_called" and app.platform is Platform.WEB:
        return "error" if now >= V1_WEB_END_OF_LIFE else "warning"
    return check.severity


def traffic_findings(
    app: App, entries: Sequence[LoggedRequest], now: int
) -> list[ReadinessFinding]:
    """``entries``: the app's records, newest first."""
    findings = []
    for check in CHECKS:
        log_ids = [e.log_id for e in entries if _signals(e) & check.signals]
        if log_ids:
            severity = _severity(check, app, now)
            findings.append(
                ReadinessFinding(check.id, severity, check.message, len(log_ids), log_ids)
            )
    return findings


async def readiness_report(
    store: Store,
    app: App,
    entries: Sequence[LoggedRequest],
    now: int,
    *,
    strict: bool,
    migration_days: int = MIGRATION_DAYS,
) -> dict[str, Any]:
    """``{"client_key", "ready", "findings"}``; ready when no finding is an error."""
    found = traffic_findings(app, entries, now)
    # v1 calls are reported above with their log_ids: the migration check judges the rest.
    migration = await migration_findings(
        store, app, now=now, days=migration_days, v1_calls=0, strict=strict
    )
    for finding in migration:
        found.append(ReadinessFinding(finding.code, "error", finding.message, 1, []))
    return {
        "client_key": app.client_key,
        "ready": not any(f.severity == "error" for f in found),
        "findings": [asdict(f) for f in found],
    }

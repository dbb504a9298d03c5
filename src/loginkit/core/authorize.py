"""Validation of ``GET /v2/auth/authorize/``, as an ordered list of small checks.

A misconfigured request (client_key, redirect_uri, scope, code_challenge) is never redirected:
TikTok shows a page naming the parameter to correct. Only once the redirect_uri is known to be
registered may an error travel back to the app, and only for the user's own refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from loginkit.core import pkce
from loginkit.core.errors import MISNAMED, AuthorizePageError, misnamed_explanation
from loginkit.core.explanations import redirect_uri_not_registered
from loginkit.core.models import App, OAuthVersion, Platform
from loginkit.core.observations import observe
from loginkit.core.policy import Policy
from loginkit.core.redirect_uris import LOOPBACK_HOSTS, redirect_uri_matches
from loginkit.core.scopes import parse_scopes, unknown_scopes

__all__ = ["AuthorizeRequest", "client_key_refusal", "redirect_url", "validate_authorize_request"]


@dataclass(slots=True)
class AuthorizeRequest:
    """A request that passed every check, ready to be shown to the user."""

    app: App
    redirect_uri: str = ""
    scopes: tuple[str, ...] = ()
    state: str = ""
    code_challenge: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    version: OAuthVersion = OAuthVersion.V2
    """The authorize page it came through: the code it yields is redeemable only there."""


Check = Callable[[AuthorizeRequest, Policy], None]


def check_redirect_uri(req: AuthorizeRequest, policy: Policy) -> None:
    """- ``redirect_uri`` is present
    - it equals a registered URI exactly (a registered ``*`` port matches any port)
    """
    uri = req.params.get("redirect_uri", "")
    if not uri:
        raise AuthorizePageError(
            "redirect_uri", "redirect_uri is missing from the request.", rule="redirect_uri.missing"
        )
    if not any(redirect_uri_matches(r, uri) for r in req.app.redirect_uris):
        registered = ", ".join(req.app.redirect_uris) or "(none)"
        raise AuthorizePageError(
            "redirect_uri",
            f"{uri!r} is not registered for this app. Registered: {registered}.",
            rule="redirect_uri.not_registered",
            explanation=redirect_uri_not_registered(uri, req.app.redirect_uris),
        )
    if req.app.platform is Platform.WEB and urlsplit(uri).hostname in LOOPBACK_HOSTS:
        observe("redirect_uri.loopback")
    req.redirect_uri = uri


def check_response_type(req: AuthorizeRequest, policy: Policy) -> None:
    """- ``response_type`` is ``code``, the only one TikTok supports"""
    value = req.params.get("response_type", "")
    if value != "code":
        raise AuthorizePageError(
            "response_type",
            f"response_type must be 'code', got {value!r}.",
            rule="response_type.unsupported",
        )


def check_scope(req: AuthorizeRequest, policy: Policy) -> None:
    """- ``scope`` is present and comma-separated
    - every scope exists in TikTok's catalogue
    - every scope is enabled for the app
    """
    raw = req.params.get("scope", "")
    scopes = parse_scopes(raw)
    if not scopes:
        raise AuthorizePageError(
            "scope", "scope is missing from the request.", rule="scope.missing"
        )
    unknown = unknown_scopes(scopes)
    if unknown:
        hint = " Scopes are separated by commas." if any(" " in s for s in unknown) else ""
        raise AuthorizePageError(
            "scope", f"Unknown scope(s): {', '.join(unknown)}.{hint}", rule="scope.unknown"
        )
    not_enabled = [s for s in scopes if s not in req.app.scopes]
    if not_enabled:
        raise AuthorizePageError(
            "scope",
            f"Not enabled for this app: {', '.join(not_enabled)}. "
            f"Enabled: {', '.join(req.app.scopes) or '(none)'}.",
            rule="scope.not_enabled",
        )
    req.scopes = scopes


def check_pkce(req: AuthorizeRequest, policy: Policy) -> None:
    """- ``code_challenge_method``, when given, is ``S256`` (a missing one means S256, never plain)
    - ``code_challenge`` is a SHA-256 digest in hex or base64url
    - desktop and mobile apps must send one; web apps too unless the policy lets them not
    """
    method = req.params.get("code_challenge_method")
    challenge = req.params.get("code_challenge")
    if method is not None and method != "S256":
        raise AuthorizePageError(
            "code_challenge",
            f"code_challenge_method must be S256, got {method!r}.",
            rule="pkce.method_not_s256",
        )
    if challenge is None:
        observe("authorize.no_pkce")
        # Web apps too by default: TikTok requires PKCE of them in practice, though its docs
        # name desktop and mobile only (https://github.com/better-auth/better-auth/issues/3114).
        if req.app.platform.requires_pkce or policy.require_pkce_for_web:
            raise AuthorizePageError(
                "code_challenge",
                f"PKCE is required for {req.app.platform.value} apps: send code_challenge "
                "(the S256 of your code_verifier) and code_challenge_method=S256.",
                rule="pkce.required",
            )
        return
    if not pkce.challenge_is_well_formed(challenge):
        raise AuthorizePageError(
            "code_challenge",
            "code_challenge must be the SHA-256 of the verifier, as 64 hex digits or "
            "43 base64url characters.",
            rule="pkce.challenge_malformed",
        )
    req.code_challenge = challenge


def check_state(req: AuthorizeRequest, policy: Policy) -> None:
    """- ``state`` is echoed back unchanged (TikTok lets it carry the app's own parameters)"""
    req.state = req.params.get("state", "")
    if not req.state:
        observe("authorize.no_state")


CHECKS: tuple[Check, ...] = (
    check_redirect_uri,
    check_response_type,
    check_scope,
    check_pkce,
    check_state,
)
"""The order matters: nothing may redirect before the redirect_uri is known to be registered."""


def validate_authorize_request(
    params: Mapping[str, str], app: App | None, policy: Policy
) -> AuthorizeRequest:
    """Run every check in order; raise ``AuthorizePageError`` naming the first bad parameter."""
    if app is None:
        key = params.get("client_key", "")
        detail = f"No app has client_key {key!r}." if key else "client_key is missing."
        raise AuthorizePageError("client_key", detail, **client_key_refusal(params))
    req = AuthorizeRequest(app=app, params=params)
    for check in CHECKS:
        check(req, policy)
    return req


def client_key_refusal(params: Mapping[str, str]) -> dict[str, str]:
    """The rule and explanation of an authorize request naming no known app."""
    key = params.get("client_key", "")
    if key:
        return {
            "rule": "client_key.unknown",
            "explanation": f"client_key `{key}` is not the key of any app on this server; "
            "copy it from the app's page in the developer portal.",
        }
    misnamed = MISNAMED["client_key"]
    if misnamed in params:
        return {
            "rule": f"client_key.sent_as_{misnamed}",
            "explanation": misnamed_explanation("client_key", misnamed),
        }
    return {"rule": "client_key.missing", "explanation": "The authorize request has no client_key."}


def redirect_url(redirect_uri: str, params: Mapping[str, str]) -> str:
    """``redirect_uri`` with ``params`` appended form-urlencoded, as TikTok sends them back.

    An empty ``state`` is left out: a request without one gets no ``state`` key back (our
    choice; TikTok's docs do not say, and RFC 6749 §4.1.2 sends it only when it was sent).
    """
    separator = "&" if "?" in redirect_uri else "?"
    sent = {k: v for k, v in params.items() if k != "state" or v}
    return redirect_uri + separator + urlencode(sent)

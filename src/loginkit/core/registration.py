"""App registration: the one validator for what an app may register.

Every way of registering or changing an app (control API, portal, command line through the control
API, seed files) checks the fields here, so they all apply the same rules and the same defaults:
redirect URIs per platform (``redirect_uris``), v1 redirect domains (``v1``), scopes from TikTok's
catalogue (``scopes``), an absolute http(s) webhook URL (our choice: TikTok's portal asks for a
callback URL, developers.tiktok.com/doc/webhooks-overview), and at most ten sandbox target users
(as TikTok's portal allows; see github.com/andreaolivato/TikTok-LoginKit-PHP/issues/6).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlsplit

from loginkit.core.models import Platform
from loginkit.core.redirect_uris import NO_REDIRECT_URI, redirect_uri_errors
from loginkit.core.sandbox import MAX_SANDBOX_TARGETS
from loginkit.core.scopes import BASIC_SCOPE, SCOPES
from loginkit.core.v1 import redirect_domain_errors

__all__ = [
    "FIELD_NAMES",
    "MAX_NAME_LENGTH",
    "NEW_APP",
    "Problem",
    "Registration",
    "problems_text",
    "validate_registration",
]

MAX_NAME_LENGTH = 100
"""Our choice: TikTok's portal keeps app names short; this keeps pages readable."""


@dataclass(frozen=True, slots=True)
class Registration:
    """Everything a developer registers for an app, as the portal shows it."""

    name: str
    platform: Platform
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    redirect_domains: tuple[str, ...] = ()
    """v1 OAuth only: hosts whose (sub)domains may receive the redirect."""
    webhook_url: str | None = None
    sandbox: bool = False
    sandbox_targets: tuple[str, ...] = ()
    """user_ids allowed to authorize the app while it is a sandbox."""


NEW_APP = Registration(name="", platform=Platform.WEB, redirect_uris=(), scopes=(BASIC_SCOPE,))
"""The defaults of a new app: a web app asking for ``user.info.basic``."""

FIELD_NAMES = tuple(f.name for f in fields(Registration))
_LISTS = frozenset({"redirect_uris", "scopes", "redirect_domains", "sandbox_targets"})


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def problems_text(problems: list[Problem]) -> str:
    """One sentence naming every problem, for an error description."""
    return "; ".join(str(p) for p in problems) + "."


def _typed(fields_in: Mapping[str, object]) -> tuple[dict[str, object], list[Problem]]:
    """The fields with the right types (lists as tuples), and a problem for each that is not."""
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for name, value in fields_in.items():
        if name not in FIELD_NAMES:
            problems.append(Problem(name, "unknown field"))
        elif name in _LISTS:
            if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                values[name] = tuple(value)
            else:
                problems.append(Problem(name, "must be a list of strings"))
        elif name == "platform":
            try:
                values[name] = Platform(str(value))
            except ValueError:
                choices = ", ".join(p.value for p in Platform)
                problems.append(Problem(name, f"must be one of: {choices}"))
        elif name == "sandbox":
            if isinstance(value, bool):
                values[name] = value
            else:
                problems.append(Problem(name, "must be true or false"))
        elif name == "webhook_url":
            if value is None or isinstance(value, str):
                values[name] = value or None
            else:
                problems.append(Problem(name, "must be a URL or null"))
        elif isinstance(value, str):
            values[name] = value.strip()
        else:
            problems.append(Problem(name, "must be a string"))
    return values, problems


def _rule_problems(
    app: Registration,
    current: Registration | None,
    *,
    now: int,
    strict: bool,
    user_ids: Collection[str] | None,
) -> list[Problem]:
    problems: list[Problem] = []
    if not app.name:
        problems.append(Problem("name", "required"))
    elif len(app.name) > MAX_NAME_LENGTH:
        problems.append(Problem("name", f"at most {MAX_NAME_LENGTH} characters"))
    uri_problems = redirect_uri_errors(app.redirect_uris, app.platform, strict=strict)
    if app.redirect_domains:  # a v1 app that has not registered redirect URIs yet
        uri_problems = [p for p in uri_problems if p != NO_REDIRECT_URI]
    problems += [Problem("redirect_uris", p) for p in uri_problems]
    old_domains = current.redirect_domains if current else ()
    problems += [
        Problem("redirect_domains", p)
        for p in redirect_domain_errors(old_domains, app.redirect_domains, app.platform, now)
    ]
    unknown = [s for s in app.scopes if s not in SCOPES]
    if unknown:
        problems.append(Problem("scopes", f"unknown scopes {', '.join(unknown)}"))
    elif not app.scopes:
        problems.append(Problem("scopes", f"enable at least one ({BASIC_SCOPE} is every app's)"))
    if app.webhook_url is not None:
        parts = urlsplit(app.webhook_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(Problem("webhook_url", "must be an absolute http(s) URL"))
    if len(app.sandbox_targets) > MAX_SANDBOX_TARGETS:
        problems.append(Problem("sandbox_targets", f"at most {MAX_SANDBOX_TARGETS} target users"))
    if user_ids is not None:
        strangers = [u for u in app.sandbox_targets if u not in user_ids]
        if strangers:
            problems.append(Problem("sandbox_targets", f"no user has id {', '.join(strangers)}"))
    return problems


def validate_registration(
    fields_in: Mapping[str, object],
    *,
    now: int,
    strict: bool,
    current: Registration | None = None,
    user_ids: Collection[str] | None = None,
) -> Registration | list[Problem]:
    """The app ``fields_in`` describe, or every problem with them.

    ``current`` is the app as registered now (``None`` for a new app): fields left out keep its
    values, or :data:`NEW_APP`'s. ``strict`` is the server's ``--strict`` redirect URI policy.
    ``user_ids`` are the known users, to check sandbox targets against (``None``: not checked).
    """
    values, problems = _typed(fields_in)
    if problems:
        return problems
    app = replace(current or NEW_APP, **values)  # type: ignore[arg-type]
    return _rule_problems(app, current, now=now, strict=strict, user_ids=user_ids) or app

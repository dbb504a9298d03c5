"""Plain-words explanations of refusals that need more than one sentence to build.

Each names the parameter, what was received, what was expected and how to fix it; received
secrets appear only masked (``loginkit.core.masking``).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from loginkit.core.masking import mask

__all__ = [
    "client_refusal",
    "redirect_uri_difference",
    "redirect_uri_mismatch",
    "redirect_uri_not_registered",
    "token_problem",
]


def redirect_uri_difference(received: str, expected: str) -> str:
    """What tells two redirect URIs apart, in a few words ("trailing slash"), or ""."""
    if received.rstrip("/") == expected.rstrip("/"):
        return "trailing slash"
    if received.lower() == expected.lower():
        return "upper/lower case"
    got, want = urlsplit(received), urlsplit(expected)
    if got.scheme != want.scheme and got.netloc == want.netloc:
        return f"{got.scheme or 'no scheme'} instead of {want.scheme}"
    if got.hostname == want.hostname and got.port != want.port:
        return "port"
    if got.query and not want.query and received.split("?")[0] == expected:
        return "query string"
    return ""


def _with_difference(received: str, expected: str) -> str:
    difference = redirect_uri_difference(received, expected)
    return f" ({difference})" if difference else ""


def redirect_uri_mismatch(received: str, expected: str) -> str:
    return (
        f"redirect_uri `{received}` differs from the one used at authorize, `{expected}`"
        f"{_with_difference(received, expected)}; TikTok requires the same value at both steps."
    )


def redirect_uri_not_registered(received: str, registered: Sequence[str]) -> str:
    closest = next((r for r in registered if redirect_uri_difference(received, r)), None)
    hint = f": closest is `{closest}`{_with_difference(received, closest)}" if closest else ""
    listed = ", ".join(f"`{r}`" for r in registered) or "none"
    return (
        f"redirect_uri `{received}` is not registered for this app{hint}. Registered: {listed}. "
        "TikTok compares the whole URI exactly; send a registered one or register this one."
    )


def client_refusal(client_key: str, client_secret: str, app: object | None) -> str:
    """Why client authentication failed (``app``: the app of ``client_key``, if any)."""
    if app is None:
        return (
            f"client_key `{client_key}` is not the key of any app on this server; copy it from "
            "the app's page in the developer portal."
        )
    return (
        f"client_secret `{mask(client_secret)}` is not the secret of app {client_key} (it may "
        "have been rotated); copy the current secret from the developer portal."
    )


def token_problem(what: str, raw: str, problem: str, fix: str) -> str:
    """ "The access token `act.AbC…` <problem>; <fix>"."""
    return f"The {what} `{mask(raw)}` {problem}; {fix}"

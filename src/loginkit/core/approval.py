"""The approval rules every door shares: which scopes a user may grant, and what a decision
refused for its pending authorization looks like."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loginkit.core.errors import AuthorizePageError
from loginkit.core.models import App, User
from loginkit.core.pending import PendingAuthorization
from loginkit.core.scopes import BASIC_SCOPE, SCOPES

__all__ = ["Begun", "PendingRefused", "check_granted", "granted_on_page"]


class PendingRefused(AuthorizePageError):
    """The pending authorization is unknown, expired, decided, or of another browser session."""

    def __init__(self, detail: str) -> None:
        super().__init__("authorization_request", f"{detail} Start again from the app.")


@dataclass(frozen=True, slots=True)
class Begun:
    """A pending authorization ready to show, or already decided (``redirect_to``)."""

    pending: PendingAuthorization
    app: App
    user: User | None
    """Who is signed in in the browser session, or None (the login page)."""
    redirect_to: str | None = None


def check_granted(requested: Sequence[str], granted: Sequence[str]) -> None:
    """``granted`` ⊆ ``requested``, ``user.info.basic`` kept when requested, and not empty."""
    extra = [s for s in granted if s not in requested]
    if extra:
        raise AuthorizePageError(
            "scope", f"Scopes not requested: {', '.join(extra)}.", rule="scope.not_requested"
        )
    if BASIC_SCOPE in requested and BASIC_SCOPE not in granted:
        raise AuthorizePageError(
            "scope",
            f"{BASIC_SCOPE} is required when requested and cannot be declined.",
            rule="scope.basic_declined",
        )
    if not granted:
        raise AuthorizePageError(
            "scope",
            "At least one scope must be granted: switch one on, or cancel.",
            rule="scope.none_granted",
        )


def granted_on_page(shown: Sequence[str], switched_on: Sequence[str]) -> tuple[str, ...]:
    """The consent page's answer: the scopes it showed that are switched on or cannot be
    switched off. A scope it did not show is refused, never granted."""
    not_shown = [s for s in switched_on if s not in shown]
    if not_shown:
        raise AuthorizePageError(
            "scope",
            f"The consent page did not ask for: {', '.join(not_shown)}.",
            rule="scope.not_shown",
        )
    return tuple(s for s in shown if s in switched_on or not SCOPES[s].toggleable)

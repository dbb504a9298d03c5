"""What the core noticed while serving one request, for the emulator's request log.

The HTTP layer opens a record per request (``begin``). Where the core decides, it adds tags
(``observe``: "this authorize request had no PKCE") and every refusal notes its rule and
explanation as it is created (``LoginKitError``), so the log keeps the reason the core had
rather than re-deriving it later. Outside a request (no record open) nothing is kept.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["Observations", "attribute", "begin", "current", "note_refusal", "observe"]


@dataclass(slots=True)
class Observations:
    tags: list[str] = field(default_factory=list)
    rule: str | None = None
    explanation: str | None = None
    client_key: str | None = None
    """The app the request turned out to concern when its parameters do not name it (a bearer
    token's app)."""


_current: ContextVar[Observations | None] = ContextVar("loginkit_observations", default=None)


def begin() -> Observations:
    """A fresh record for the request being served in this task."""
    observations = Observations()
    _current.set(observations)
    return observations


def current() -> Observations | None:
    return _current.get()


def observe(tag: str) -> None:
    observations = _current.get()
    if observations is not None and tag not in observations.tags:
        observations.tags.append(tag)


def attribute(client_key: str) -> None:
    observations = _current.get()
    if observations is not None:
        observations.client_key = client_key


def note_refusal(rule: str | None, explanation: str | None) -> None:
    """Keep the refusal's reason; a later refusal without a rule (an error re-raised in another
    shape) does not hide the rule of the one it wraps."""
    observations = _current.get()
    if observations is None or (rule is None and observations.rule is not None):
        return
    observations.rule, observations.explanation = rule, explanation

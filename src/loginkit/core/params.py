"""Checks on request parameters shared by every endpoint of the core (v1 and v2)."""

from __future__ import annotations

from collections.abc import Mapping

from loginkit.core.errors import InvalidRequest

__all__ = ["require"]


def require(form: Mapping[str, str], params: tuple[str, ...]) -> None:
    """Refuse the first missing or empty parameter, in TikTok's words."""
    for param in params:
        if not form.get(param):
            raise InvalidRequest.missing(param, form.keys())

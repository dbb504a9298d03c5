"""JSON Pointer (RFC 6901): read a value, or set one in a copy-free nested structure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loginkit.workflow.errors import ExpressionError

__all__ = ["resolve_pointer", "set_pointer"]


def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ExpressionError(f"JSON pointer {pointer!r} must start with '/'")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _child(value: Any, token: str, pointer: str) -> Any:
    if isinstance(value, Mapping) and token in value:
        return value[token]
    if isinstance(value, list) and token.isdigit() and int(token) < len(value):
        return value[int(token)]
    raise ExpressionError(f"JSON pointer {pointer!r}: nothing at {token!r}")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at ``pointer``; ``ExpressionError`` when any part is missing."""
    value = document
    for token in _tokens(pointer):
        value = _child(value, token, pointer)
    return value


def set_pointer(document: Any, pointer: str, new_value: Any) -> None:
    """Replace the value at ``pointer`` (its parent must exist) in place."""
    tokens = _tokens(pointer)
    if not tokens:
        raise ExpressionError("cannot replace the whole payload with a JSON pointer")
    parent = document
    for token in tokens[:-1]:
        parent = _child(parent, token, pointer)
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = new_value
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        parent[int(last)] = new_value
    else:
        raise ExpressionError(f"JSON pointer {pointer!r}: cannot set {last!r}")

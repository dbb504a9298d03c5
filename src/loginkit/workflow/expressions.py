"""Arazzo runtime expressions: ``$inputs.x``, ``$steps.s.outputs.y``, ``$response.body#/ptr``...

A value in a workflow is either an expression on its own (its result keeps its JSON type), a
string with embedded ``{$expression}`` parts, or a string with a bare ``$expression`` after
literal text, as in the seed's ``Bearer $steps.exchangeCode.outputs.accessToken``. That last
form is not standard Arazzo, but documents in the wild rely on it, so bare expressions that
start with a known root are substituted too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from loginkit.workflow.errors import ExpressionError
from loginkit.workflow.pointer import resolve_pointer

__all__ = ["Exchange", "Scope", "evaluate", "interpolate", "is_expression", "stringify"]

_NAME = r"[A-Za-z0-9_.\-]+"
_EXPRESSION = (
    r"\$(?:url|method|statusCode"
    r"|(?:inputs|outputs|steps|workflows|sourceDescriptions|request|response)\."
    + _NAME
    + r"(?:#/[^\s{}]*)?)"
)
_WHOLE = re.compile(rf"^{_EXPRESSION}$")
_EMBEDDED = re.compile(rf"\{{({_EXPRESSION})\}}")
_BARE = re.compile(rf"(?<![\w{{$]){_EXPRESSION}")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as expressions see them."""

    url: str
    method: str
    request_headers: Mapping[str, str]
    request_query: Mapping[str, str]
    request_path: Mapping[str, str]
    request_body: Any
    status: int
    response_headers: Mapping[str, str]
    """Lower-case names: HTTP header names are case-insensitive."""
    response_body: Any


@dataclass(slots=True)
class Scope:
    """Everything a runtime expression can refer to while a workflow runs."""

    inputs: Mapping[str, Any]
    sources: Mapping[str, str] = field(default_factory=dict)
    """Source description name → its URL."""
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Step id → that step's outputs."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The current workflow's outputs evaluated so far."""
    workflow_id: str = ""
    exchange: Exchange | None = None
    """The current step's request and response (for $statusCode, $response..., $request...)."""


def is_expression(value: object) -> bool:
    return isinstance(value, str) and _WHOLE.match(value.strip()) is not None


def stringify(value: Any) -> str:
    """How a value is written into a header, query, path or form field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def interpolate(value: Any, scope: Scope) -> Any:
    """``value`` with every runtime expression in it replaced (recursively in objects and lists)."""
    if isinstance(value, str):
        if is_expression(value):
            return evaluate(value.strip(), scope)
        embedded = _EMBEDDED.sub(lambda m: stringify(evaluate(m[1], scope)), value)
        return _BARE.sub(lambda m: stringify(evaluate(_trim(m[0]), scope)) + _rest(m[0]), embedded)
    if isinstance(value, Mapping):
        return {key: interpolate(item, scope) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, scope) for item in value]
    return value


def _trim(expression: str) -> str:
    # A bare expression at the end of a sentence must not swallow the full stop.
    return expression.rstrip(".")


def _rest(expression: str) -> str:
    return expression[len(_trim(expression)) :]


def evaluate(expression: str, scope: Scope) -> Any:
    """The value of one runtime expression; ``None`` when a body pointer finds nothing."""
    if not _WHOLE.match(expression):
        raise ExpressionError(f"{expression!r} is not a runtime expression")
    head, _, pointer = expression.partition("#")
    root, _, rest = head[1:].partition(".")
    value = _ROOTS[root](rest, scope, expression)
    if not pointer:
        return value
    try:
        return resolve_pointer(value, pointer)
    except ExpressionError:
        return None


def _exchange(scope: Scope, expression: str) -> Exchange:
    if scope.exchange is None:
        raise ExpressionError(f"{expression}: there is no request or response here")
    return scope.exchange


def _message(
    part: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    path: Mapping[str, str],
    body: Any,
    expression: str,
) -> Any:
    source, _, name = part.partition(".")
    if source == "body" and not name:
        return body
    if source == "header" and name:
        return headers.get(name.lower())
    if source == "query" and name:
        return query.get(name)
    if source == "path" and name:
        return path.get(name)
    raise ExpressionError(
        f"{expression}: expected header.<name>, query.<name>, path.<name> or body"
    )


def _request(rest: str, scope: Scope, expression: str) -> Any:
    ex = _exchange(scope, expression)
    headers = {k.lower(): v for k, v in ex.request_headers.items()}
    return _message(rest, headers, ex.request_query, ex.request_path, ex.request_body, expression)


def _response(rest: str, scope: Scope, expression: str) -> Any:
    ex = _exchange(scope, expression)
    if rest.startswith(("query.", "path.")):
        raise ExpressionError(f"{expression}: a response has only headers and a body")
    return _message(rest, ex.response_headers, {}, {}, ex.response_body, expression)


def _lookup(mapping: Mapping[str, Any], name: str, what: str, expression: str) -> Any:
    if name in mapping:
        return mapping[name]
    # A dotted name may walk into an object-valued input or output.
    first, dot, remainder = name.partition(".")
    if dot and first in mapping and isinstance(mapping[first], Mapping):
        return _lookup(mapping[first], remainder, what, expression)
    if what == "input":
        return None  # an optional input that was not given and has no default
    raise ExpressionError(f"{expression}: no {what} {name!r}")


def _steps(rest: str, scope: Scope, expression: str) -> Any:
    step_id, _, tail = rest.partition(".")
    if step_id not in scope.steps:
        raise ExpressionError(f"{expression}: step {step_id!r} has not run (yet)")
    kind, _, name = tail.partition(".")
    if kind != "outputs" or not name:
        raise ExpressionError(f"{expression}: expected $steps.<stepId>.outputs.<name>")
    return _lookup(scope.steps[step_id], name, "output", expression)


def _workflows(rest: str, scope: Scope, expression: str) -> Any:
    workflow_id, _, tail = rest.partition(".")
    kind, _, name = tail.partition(".")
    if workflow_id != scope.workflow_id or kind not in ("inputs", "outputs") or not name:
        raise ExpressionError(
            f"{expression}: only $workflows.{scope.workflow_id}.inputs|outputs.<name> is available"
        )
    values = scope.inputs if kind == "inputs" else scope.outputs
    return _lookup(values, name, kind[:-1], expression)


def _sources(rest: str, scope: Scope, expression: str) -> Any:
    name, _, attribute = rest.partition(".")
    if name not in scope.sources or attribute != "url":
        raise ExpressionError(f"{expression}: expected $sourceDescriptions.<name>.url")
    return scope.sources[name]


_ROOTS: dict[str, Callable[[str, Scope, str], Any]] = {
    "url": lambda rest, scope, e: _exchange(scope, e).url,
    "method": lambda rest, scope, e: _exchange(scope, e).method,
    "statusCode": lambda rest, scope, e: _exchange(scope, e).status,
    "request": _request,
    "response": _response,
    "inputs": lambda rest, scope, e: _lookup(scope.inputs, rest, "input", e),
    "outputs": lambda rest, scope, e: _lookup(scope.outputs, rest, "output", e),
    "steps": _steps,
    "workflows": _workflows,
    "sourceDescriptions": _sources,
}

"""How a control API operation is declared: method, path, typed body or query, typed answer.

``@operation(...)`` turns a handler into a Starlette route that checks the admin token, validates
the JSON body (or the query) with its pydantic model, and writes the handler's typed answer; the
same declaration is what ``/openapi.json`` publishes, so the document cannot drift from the code.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.core.errors import InvalidRequest, OAuthError
from loginkit.server.context import settings
from loginkit.server.endpoint import Family, endpoint

__all__ = [
    "OPERATIONS",
    "Conflict",
    "NotFound",
    "Operation",
    "Unauthorized",
    "describe",
    "operation",
    "require_admin",
    "validated",
]

Model = TypeVar("Model", bound=BaseModel)


class Unauthorized(OAuthError):
    code = "invalid_token"
    status = 401
    default_description = "The control API needs 'Authorization: Bearer <admin token>'."


class NotFound(OAuthError):
    code = "not_found"
    status = 404


class Conflict(OAuthError):
    code = "conflict"
    status = 409


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    returns: Any = None
    """What a success answers (a model, a list of models), or ``None`` for ``204``."""
    status: int = 200
    errors: tuple[int, ...] = (400, 401)


OPERATIONS: list[Operation] = []
"""Every control API operation, in the order ``/openapi.json`` lists them."""


def require_admin(request: Request) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings(request).admin_token
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        raise Unauthorized()


def _problems(exc: ValidationError) -> str:
    """One sentence naming each refused field, e.g. ``redirect_urls: unknown field``."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "body"
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        parts.append(f"{where}: {message}")
    return "; ".join(parts) + "."


def validated(model: type[Model], raw: bytes | dict[str, str]) -> Model:
    """``raw`` (a JSON body, or query parameters) as ``model``, or ``InvalidRequest`` naming
    every field that is unknown, missing, of the wrong type or out of range."""
    try:
        if isinstance(raw, dict):
            return model.model_validate(raw)
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise InvalidRequest("The body is not valid JSON.") from exc
        if any(e["type"] == "model_type" and not e["loc"] for e in exc.errors()):
            raise InvalidRequest("The body must be a JSON object.") from exc
        raise InvalidRequest(_problems(exc)) from exc


def describe(op: Operation) -> None:
    """Publish ``op`` in ``/openapi.json`` (for routes declared elsewhere)."""
    OPERATIONS.append(op)


def operation(
    method: str,
    path: str,
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    returns: Any = None,
    status: int = 200,
    errors: tuple[int, ...] = (400, 401),
) -> Callable[[Callable[..., Awaitable[Any]]], Route]:
    """Declare a control API operation; the handler gets ``(request, body_or_query)`` (or
    ``(request)`` without either) and returns what ``returns`` describes."""
    op = Operation(method, path, summary, body, query, returns, status, errors)
    describe(op)
    answer = TypeAdapter(returns) if returns is not None else None

    def decorate(handler: Callable[..., Awaitable[Any]]) -> Route:
        async def run(request: Request) -> Response:
            require_admin(request)
            if body is not None:
                result = await handler(request, validated(body, await request.body()))
            elif query is not None:
                result = await handler(request, validated(query, dict(request.query_params)))
            else:
                result = await handler(request)
            if isinstance(result, Response):  # already rendered (the authorize decision)
                return result
            if answer is None:
                return Response(status_code=status)
            content = answer.dump_json(result)
            return Response(content, status_code=status, media_type="application/json")

        run.__name__ = handler.__name__
        return Route(path, endpoint(Family.CONTROL)(run), methods=[method])

    return decorate

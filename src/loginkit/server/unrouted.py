"""Answers for paths nothing serves and methods a path does not take, in the shape the path's
family expects: TikTok's flat OAuth error under ``/oauth/`` and ``/v2/oauth/``, TikTok's
``{data, error}`` envelope under the other ``/v2/`` API paths (developers.tiktok.com/doc/
tiktok-api-v2-error-handling), the control API's JSON error under ``/emulator/``, and an HTML page
everywhere else (the authorize pages under ``/v2/auth/`` included). Never a bare "Not Found".
The error codes (``invalid_request``, ``invalid_params``) are our choice: TikTok documents none."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ExceptionHandler

from loginkit.core.errors import InvalidParams, OAuthError
from loginkit.core.secrets import new_log_id
from loginkit.server.responses import JSONResponse
from loginkit.server.templates import render

__all__ = ["exception_handlers"]

_OAUTH_PREFIXES = ("/oauth/", "/v2/oauth/")
_PAGE_PREFIXES = ("/v2/auth/",)


class _OAuthNotServed(OAuthError):
    status = 404


class _OAuthMethodNotAllowed(OAuthError):
    status = 405


class _ControlNotServed(OAuthError):
    code = "not_found"
    status = 404


class _ControlMethodNotAllowed(OAuthError):
    code = "method_not_allowed"
    status = 405


class _ApiNotServed(InvalidParams):
    status = 404


class _ApiMethodNotAllowed(InvalidParams):
    status = 405


def _description(request: Request, status: int) -> str:
    if status == 405:
        return f"{request.method} is not allowed on {request.url.path}."
    return f"Nothing is served at {request.url.path}."


async def unrouted(request: Request, exc: Exception) -> Response:
    status = 405 if isinstance(exc, HTTPException) and exc.status_code == 405 else 404
    path = request.url.path
    log_id = new_log_id()
    description = _description(request, status)
    response: Response
    if path.startswith(_OAUTH_PREFIXES):
        oauth = _OAuthMethodNotAllowed if status == 405 else _OAuthNotServed
        response = JSONResponse(oauth(description).to_body(log_id), status)
    elif path.startswith("/emulator/"):
        control = _ControlMethodNotAllowed if status == 405 else _ControlNotServed
        response = JSONResponse(control(description).to_body(log_id), status)
    elif path.startswith("/v2/") and not path.startswith(_PAGE_PREFIXES):
        api = _ApiMethodNotAllowed if status == 405 else _ApiNotServed
        response = JSONResponse(api(description).to_body(log_id), status)
    else:
        context = {"status": status, "description": description}
        response = render(request, "unrouted.html", context, status=status)
    if isinstance(exc, HTTPException) and exc.headers:
        response.headers.update(exc.headers)  # Allow, on a 405
    response.headers["x-tt-logid"] = log_id
    return response


exception_handlers: dict[Any, ExceptionHandler] = {404: unrouted, 405: unrouted}

"""``/v2/oauth/token/``, its refresh alias and ``/v2/oauth/revoke/``: parse, call, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.server.context import service, settings
from loginkit.server.endpoint import Family, endpoint, no_store
from loginkit.server.forms import read_form
from loginkit.server.guard import guarded_client_call
from loginkit.server.ratelimit import Limited
from loginkit.server.responses import JSONResponse

__all__ = ["routes"]

T = TypeVar("T")


async def _guarded(
    request: Request,
    limited: Limited,
    call: Callable[[Mapping[str, str]], Awaitable[T]],
) -> T:
    form = await read_form(request, settings(request).max_body_bytes)
    request.state.grant_type = form.get("grant_type")
    return await guarded_client_call(request, form, limited, call)


@endpoint(Family.OAUTH)
async def token(request: Request) -> Response:
    response = await _guarded(request, Limited.TOKEN, service(request).token)
    return no_store(JSONResponse(response.to_body()))


@endpoint(Family.OAUTH)
async def token_refresh_alias(request: Request) -> Response:
    """Not TikTok's: the OpenAPI of github.com/api-evangelist/tiktok-for-developers lists this
    path; TikTok refreshes on /v2/oauth/token/."""
    response = await _guarded(
        request,
        Limited.TOKEN,
        lambda form: service(request).token(form, default_grant="refresh_token"),
    )
    return no_store(JSONResponse(response.to_body()))


@endpoint(Family.OAUTH)
async def revoke(request: Request) -> Response:
    body = await _guarded(request, Limited.REVOKE, service(request).revoke)
    return no_store(JSONResponse(body))


def _both_slashes(path: str, handler: Callable[[Request], Awaitable[Response]]) -> list[Route]:
    return [
        Route(path, handler, methods=["POST"]),
        Route(path.rstrip("/"), handler, methods=["POST"]),
    ]


routes = [
    *_both_slashes("/v2/oauth/token/", token),
    *_both_slashes("/v2/oauth/token/refresh/", token_refresh_alias),
    *_both_slashes("/v2/oauth/revoke/", revoke),
]

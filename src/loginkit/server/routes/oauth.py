"""``/v2/oauth/token/``, its refresh alias and ``/v2/oauth/revoke/``: parse, call, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from loginkit.core.errors import InvalidClient
from loginkit.server.context import client_address, service, settings, throttle
from loginkit.server.endpoint import Family, endpoint, no_store
from loginkit.server.forms import read_form
from loginkit.server.ratelimit import rate_limits

__all__ = ["routes"]

T = TypeVar("T")


async def _authenticated_call(
    request: Request, call: Callable[[dict[str, str]], Awaitable[T]]
) -> T:
    """Run ``call`` on the form, throttling repeated client-authentication failures."""
    form = await read_form(request, settings(request).max_body_bytes)
    client_key = form.get("client_key", "")
    request.state.client_key = client_key or None
    request.state.grant_type = form.get("grant_type")
    address = client_address(request)
    await throttle(request).check(client_key, address)
    await rate_limits(request).check_oauth(request.scope["path"], client_key)
    try:
        return await call(form)
    except InvalidClient:
        await throttle(request).record_failure(client_key, address)
        raise


@endpoint(Family.OAUTH)
async def token(request: Request) -> Response:
    response = await _authenticated_call(request, service(request).token)
    return no_store(JSONResponse(response.to_body()))


@endpoint(Family.OAUTH)
async def token_refresh_alias(request: Request) -> Response:
    """Not TikTok's: the OpenAPI of github.com/api-evangelist/tiktok-for-developers lists this
    path; TikTok refreshes on /v2/oauth/token/."""
    response = await _authenticated_call(
        request, lambda form: service(request).token(form, default_grant="refresh_token")
    )
    return no_store(JSONResponse(response.to_body()))


@endpoint(Family.OAUTH)
async def revoke(request: Request) -> Response:
    body = await _authenticated_call(request, service(request).revoke)
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

"""``GET /v2/auth/authorize/``: a misconfigured request gets a page, never a redirect."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.core.errors import AuthorizePageError, InvalidRequest
from loginkit.server.context import service
from loginkit.server.endpoint import Family, endpoint
from loginkit.server.forms import parse_params
from loginkit.server.templates import render

__all__ = ["routes"]


@endpoint(Family.CONTROL)
async def authorize(request: Request) -> Response:
    try:
        params = parse_params(request.url.query)
        auth = await service(request).validate_authorize(params)
    except (AuthorizePageError, InvalidRequest) as exc:
        param = exc.param if isinstance(exc, AuthorizePageError) else "request"
        return render(
            request, "authorize_error.html", {"param": param, "detail": exc.detail}, status=400
        )
    return render(
        request, "authorize_pending.html", {"app_name": auth.app.name, "scopes": auth.scopes}
    )


routes = [
    Route("/v2/auth/authorize/", authorize, methods=["GET"]),
    Route("/v2/auth/authorize", authorize, methods=["GET"]),
]

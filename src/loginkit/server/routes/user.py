"""``GET /v2/user/info/`` (Display API)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.core.errors import InvalidParams, InvalidRequest
from loginkit.server.context import service
from loginkit.server.endpoint import Family, endpoint
from loginkit.server.forms import read_query
from loginkit.server.ratelimit import Limited, rate_limits
from loginkit.server.responses import JSONResponse

__all__ = ["routes"]


@endpoint(Family.API)
async def user_info(request: Request) -> Response:
    try:
        query = read_query(request)
    except InvalidRequest as exc:
        raise InvalidParams(exc.description, detail=exc.detail) from exc
    svc = service(request)
    owner = await svc.bearer_access_token(request.headers.get("authorization"))
    request.state.client_key = owner.token.client_key
    await rate_limits(request).check(Limited.USER_INFO, owner.token.client_key)
    user = await svc.user_info(owner, query.get("fields"))
    body = {
        "data": {"user": user},
        "error": {"code": "ok", "message": "", "log_id": request.state.log_id},
    }
    return JSONResponse(body)


routes = [
    Route("/v2/user/info/", user_info, methods=["GET"]),
    Route("/v2/user/info", user_info, methods=["GET"]),
]

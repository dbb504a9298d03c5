"""The wrapper every HTTP endpoint runs in: log_id, TikTok-shaped errors, one log line.

Errors are rendered in the shape of the endpoint's family: OAuth endpoints answer TikTok's flat
``{error, error_description, log_id}``, the Display API its ``{data, error}`` envelope, and pages
an HTML error page. No exception reaches the client as a traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from enum import Enum
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response

from loginkit.core import observations
from loginkit.core.errors import (
    ApiError,
    ApiInternalError,
    ApiUnavailable,
    AuthorizePageError,
    LoginKitError,
    OAuthError,
    ServerError,
    TemporarilyUnavailable,
)
from loginkit.core.secrets import new_log_id
from loginkit.core.store import StoreUnavailable
from loginkit.emulator.runtime import apply_fault, record_request
from loginkit.server.logging import log_request
from loginkit.server.metrics import observe_request
from loginkit.server.responses import JSONResponse
from loginkit.server.templates import render

__all__ = ["Family", "endpoint", "no_store"]

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("loginkit.server")

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class Family(Enum):
    OAUTH = "oauth"
    API = "api"
    CONTROL = "control"
    PAGE = "page"
    """The authorize pages: errors as TikTok's HTML error page; nothing is cached."""


def no_store(response: Response) -> Response:
    response.headers.update(NO_STORE)
    return response


def _as_family_error(exc: Exception, family: Family) -> LoginKitError:
    if isinstance(exc, LoginKitError):
        return exc
    if isinstance(exc, StoreUnavailable):
        return ApiUnavailable() if family is Family.API else TemporarilyUnavailable(detail=str(exc))
    return ApiInternalError() if family is Family.API else ServerError()


def _error_page(error: LoginKitError, request: Request) -> Response:
    param = error.param if isinstance(error, AuthorizePageError) else error.code
    context = {"param": param, "detail": error.detail}
    return render(request, "authorize_error.html", context, status=error.status)


def _status(error: LoginKitError, family: Family, request: Request) -> int:
    """HTTP 200 for the OAuth family's 4xx when the policy says so (TikTok in practice); every
    other family, 429 and 5xx keep their real status (our choice)."""
    quirk_200 = family is Family.OAUTH and request.app.state.settings.policy.oauth_errors_http_200
    real = error.exact_status or error.status >= 500 or error.status == 429
    return error.status if real or not quirk_200 else 200


def render_error(error: LoginKitError, log_id: str, request: Request, family: Family) -> Response:
    if family is Family.PAGE:
        return _error_page(error, request)
    if isinstance(error, ApiError):
        api_response = JSONResponse(error.to_body(log_id), status_code=error.status)
        if error.retry_after is not None:
            api_response.headers["Retry-After"] = str(error.retry_after)
        return api_response
    if isinstance(error, OAuthError):
        status = _status(error, family, request)
        response = no_store(JSONResponse(error.to_body(log_id), status_code=status))
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    return JSONResponse(OAuthError(error.description).to_body(log_id), status_code=error.status)


def endpoint(family: Family) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def run(request: Request) -> Response:
            log_id = new_log_id()
            request.state.log_id = log_id
            observations.begin()
            started = time.perf_counter()
            outcome, detail = "ok", None
            try:
                # Another process may have moved the emulator's clock.
                await request.app.state.service.sync_clock()
                await apply_fault(request, api=family is Family.API)
                response = await handler(request)
                if response.status_code >= 400:  # an error page the handler rendered itself
                    outcome = getattr(request.state, "outcome", "error")
            except Exception as exc:
                if not isinstance(exc, LoginKitError | StoreUnavailable):
                    log.exception("unhandled error", extra={"fields": {"log_id": log_id}})
                error = _as_family_error(exc, family)
                outcome, detail = error.code, error.detail
                response = render_error(error, log_id, request, family)
            if family is Family.PAGE:
                no_store(response)
            response.headers["x-tt-logid"] = log_id
            elapsed = time.perf_counter() - started
            duration_ms = round(elapsed * 1000, 2)
            record_request(
                request,
                log_id=log_id,
                status=response.status_code,
                outcome=outcome,
                duration_ms=duration_ms,
            )
            observe_request(request, outcome, elapsed)
            log_request(
                log_id=log_id,
                method=request.method,
                path=request.scope["path"],
                status=response.status_code,
                outcome=outcome,
                detail=detail,
                client_key=getattr(request.state, "client_key", None),
                duration_ms=duration_ms,
            )
            return response

        return run

    return decorate

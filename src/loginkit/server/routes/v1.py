"""TikTok's v1 OAuth endpoints and the control API for the v1 → v2 migration.

v1's authorize pages (``GET /auth/authorize/``) are served with v2's by ``routes/authorize.py``.

v1 took its parameters in the query string
(developers.tiktok.com/bulletin/migration-guidance-oauth-v1); a form body is accepted too. v1
answered HTTP 200 with its error envelope (our choice), so refusals are rendered here rather than by
``@endpoint``, which renders v2's flat errors; v1 calls are entered in the request log here too,
as the log keeps ``/v2/`` calls only.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.core import v1
from loginkit.core.errors import InvalidRequest, LoginKitError, RateLimited
from loginkit.core.models import OAuthVersion
from loginkit.emulator.app_readiness import V1_CALL
from loginkit.emulator.migration_check import DAY, migration_findings
from loginkit.emulator.runtime import admin, record_call
from loginkit.server.context import service, settings
from loginkit.server.endpoint import Family, endpoint, no_store
from loginkit.server.forms import FORM_CONTENT_TYPE, read_form, read_query
from loginkit.server.guard import guarded_client_call
from loginkit.server.ratelimit import Limited
from loginkit.server.responses import JSONResponse
from loginkit.server.routes.control import (
    _admin,
    _app_or_404,
    _json_body,
    _string_list,
    app_view,
    decide,
)

__all__ = ["V1_PATHS", "logged_as_v1", "routes", "v1_calls"]

V1_PATHS = ("/oauth/access_token/", "/oauth/refresh_token/", "/oauth/revoke/", "/auth/authorize/")
Handler = Callable[[Request], Awaitable[Response]]


async def _params(request: Request) -> dict[str, str]:
    params = read_query(request)
    if request.headers.get("content-type", "").startswith(FORM_CONTENT_TYPE):
        form = await read_form(request, settings(request).max_body_bytes)
        both = sorted(set(params) & set(form))
        if both:
            raise InvalidRequest(f"Parameter {both[0]} is duplicated.")
        params.update(form)
    request.state.client_key = params.get("client_key") or None
    return params


def _log_v1_call(request: Request, status: int, outcome: str, started: float) -> None:
    record_call(
        request,
        log_id=request.state.log_id,
        status=status,
        outcome=outcome,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        tags=(V1_CALL,),
    )


def v1_endpoint(handler: Handler) -> Handler:
    """v1's envelope for refusals (HTTP 200; 429 stays 429), and an entry in the request log."""

    @endpoint(Family.OAUTH)
    @wraps(handler)
    async def run(request: Request) -> Response:
        started = time.perf_counter()
        try:
            response = await handler(request)
        except LoginKitError as exc:
            if v1.error_code(exc) is None:
                _log_v1_call(request, exc.status, exc.code, started)
                raise
            status = 429 if isinstance(exc, RateLimited) else 200
            _log_v1_call(request, status, exc.code, started)
            refusal = no_store(JSONResponse(v1.error_body(exc), status_code=status))
            if exc.retry_after is not None:
                refusal.headers["Retry-After"] = str(exc.retry_after)
            return refusal
        _log_v1_call(request, response.status_code, "ok", started)
        return response

    return run


def logged_as_v1(page: Handler) -> Handler:
    """An entry in the request log for v1's authorize pages (``@endpoint`` logs ``/v2/`` only)."""

    @wraps(page)
    async def run(request: Request) -> Response:
        started = time.perf_counter()
        response = await page(request)
        outcome = "ok" if response.status_code < 400 else "refused"
        _log_v1_call(request, response.status_code, outcome, started)
        return response

    return run


def _success(request: Request, data: dict[str, object]) -> Response:
    return no_store(JSONResponse(v1.success_body(data, request.state.log_id)))


@v1_endpoint
async def access_token(request: Request) -> Response:
    params = await _params(request)
    response = await guarded_client_call(
        request, params, Limited.TOKEN, service(request).v1_access_token
    )
    return _success(request, v1.token_data(response))


@v1_endpoint
async def refresh_token(request: Request) -> Response:
    params = await _params(request)
    response = await guarded_client_call(
        request, params, Limited.TOKEN, service(request).v1_refresh_token
    )
    return _success(request, v1.token_data(response))


@v1_endpoint
async def revoke(request: Request) -> Response:
    # v1's revoke names no client: only the auth-failure throttle per address applies.
    params = await _params(request)
    app = await guarded_client_call(request, params, Limited.REVOKE, service(request).v1_revoke)
    request.state.client_key = app.client_key
    return _success(request, {})


# ---- control API ------------------------------------------------------------------------------


@_admin
async def v1_authorize(request: Request) -> Response:
    """``POST /emulator/v1/authorize``: as ``/emulator/authorize``, through v1's checks."""
    body = await _json_body(request)
    keys = ("client_key", "redirect_uri", "scope", "state", "response_type")
    params = {k: body[k] for k in keys if isinstance(body.get(k), str)}
    return await decide(request, body, params, OAuthVersion.V1)


@_admin
async def set_redirect_domains(request: Request) -> Response:
    """``PUT /emulator/apps/{client_key}/redirect-domains {"redirect_domains": [...]}``."""
    app = await _app_or_404(request)
    domains = _string_list(await _json_body(request), "redirect_domains")
    svc = service(request)
    problems = v1.redirect_domain_errors(
        app.redirect_domains, domains, app.platform, svc.clock.now()
    )
    if problems:
        raise InvalidRequest("Invalid redirect_domains: " + "; ".join(problems) + ".")
    app = replace(app, redirect_domains=domains)
    await svc.store.update_app(app)
    return JSONResponse((await app_view(request, app)).model_dump(mode="json"))


def v1_calls(request: Request, client_key: str, days: int) -> int:
    since = time.time() - days * DAY
    entries = admin(request).requests.newest_first(client_key=client_key, limit=10_000)
    return sum(1 for e in entries if e.at >= since and e.path.startswith(V1_PATHS))


@_admin
async def migration(request: Request) -> Response:
    """``GET /emulator/apps/{client_key}/migration?days=N`` (default 30)."""
    app = await _app_or_404(request)
    raw_days = request.query_params.get("days", "30")
    if not raw_days.isdigit() or int(raw_days) < 1:
        raise InvalidRequest("'days' must be a positive whole number.")
    days = int(raw_days)
    svc = service(request)
    findings = await migration_findings(
        svc.store,
        app,
        now=svc.clock.now(),
        days=days,
        v1_calls=v1_calls(request, app.client_key, days),
        strict=settings(request).policy.strict_redirect_uris,
    )
    return JSONResponse(
        {
            "client_key": app.client_key,
            "platform": app.platform.value,
            "days": days,
            "redirect_domains": list(app.redirect_domains),
            "findings": [asdict(f) for f in findings],
        }
    )


routes = [
    Route("/oauth/access_token/", access_token, methods=["POST"]),
    Route("/oauth/refresh_token/", refresh_token, methods=["POST"]),
    Route("/oauth/revoke/", revoke, methods=["POST"]),
    Route("/emulator/v1/authorize", v1_authorize, methods=["POST"]),
    Route("/emulator/apps/{client_key}/redirect-domains", set_redirect_domains, methods=["PUT"]),
    Route("/emulator/apps/{client_key}/migration", migration, methods=["GET"]),
]

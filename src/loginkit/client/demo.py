"""The demo app: "Continue with TikTok" → TikTok (the emulator) → profile, token expiry,
Refresh and Log out. Built only on the public client kit, so it doubles as an example.

``create_demo_app`` returns a Starlette app meant to be mounted (``make run`` mounts it at
``/demo`` beside the emulator); every URL it makes comes from ``url_for``, so any mount works.
"""

from __future__ import annotations

import secrets

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from loginkit.client.async_ import AsyncTikTokClient
from loginkit.client.errors import TikTokClientError
from loginkit.client.session import AsyncSessions
from loginkit.client.starlette import TikTokAuth
from loginkit.client.storage.memory import AsyncMemoryTokenStore
from loginkit.client.web import CompletedLogin

__all__ = ["DEMO_SCOPES", "create_demo_app"]

DEMO_SCOPES = ("user.info.basic", "user.info.profile", "user.info.stats")
_FIELDS_BY_SCOPE = {
    "user.info.basic": ("open_id", "display_name", "avatar_url"),
    "user.info.profile": ("username",),
    "user.info.stats": ("follower_count", "likes_count"),
}
_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("loginkit.client", "templates"), autoescape=True
)


def create_demo_app(
    *, base_url: str, client_key: str, client_secret: str, redirect_uri: str
) -> Starlette:
    client = AsyncTikTokClient(
        client_key, client_secret, base_url=base_url, redirect_uri=redirect_uri
    )
    sessions = AsyncSessions(client, AsyncMemoryTokenStore())

    async def logged_in(request: Request, login: CompletedLogin) -> Response:
        await sessions.start(login.tokens.open_id, login.tokens)
        request.session["open_id"] = login.tokens.open_id
        return RedirectResponse(request.url_for("demo_index"), status_code=303)

    async def failed(request: Request, exc: TikTokClientError) -> Response:
        return await page(request, error=f"Login failed: {exc}", status_code=400)

    auth = TikTokAuth(
        client, secret=secrets.token_bytes(32), scopes=DEMO_SCOPES, store=None,
        redirect_uri=redirect_uri, on_login=logged_in, on_error=failed, name_prefix="demo",
    )

    async def page(request: Request, error: str | None = None, status_code: int = 200) -> Response:
        context: dict[str, object] = {
            "error": error,
            "notice": request.session.pop("notice", None),
            "login_url": request.url_for("demo_login"),
            "refresh_url": request.url_for("demo_refresh"),
            "logout_url": request.url_for("demo_logout"),
        }
        open_id = request.session.get("open_id")
        if open_id and error is None:
            session = sessions.for_user(open_id)
            try:
                tokens = await session.tokens()
                fields = [f for s in tokens.scopes for f in _FIELDS_BY_SCOPE.get(s, ())]
                context |= {"profile": await session.user_info(fields),
                            "tokens": await session.tokens()}
            except TikTokClientError as exc:
                request.session.clear()
                context["error"] = f"Please log in again ({exc})."
        html = _templates.get_template("demo.html").render(context)
        return HTMLResponse(html, status_code=status_code)

    async def index(request: Request) -> Response:
        return await page(request)

    async def refresh(request: Request) -> Response:
        open_id = request.session.get("open_id")
        if open_id:
            try:
                tokens = await sessions.for_user(open_id).refresh()
            except TikTokClientError as exc:
                return await page(request, error=f"Refresh failed: {exc}", status_code=502)
            expiry = tokens.access_expires_at.strftime("%H:%M:%S UTC")
            request.session["notice"] = f"Refreshed: a new access token, valid until {expiry}."
        return RedirectResponse(request.url_for("demo_index"), status_code=303)

    async def logout(request: Request) -> Response:
        open_id = request.session.pop("open_id", None)
        if open_id:
            try:
                await sessions.for_user(open_id).logout()
            except TikTokClientError as exc:
                return await page(request, error=f"Log out failed: {exc}", status_code=502)
            request.session["notice"] = "Logged out: the app revoked its TikTok tokens."
        return RedirectResponse(request.url_for("demo_index"), status_code=303)

    return Starlette(
        routes=[
            Route("/", index, name="demo_index"),
            *auth.routes,
            Route("/refresh", refresh, methods=["POST"], name="demo_refresh"),
            Route("/logout", logout, methods=["POST"], name="demo_logout"),
        ],
        middleware=[
            Middleware(
                SessionMiddleware, secret_key=secrets.token_urlsafe(32),
                session_cookie="loginkit_demo", same_site="lax",
            )
        ],
    )

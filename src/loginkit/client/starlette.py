"""Log in with TikTok for Starlette and FastAPI: ``/login`` and ``/callback`` routes.

Mount them where the registered redirect URI points::

    auth = TikTokAuth(client, secret=SECRET, scopes=["user.info.basic"], store=store)
    app = Starlette(routes=[Mount("/auth/tiktok", routes=auth.routes)])   # Starlette
    app.mount("/auth/tiktok", auth.router())                             # FastAPI

``GET /auth/tiktok/login?next=/page`` redirects to TikTok with a state cookie;
``GET /auth/tiktok/callback`` verifies it, exchanges the code, stores the tokens under the
``open_id`` and calls ``on_login``. The default puts the ``open_id`` in the app's session
(``request.session["tiktok_open_id"]``; add Starlette's ``SessionMiddleware``) and redirects to
``next`` or ``/``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route, Router

from loginkit.client.async_ import AsyncTikTokClient
from loginkit.client.errors import TikTokClientError
from loginkit.client.pkce import ChallengeEncoding
from loginkit.client.storage.base import AsyncTokenStore
from loginkit.client.web import SESSION_KEY, CompletedLogin, LoginFlow, error_page

__all__ = ["TikTokAuth"]

OnLogin = Callable[[Request, CompletedLogin], Awaitable[Response]]
OnError = Callable[[Request, TikTokClientError], Awaitable[Response]]


async def log_in_and_redirect(request: Request, login: CompletedLogin) -> Response:
    """The default ``on_login``: the user is logged in to the app's session, then sent on."""
    if "session" not in request.scope:
        raise RuntimeError(
            "TikTokAuth's default on_login keeps the user in the app's session: add "
            "starlette.middleware.sessions.SessionMiddleware, or pass on_login"
        )
    request.session[SESSION_KEY] = login.tokens.open_id
    return RedirectResponse(login.next_url or "/", status_code=303)


async def render_error(request: Request, exc: TikTokClientError) -> Response:
    status, page = error_page(exc)
    return HTMLResponse(page, status_code=status)


class TikTokAuth:
    def __init__(
        self,
        client: AsyncTikTokClient,
        *,
        secret: str | bytes,
        scopes: Iterable[str] = ("user.info.basic",),
        store: AsyncTokenStore | None = None,
        redirect_uri: str | None = None,
        on_login: OnLogin = log_in_and_redirect,
        on_error: OnError = render_error,
        pkce_encoding: ChallengeEncoding | None = "base64url",
        state_max_age: int = 600,
        name_prefix: str = "tiktok",
    ) -> None:
        """``redirect_uri`` must equal the one registered with TikTok; by default it is
        derived from the request (``url_for``), which suits a correctly proxied app."""
        self.client = client
        self.flow = LoginFlow(
            client, secret, scopes, pkce_encoding=pkce_encoding, state_max_age=state_max_age
        )
        self.store = store
        self.redirect_uri = redirect_uri
        self.on_login = on_login
        self.on_error = on_error
        self.callback_name = f"{name_prefix}_callback"
        self.routes = [
            Route("/login", self.login, name=f"{name_prefix}_login"),
            Route("/callback", self.callback, name=self.callback_name),
        ]

    def router(self) -> Router:
        return Router(routes=self.routes)

    def _redirect_uri(self, request: Request) -> str:
        return self.redirect_uri or str(request.url_for(self.callback_name))

    def _cookie_path(self, request: Request) -> str:
        return request.url_for(self.callback_name).path

    async def login(self, request: Request) -> Response:
        url, sealed = self.flow.begin(
            self._redirect_uri(request), next_url=request.query_params.get("next")
        )
        response = RedirectResponse(url, status_code=302)
        response.set_cookie(
            self.flow.cookie_name,
            sealed,
            max_age=self.flow.state_max_age,
            path=self._cookie_path(request),
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="lax",  # sent on TikTok's top-level redirect back, not on cross-site posts
        )
        return response

    async def callback(self, request: Request) -> Response:
        try:
            pending, code = self.flow.finish(
                request.query_params, request.cookies.get(self.flow.cookie_name)
            )
            tokens = await self.client.exchange_code(
                code, redirect_uri=pending.redirect_uri, code_verifier=pending.code_verifier
            )
            if self.store is not None:
                await self.store.save(tokens.open_id, tokens)
            response = await self.on_login(request, CompletedLogin(tokens, pending.next_url))
        except TikTokClientError as exc:
            response = await self.on_error(request, exc)
        response.delete_cookie(self.flow.cookie_name, path=self._cookie_path(request))
        return response

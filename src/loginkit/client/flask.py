"""Log in with TikTok for Flask: a blueprint with the same behaviour as the Starlette routes.

::

    app.register_blueprint(
        create_blueprint(client, secret=SECRET, scopes=["user.info.basic"], store=store),
        url_prefix="/auth/tiktok",
    )

``GET /auth/tiktok/login?next=/page`` redirects to TikTok with a state cookie;
``GET /auth/tiktok/callback`` verifies it, exchanges the code, stores the tokens under the
``open_id`` and calls ``on_login``. The default puts the ``open_id`` in Flask's session
(``session["tiktok_open_id"]``; set ``app.secret_key``) and redirects to ``next`` or ``/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, make_response, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from loginkit.client.errors import TikTokClientError
from loginkit.client.pkce import ChallengeEncoding
from loginkit.client.storage.base import TokenStore
from loginkit.client.sync import TikTokClient
from loginkit.client.web import SESSION_KEY, CompletedLogin, LoginFlow, error_page

__all__ = ["create_blueprint"]

OnLogin = Callable[[CompletedLogin], ResponseReturnValue]
OnError = Callable[[TikTokClientError], ResponseReturnValue]


def log_in_and_redirect(login: CompletedLogin) -> ResponseReturnValue:
    """The default ``on_login``: the user is logged in to Flask's session, then sent on."""
    session[SESSION_KEY] = login.tokens.open_id
    return redirect(login.next_url or "/", code=303)


def render_error(exc: TikTokClientError) -> ResponseReturnValue:
    status, page = error_page(exc)
    return page, status, {"Content-Type": "text/html; charset=utf-8"}


def create_blueprint(
    client: TikTokClient,
    *,
    secret: str | bytes,
    scopes: Iterable[str] = ("user.info.basic",),
    store: TokenStore | None = None,
    redirect_uri: str | None = None,
    on_login: OnLogin = log_in_and_redirect,
    on_error: OnError = render_error,
    pkce_encoding: ChallengeEncoding | None = "base64url",
    state_max_age: int = 600,
    name: str = "tiktok_auth",
) -> Blueprint:
    """``redirect_uri`` must equal the one registered with TikTok; by default it is
    ``url_for(f"{name}.callback", _external=True)``."""
    flow = LoginFlow(
        client, secret, scopes, pkce_encoding=pkce_encoding, state_max_age=state_max_age
    )
    blueprint = Blueprint(name, __name__)

    def callback_uri() -> str:
        return redirect_uri or url_for(f"{name}.callback", _external=True)

    def cookie_path() -> str:
        return url_for(f"{name}.callback")

    @blueprint.get("/login")
    def login() -> Response:
        url, sealed = flow.begin(callback_uri(), next_url=request.args.get("next"))
        response = redirect(url, code=302)
        response.set_cookie(
            flow.cookie_name,
            sealed,
            max_age=flow.state_max_age,
            path=cookie_path(),
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",  # sent on TikTok's top-level redirect back, not on cross-site posts
        )
        return response

    @blueprint.get("/callback")
    def callback() -> Response:
        try:
            pending, code = flow.finish(request.args, request.cookies.get(flow.cookie_name))
            tokens = client.exchange_code(
                code, redirect_uri=pending.redirect_uri, code_verifier=pending.code_verifier
            )
            if store is not None:
                store.save(tokens.open_id, tokens)
            response = make_response(on_login(CompletedLogin(tokens, pending.next_url)))
        except TikTokClientError as exc:
            response = make_response(on_error(exc))
        response.delete_cookie(flow.cookie_name, path=cookie_path())
        return response

    return blueprint

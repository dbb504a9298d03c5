"""The Starlette routes, the Flask blueprint and the demo app against a real emulator process.

The app under test runs in-process (ASGI/WSGI transport); TikTok is the emulator over loopback.
The user's approval goes through the emulator's control API with the exact authorize
parameters the app's redirect carried.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import flask
import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from loginkit.client import AsyncTikTokClient, TikTokClient
from loginkit.client.demo import create_demo_app
from loginkit.client.flask import create_blueprint
from loginkit.client.starlette import TikTokAuth
from loginkit.client.storage import AsyncMemoryTokenStore, MemoryTokenStore
from loginkit.client.web import CompletedLogin
from tests.support.emulator import EmulatorProcess

SITE = "https://app.example.com"
CALLBACK = f"{SITE}/auth/tiktok/callback"
SECRET = "test-state-secret-0123456789"


def approve(
    emulator: EmulatorProcess, user: dict[str, Any], location: str, *, deny: bool = False
) -> str:
    """The user decides on TikTok's page; returns where TikTok sends the browser back."""
    assert location.startswith(f"{emulator.base_url}/v2/auth/authorize/?")
    assert httpx2.get(location).status_code == 200  # the consent page accepts the request
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    decision = {"deny": True} if deny else {"approve": params["scope"].split(",")}
    body = {**params, **decision, "user_id": user["user_id"]}
    redirect_to: str = emulator.control("POST", "/emulator/authorize", body)["redirect_to"]
    return redirect_to


async def on_login(request: Request, login: CompletedLogin) -> Response:
    return JSONResponse({"open_id": login.tokens.open_id, "next": login.next_url})


@pytest.fixture
def web_app(emulator: EmulatorProcess) -> dict[str, Any]:
    return emulator.create_app(redirect_uris=[CALLBACK])


async def test_starlette_login_callback_stores_and_hands_over(
    emulator: EmulatorProcess, web_app: dict[str, Any]
) -> None:
    store = AsyncMemoryTokenStore()
    client = AsyncTikTokClient(
        web_app["client_key"], web_app["client_secret"], base_url=emulator.base_url
    )
    auth = TikTokAuth(client, secret=SECRET, scopes=["user.info.basic"], store=store,
                      on_login=on_login)
    app = Starlette(routes=[Mount("/auth/tiktok", routes=auth.routes)])
    user = emulator.create_user()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app), base_url=SITE) as browser:
        login = await browser.get("/auth/tiktok/login", params={"next": "/welcome"})
        assert login.status_code == 302
        assert "loginkit_state" in login.headers["set-cookie"]
        assert "HttpOnly" in login.headers["set-cookie"]
        assert parse_qs(urlsplit(login.headers["location"]).query)["redirect_uri"] == [CALLBACK]

        back = await browser.get(approve(emulator, user, login.headers["location"]))
        assert back.status_code == 200, back.text
        open_id = back.json()["open_id"]
        assert back.json()["next"] == "/welcome"
        stored = await store.load(open_id)
        assert stored is not None and stored.scopes == ("user.info.basic",)

        replay = await browser.get(approve(emulator, user, login.headers["location"]))
        assert replay.status_code == 400  # the state cookie was consumed
    await client.aclose()


async def test_starlette_callback_errors_are_pages_not_crashes(
    emulator: EmulatorProcess, web_app: dict[str, Any]
) -> None:
    client = AsyncTikTokClient(
        web_app["client_key"], web_app["client_secret"], base_url=emulator.base_url
    )
    auth = TikTokAuth(client, secret=SECRET, on_login=on_login)
    app = Starlette(routes=[Mount("/auth/tiktok", routes=auth.routes)])
    user = emulator.create_user()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app), base_url=SITE) as browser:
        login = await browser.get("/auth/tiktok/login")
        denied = await browser.get(approve(emulator, user, login.headers["location"], deny=True))
        assert denied.status_code == 403
        assert "cancelled" in denied.text

        login = await browser.get("/auth/tiktok/login")
        forged = approve(emulator, user, login.headers["location"]).replace("state=", "state=x")
        assert (await browser.get(forged)).status_code == 400

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app), base_url=SITE) as other:
        # A callback arriving in another browser (no state cookie): login CSRF, refused.
        login = await other.get("/auth/tiktok/login")
        other.cookies.clear()
        stolen = await other.get(approve(emulator, user, login.headers["location"]))
        assert stolen.status_code == 400
        assert "not started here" in stolen.text
    await client.aclose()


def test_flask_blueprint_behaves_the_same(
    emulator: EmulatorProcess, web_app: dict[str, Any]
) -> None:
    store = MemoryTokenStore()
    client = TikTokClient(
        web_app["client_key"], web_app["client_secret"], base_url=emulator.base_url
    )
    app = flask.Flask(__name__)
    app.config["SERVER_NAME"] = "app.example.com"
    app.config["PREFERRED_URL_SCHEME"] = "https"
    app.register_blueprint(
        create_blueprint(client, secret=SECRET, store=store,
                         on_login=lambda login: {"open_id": login.tokens.open_id,
                                                 "next": login.next_url}),
        url_prefix="/auth/tiktok",
    )
    user = emulator.create_user()
    with app.test_client() as browser:
        login = browser.get("/auth/tiktok/login?next=/home", base_url=SITE)
        assert login.status_code == 302
        location = login.headers["Location"]
        assert parse_qs(urlsplit(location).query)["redirect_uri"] == [CALLBACK]

        back = browser.get(approve(emulator, user, location), base_url=SITE)
        assert back.status_code == 200, back.text
        body = back.get_json()
        assert body["next"] == "/home"
        assert store.load(body["open_id"]) is not None

        login = browser.get("/auth/tiktok/login", base_url=SITE)
        denied = browser.get(approve(emulator, user, login.headers["Location"], deny=True),
                             base_url=SITE)
        assert denied.status_code == 403
    client.close()


async def test_demo_app_mounted_under_a_prefix(emulator: EmulatorProcess) -> None:
    demo_site = "https://demo.example.com"
    registered = emulator.create_app(
        redirect_uris=[f"{demo_site}/demo/callback"],
        scopes=["user.info.basic", "user.info.profile", "user.info.stats"],
    )
    user = emulator.create_user(display_name="Dora Demo", username="dora", follower_count=7)
    demo = create_demo_app(
        base_url=emulator.base_url, client_key=registered["client_key"],
        client_secret=registered["client_secret"], redirect_uri=f"{demo_site}/demo/callback",
    )
    app = Starlette(routes=[Mount("/demo", app=demo)])
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app), base_url=demo_site, follow_redirects=False
    ) as browser:
        home = await browser.get("/demo/")
        assert "Continue with TikTok" in home.text
        assert 'href="https://demo.example.com/demo/login"' in home.text

        login = await browser.get("/demo/login")
        back = await browser.get(approve(emulator, user, login.headers["location"]))
        assert back.status_code == 303
        assert back.headers["location"] == f"{demo_site}/demo/"

        profile = await browser.get("/demo/")
        assert "Dora Demo" in profile.text and "@dora" in profile.text
        assert 'id="access-expiry"' in profile.text
        before = profile.text.split('id="access-expiry">')[1].split("<")[0]

        assert (await browser.post("/demo/refresh")).status_code == 303
        after_refresh = await browser.get("/demo/")
        assert "Dora Demo" in after_refresh.text
        assert after_refresh.text.split('id="access-expiry">')[1].split("<")[0] >= before

        assert (await browser.post("/demo/logout")).status_code == 303
        assert "Continue with TikTok" in (await browser.get("/demo/")).text

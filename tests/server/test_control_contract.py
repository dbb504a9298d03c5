"""The control API as a typed contract: every portal field, one validator, refusals that name the
field, a bounded clock, and an /openapi.json that describes all of it."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from openapi_spec_validator import validate
from starlette.routing import Route

from loginkit.config import Settings
from loginkit.core.clock import MAX_CLOCK_OFFSET_SECONDS
from loginkit.server.app import create_app
from tests.pages.portal_client import Portal, save_app_settings
from tests.server.helpers import post_form
from tests.support.emulator import EmulatorProcess

WEBHOOK = "https://app.example.com/tiktok/webhook"


def _app_body(**fields: Any) -> dict[str, Any]:
    return {"name": "Typed", "redirect_uris": ["https://app.example.com/cb/"]} | fields


def test_an_app_takes_every_field_the_portal_sets(emulator: EmulatorProcess) -> None:
    user = emulator.create_user()
    created = emulator.control(
        "POST",
        "/emulator/apps",
        _app_body(webhook_url=WEBHOOK, sandbox=True, sandbox_targets=[user["user_id"]]),
    )
    assert created["webhook_url"] == WEBHOOK
    assert created["sandbox"] is True and created["sandbox_targets"] == [user["user_id"]]
    assert created["scopes"] == ["user.info.basic"]  # the one default, as in the portal
    shown = emulator.control("GET", f"/emulator/apps/{created['client_key']}")
    assert {k: shown[k] for k in ("webhook_url", "sandbox", "sandbox_targets")} == {
        "webhook_url": WEBHOOK,
        "sandbox": True,
        "sandbox_targets": [user["user_id"]],
    }
    portal = Portal(emulator)
    page = portal.http.get(f"/portal/apps/{created['client_key']}").text
    portal.close()
    assert WEBHOOK in page
    assert f'name="target:{user["user_id"]}" checked' in page


def test_patch_changes_only_the_fields_given(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(webhook_url=WEBHOOK)
    user = emulator.create_user()
    path = f"/emulator/apps/{app['client_key']}"
    patched = emulator.control(
        "PATCH", path, {"sandbox": True, "sandbox_targets": [user["user_id"]]}
    )
    assert patched["sandbox"] is True and patched["sandbox_targets"] == [user["user_id"]]
    assert patched["webhook_url"] == WEBHOOK and patched["name"] == app["name"]
    cleared = emulator.control("PATCH", path, {"webhook_url": None, "name": "Renamed"})
    assert cleared["webhook_url"] is None and cleared["name"] == "Renamed"
    assert cleared["sandbox"] is True
    missing = emulator.http.patch("/emulator/apps/awnosuchapp00000", json={"name": "x"})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"sandbox_targets": ["no-such-user"]}, "sandbox_targets: no user has id no-such-user"),
        ({"sandbox_targets": [str(i) for i in range(11)]}, "at most 10 target users"),
        ({"webhook_url": "ftp://app.example.com/hook"}, "webhook_url: must be an absolute"),
        ({"scopes": []}, "scopes: enable at least one"),
        ({"redirect_uris": ["http://app.example.com/cb/"]}, "redirect_uris: http://app"),
        ({"redirect_urls": ["https://app.example.com/cb/"]}, "redirect_urls: unknown field"),
        ({"sandbox": "yes"}, "sandbox: Input should be a valid boolean"),
    ],
)
def test_create_and_patch_refuse_the_same_things(
    emulator: EmulatorProcess, body: dict[str, Any], named: str
) -> None:
    app = emulator.create_app()
    for response in (
        emulator.http.post("/emulator/apps", json=_app_body(**body)),
        emulator.http.patch(f"/emulator/apps/{app['client_key']}", json=body),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_request"
        assert named in response.json()["error_description"]


def test_the_portal_and_the_control_api_apply_the_same_rules(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    portal = Portal(emulator)
    refused = save_app_settings(portal, app, webhook_url="ftp://app.example.com/hook")
    portal.close()
    assert "Webhook URL: must be an absolute http(s) URL." in refused.text
    api = emulator.http.patch(
        f"/emulator/apps/{app['client_key']}", json={"webhook_url": "ftp://app.example.com/hook"}
    )
    assert "webhook_url: must be an absolute http(s) URL." in api.json()["error_description"]


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("/emulator/users", {"username": "typo.user", "folower_count": 3}, "folower_count"),
        ("/emulator/users", {"username": "big.user", "follower_count": 2**60}, "follower_count"),
        ("/emulator/users", {"username": "str.user", "video_count": "3"}, "video_count"),
        ("/emulator/clock", {"advance_seconds": 1e20}, "advance_seconds"),
        ("/emulator/clock", {"advance_seconds": 10, "extra": 1}, "extra: unknown field"),
        ("/emulator/faults", {"endpoint": "/v2/oauth/token/", "statuss": 503}, "statuss"),
        ("/emulator/faults", {"endpoint": "/v2/oauth/token/", "count": 0}, "count"),
        ("/emulator/authorize", {"client_key": "x", "user": "u"}, "user: unknown field"),
    ],
)
def test_unknown_and_out_of_range_fields_are_named(
    emulator: EmulatorProcess, path: str, body: dict[str, Any], named: str
) -> None:
    response = emulator.http.post(path, json=body)
    assert response.status_code == 400, response.text
    assert named in response.json()["error_description"]


def test_unknown_query_parameters_are_named(emulator: EmulatorProcess) -> None:
    response = emulator.http.get("/emulator/requests", params={"outcom": "ok"})
    assert response.status_code == 400
    assert "outcom: unknown field" in response.json()["error_description"]


def test_the_clock_stays_within_a_century(fresh_emulator: EmulatorProcess) -> None:
    emulator = fresh_emulator
    moved = emulator.control(
        "POST", "/emulator/clock", {"advance_seconds": MAX_CLOCK_OFFSET_SECONDS}
    )
    assert moved["offset_seconds"] == MAX_CLOCK_OFFSET_SECONDS
    further = emulator.http.post("/emulator/clock", json={"advance_seconds": 1})
    assert further.status_code == 400
    assert "100 years" in further.json()["error_description"]
    # Nothing broke: tokens are still issued, the portal still renders.
    app = emulator.create_app()
    credentials = {"client_key": app["client_key"], "client_secret": app["client_secret"]}
    token = post_form(
        emulator, "/v2/oauth/token/", credentials | {"grant_type": "client_credentials"}
    )
    assert token.status_code == 200, token.text
    portal = Portal(emulator)
    assert portal.http.get(f"/portal/apps/{app['client_key']}").status_code == 200
    portal.close()
    for _ in range(2):
        back = emulator.control(
            "POST", "/emulator/clock", {"advance_seconds": -MAX_CLOCK_OFFSET_SECONDS}
        )
    assert back["offset_seconds"] == -MAX_CLOCK_OFFSET_SECONDS


CONTROL_OPERATIONS = {
    ("/emulator/apps", "post"),
    ("/emulator/apps", "get"),
    ("/emulator/apps/{client_key}", "get"),
    ("/emulator/apps/{client_key}", "patch"),
    ("/emulator/apps/{client_key}", "delete"),
    ("/emulator/apps/{client_key}/secret", "post"),
    ("/emulator/apps/{client_key}/redirect-domains", "put"),
    ("/emulator/apps/{client_key}/migration", "get"),
    ("/emulator/users", "post"),
    ("/emulator/users", "get"),
    ("/emulator/authorize", "post"),
    ("/emulator/v1/authorize", "post"),
    ("/emulator/clock", "get"),
    ("/emulator/clock", "post"),
    ("/emulator/reset", "post"),
    ("/emulator/faults", "post"),
    ("/emulator/faults", "get"),
    ("/emulator/faults", "delete"),
    ("/emulator/requests", "get"),
    ("/emulator/export", "get"),
    ("/emulator/webhooks/deliveries", "get"),
    ("/emulator/requests/{log_id}", "get"),
    ("/emulator/apps/{client_key}/readiness", "get"),
    ("/emulator/users/{user}/sign-out", "post"),
}


def _served_control_routes() -> set[tuple[str, str]]:
    """Every (path, method) the emulator routes under /emulator/, from the app itself."""
    settings = Settings(database_url="sqlite:///unused.db", admin_token="x" * 32, seed_demo=False)
    app = create_app(settings)
    return {
        (route.path, method.lower())
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith("/emulator/")
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_every_control_route_is_in_the_contract() -> None:
    assert _served_control_routes() == CONTROL_OPERATIONS


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_openapi_describes_every_control_operation_with_types(emulator: EmulatorProcess) -> None:
    document = httpx2.get(f"{emulator.base_url}/openapi.json").json()
    validate(document)
    described = {
        (path, method)
        for path, item in document["paths"].items()
        if path.startswith("/emulator/")
        for method in item
        if method != "parameters"
    }
    assert described == CONTROL_OPERATIONS
    for path, method in CONTROL_OPERATIONS:
        op = document["paths"][path][method]
        assert op["security"] == [{"adminToken": []}]
        if "requestBody" in op:
            body = _resolve(document, op["requestBody"]["content"]["application/json"]["schema"])
            assert body["additionalProperties"] is False and body["properties"], (path, method)
            assert body.get("examples"), (path, method)
        ok = next(r for s, r in op["responses"].items() if s.startswith("2"))
        if "content" in ok:
            schema = ok["content"]["application/json"]["schema"]
            items = _resolve(document, schema.get("items", schema))
            assert "properties" in items, (path, method)
    clock = _resolve(
        document,
        document["paths"]["/emulator/clock"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ],
    )
    assert clock["properties"]["advance_seconds"]["maximum"] == MAX_CLOCK_OFFSET_SECONDS
    app = _resolve(document, {"$ref": "#/components/schemas/AppCreate"})
    assert {"webhook_url", "sandbox", "sandbox_targets"} <= set(app["properties"])

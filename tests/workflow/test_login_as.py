from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

from loginkit.specs import specs_dir
from loginkit.workflow.document import load_document
from loginkit.workflow.errors import ControlApiError
from loginkit.workflow.login_as import (
    fields_inputs,
    obtain_code,
    scopes_for_fields,
    verifier_input,
)
from tests.workflow.published import published_workflow

SEED = specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml"


def test_the_seed_default_fields_need_three_scopes() -> None:
    flow = load_document(SEED).workflow(None)
    assert fields_inputs(flow) == ["userFields"]
    default = flow.inputs["properties"]["userFields"]["default"]
    assert scopes_for_fields([default]) == (
        "user.info.basic",
        "user.info.profile",
        "user.info.stats",
    )
    assert scopes_for_fields(["open_id,display_name"]) == ("user.info.basic",)
    assert scopes_for_fields([]) == ("user.info.basic",)


def test_obtain_code_finds_the_user_and_decodes_the_code() -> None:
    seen: list[tuple[str, object]] = []

    def control(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["authorization"] == "Bearer admin"
        body = json.loads(request.content) if request.content else None
        seen.append((f"{request.method} {request.url.path}", body))
        if request.url.path == "/emulator/users":
            return httpx2.Response(200, json=[{"username": "ada", "user_id": "u1"}])
        return httpx2.Response(
            200,
            json={
                "redirect_to": "https://a.test/cb/?code=x%2A1%210001.e1&scopes=user.info.basic&state=s"
            },
        )

    with httpx2.Client(transport=httpx2.MockTransport(control)) as client:
        code = obtain_code(
            client,
            "http://emu/",
            "admin",
            username="ada",
            client_key="awk",
            redirect_uri="https://a.test/cb/",
            requested=("user.info.basic", "user.info.stats"),
            granted=("user.info.basic",),
        )
    assert code == "x*1!0001.e1"
    assert seen[1] == (
        "POST /emulator/authorize",
        {
            "user_id": "u1",
            "approve": ["user.info.basic"],
            "client_key": "awk",
            "redirect_uri": "https://a.test/cb/",
            "scope": "user.info.basic,user.info.stats",
            "state": "loginkit-workflow",
            "response_type": "code",
        },
    )


def test_unknown_users_and_refusals_are_explained() -> None:
    def control(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/emulator/users":
            return httpx2.Response(200, json=[{"username": "bob", "user_id": "u2"}])
        return httpx2.Response(400, json={"error": "invalid_request"})

    with httpx2.Client(transport=httpx2.MockTransport(control)) as client:

        def login(username: str) -> str:
            return obtain_code(
                client,
                "http://emu",
                "t",
                username=username,
                client_key="k",
                redirect_uri="r",
                requested=(),
                granted=(),
            )

        with pytest.raises(ControlApiError, match=r"no user 'ada' \(users: bob\)"):
            login("ada")
        with pytest.raises(
            ControlApiError, match="refused POST http://emu/emulator/authorize: HTTP 400"
        ):
            login("bob")


def test_the_input_sent_as_code_verifier_is_found(tmp_path: Path) -> None:
    assert verifier_input(load_document(SEED).workflow(None)) == "codeVerifier"
    assert verifier_input(load_document(published_workflow(tmp_path)).workflow(None)) is None


def pkce_control(seen: list[dict[str, object]], refusal_status: int) -> httpx2.MockTransport:
    """A control API that refuses a web app's authorize request without PKCE, as TikTok."""

    def control(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/emulator/users":
            return httpx2.Response(200, json=[{"username": "ada", "user_id": "u1"}])
        body = json.loads(request.content)
        seen.append(body)
        if "code_challenge" not in body:
            refusal = {
                "error": "invalid_request",
                "error_description": "code_challenge: PKCE is required for web apps.",
                "log_id": "L",
            }
            return httpx2.Response(refusal_status, json=refusal)
        return httpx2.Response(200, json={"redirect_to": "https://a.test/cb/?code=c1&state=s"})

    return httpx2.MockTransport(control)


@pytest.mark.parametrize("refusal_status", [400, 200])
def test_a_pkce_refusal_names_pkce_and_the_switch(refusal_status: int) -> None:
    seen: list[dict[str, object]] = []
    with httpx2.Client(transport=pkce_control(seen, refusal_status)) as client:

        def login(code_challenge: str | None) -> str:
            return obtain_code(
                client, "http://emu", "t", username="ada", client_key="k",
                redirect_uri="https://a.test/cb/", requested=("user.info.basic",),
                granted=("user.info.basic",), code_challenge=code_challenge,
            )  # fmt: skip

        with pytest.raises(ControlApiError) as caught:
            login(None)
        assert login("c" * 64) == "c1"
    message = str(caught.value)
    assert "\n" not in message
    assert f"refused POST http://emu/emulator/authorize: HTTP {refusal_status}" in message
    assert "requires PKCE for web apps, as TikTok does" in message
    assert message.endswith("start the emulator with --no-require-pkce-for-web")
    assert seen[1]["code_challenge"] == "c" * 64
    assert seen[1]["code_challenge_method"] == "S256"

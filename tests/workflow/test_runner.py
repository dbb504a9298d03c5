from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx2
import pytest

from loginkit.specs import specs_dir
from loginkit.workflow.document import load_document
from loginkit.workflow.errors import DocumentError, InputError, StepFailed
from loginkit.workflow.runner import WorkflowRunner
from tests.workflow.fakes import TOKEN_RESPONSE, write_workflow

SEED = specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml"
INPUTS = {
    "clientKey": "awkey",
    "clientSecret": "sec",
    "code": "abc*0!1234.e1",
    "redirectUri": "https://a.test/cb/",
}


class FakeTikTok:
    """Answers the two seed operations the way TikTok documents them; records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if request.url.path == "/v2/oauth/token/":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            if form["code"] == "used":
                return httpx2.Response(
                    400,
                    json={
                        "error": "invalid_grant",
                        "error_description": "Authorization code is expired or invalid.",
                        "log_id": "L",
                    },
                )
            return httpx2.Response(200, json=TOKEN_RESPONSE)
        if request.url.path == "/v2/user/info/":
            fields = request.url.params["fields"].split(",")
            if "follower_count" in fields and request.headers["authorization"] != "Bearer act.T":
                return httpx2.Response(
                    401,
                    json={
                        "data": {},
                        "error": {"code": "access_token_invalid", "message": "m", "log_id": "L"},
                    },
                )
            user = {
                "display_name": "Ada",
                "avatar_url": "https://cdn.test/a.jpg",
                "follower_count": 7,
            }
            return httpx2.Response(
                200,
                json={
                    "data": {"user": {f: user.get(f, f) for f in fields}},
                    "error": {"code": "ok", "message": "", "log_id": "L"},
                },
            )
        return httpx2.Response(404, text="not found")


def _run(
    path: Path,
    inputs: dict[str, Any],
    *,
    server: str | None = None,
    fake: Any = None,
    workflow: str | None = None,
) -> tuple[dict[str, Any], FakeTikTok]:
    fake = fake or FakeTikTok()
    with httpx2.Client(transport=httpx2.MockTransport(fake)) as client:
        outputs = WorkflowRunner(
            load_document(path), client=client, server=server, sleep=lambda s: None
        ).run(workflow, inputs)
    return outputs, fake


def test_the_seed_workflow_runs_against_the_documented_servers() -> None:
    outputs, fake = _run(SEED, INPUTS)
    assert outputs == {
        "accessToken": "act.T",
        "refreshToken": "rft.R",
        "openId": "o-1",
        "displayName": "Ada",
    }
    token, info = fake.requests
    assert str(token.url) == "https://open.tiktokapis.com/v2/oauth/token/"
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token.content.decode()) == {
        "client_key": ["awkey"],
        "client_secret": ["sec"],
        "code": ["abc*0!1234.e1"],
        "grant_type": ["authorization_code"],
        "redirect_uri": ["https://a.test/cb/"],
    }
    assert info.method == "GET"
    assert info.url.host == "open.tiktokapis.com"
    assert info.headers["authorization"] == "Bearer act.T"
    # The input schema's default supplied the fields.
    assert (
        info.url.params["fields"]
        == "open_id,union_id,avatar_url,display_name,is_verified,follower_count,video_count"
    )


def test_server_points_every_source_at_one_base_url() -> None:
    _, fake = _run(SEED, INPUTS | {"userFields": "display_name"}, server="http://127.0.0.1:9/")
    assert [str(r.url) for r in fake.requests] == [
        "http://127.0.0.1:9/v2/oauth/token/",
        "http://127.0.0.1:9/v2/user/info/?fields=display_name",
    ]


def test_a_failed_criterion_names_the_step_the_condition_and_the_response() -> None:
    with pytest.raises(StepFailed) as caught:
        _run(SEED, INPUTS | {"code": "used"})
    failure = caught.value
    assert (failure.step_id, failure.status) == ("exchangeCode", 400)
    assert str(failure).splitlines() == [
        "step 'exchangeCode' failed: success criterion `$statusCode == 200` was not met",
        "response: HTTP 400",
        "error: invalid_grant: Authorization code is expired or invalid.",
        json.dumps(
            {
                "error": "invalid_grant",
                "error_description": "Authorization code is expired or invalid.",
                "log_id": "L",
            }
        ),
    ]


def test_inputs_are_validated_before_any_request() -> None:
    fake = FakeTikTok()
    with pytest.raises(InputError, match="'code' is a required property"):
        _run(SEED, {k: v for k, v in INPUTS.items() if k != "code"}, fake=fake)
    assert fake.requests == []


def test_transport_errors_are_step_failures() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    with pytest.raises(
        StepFailed,
        match=re.escape("'exchangeCode' failed: POST http://127.0.0.1:9/v2/oauth/token/ could not"),
    ):
        _run(SEED, INPUTS, server="http://127.0.0.1:9", fake=refuse)


def test_json_bodies_path_parameters_replacements_and_retries(tmp_path: Path) -> None:
    path = write_workflow(
        tmp_path,
        [
            {
                "stepId": "update",
                "operationId": "updatePet",
                "parameters": [
                    {"name": "petId", "in": "path", "value": "$inputs.petId"},
                    {"name": "X-Trace", "in": "header", "value": "t-{$inputs.petId}"},
                    {"name": "sid", "in": "cookie", "value": "a b"},
                    {"name": "skip", "in": "query", "value": "$inputs.notGiven"},
                ],
                "requestBody": {
                    "payload": {"name": "$inputs.name", "tags": ["x"]},
                    "replacements": [{"target": "/tags/0", "value": "$inputs.name"}],
                },
                "successCriteria": [
                    {"condition": "$statusCode == 200"},
                    {"context": "$response.body", "condition": "$.ok", "type": "jsonpath"},
                ],
                "onFailure": [{"name": "again", "type": "retry", "retryAfter": 0, "retryLimit": 2}],
                "outputs": {"echo": "$response.body#/echo", "sent": "$request.body#/name"},
            }
        ],
        inputs={
            "type": "object",
            "properties": {"petId": {"type": "string"}, "name": {"type": "string"}},
        },
        outputs={"echo": "$steps.update.outputs.echo", "sent": "$steps.update.outputs.sent"},
    )
    seen: list[httpx2.Request] = []

    def api(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if len(seen) < 3:
            return httpx2.Response(503, json={"ok": False})
        return httpx2.Response(200, json={"ok": True, "echo": json.loads(request.content)})

    outputs, _ = _run(path, {"petId": "a/b", "name": "Rex"}, fake=api)
    assert outputs == {"echo": {"name": "Rex", "tags": ["Rex"]}, "sent": "Rex"}
    assert len(seen) == 3
    last = seen[-1]
    assert str(last.url) == "https://eu.pets.test/api/pets/a%2Fb"
    assert last.headers["content-type"] == "application/json"
    assert last.headers["x-trace"] == "t-a/b"
    assert last.headers["cookie"] == "sid=a%20b"


def test_retries_are_bounded(tmp_path: Path) -> None:
    path = write_workflow(
        tmp_path,
        [
            {
                "stepId": "get",
                "operationId": "getPet",
                "parameters": [{"name": "petId", "in": "path", "value": "1"}],
                "onFailure": [{"name": "again", "type": "retry", "retryAfter": 0, "retryLimit": 2}],
            }
        ],
    )
    seen: list[httpx2.Request] = []

    def down(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(503, text="down")

    with pytest.raises(StepFailed, match="HTTP 503 is not a 2xx status"):
        _run(path, {}, fake=down)
    assert len(seen) == 3


def test_goto_and_end_actions(tmp_path: Path) -> None:
    pet = [{"name": "petId", "in": "path", "value": "$inputs.petId"}]
    path = write_workflow(
        tmp_path,
        [
            {
                "stepId": "first",
                "operationId": "getPet",
                "parameters": pet,
                "onSuccess": [
                    {
                        "name": "skip",
                        "type": "goto",
                        "stepId": "third",
                        "criteria": [{"condition": "$response.body#/skip == true"}],
                    }
                ],
                "outputs": {"skipped": "$response.body#/skip"},
            },
            {"stepId": "second", "operationId": "getPet", "parameters": pet},
            {
                "stepId": "third",
                "operationId": "getPet",
                "parameters": pet,
                "onSuccess": [{"name": "done", "type": "end"}],
            },
            {"stepId": "never", "operationId": "getPet", "parameters": pet},
        ],
        inputs={"type": "object", "properties": {"petId": {"type": "integer"}}},
        outputs={"skipped": "$steps.first.outputs.skipped"},
    )
    paths: list[str] = []

    def api(request: httpx2.Request) -> httpx2.Response:
        paths.append(request.url.path)
        return httpx2.Response(200, json={"skip": True})

    outputs, _ = _run(path, {"petId": 4}, fake=api)
    assert outputs == {"skipped": True}
    assert paths == ["/api/pets/4", "/api/pets/4"]


def test_unsupported_features_are_refused_clearly(tmp_path: Path) -> None:
    path = write_workflow(
        tmp_path,
        [
            {
                "stepId": "a",
                "operationId": "getPet",
                "parameters": [{"name": "petId", "in": "path", "value": "1"}],
                "onSuccess": [{"name": "away", "type": "goto", "workflowId": "other"}],
            }
        ],
    )
    with pytest.raises(DocumentError, match="cannot go to 'workflow other'"):
        _run(path, {}, fake=lambda r: httpx2.Response(200, json={}))
    path = write_workflow(tmp_path, [{"stepId": "a", "operationId": "getPet"}], dependsOn=["other"])
    with pytest.raises(DocumentError, match="dependsOn is not supported"):
        _run(path, {})
    path = write_workflow(tmp_path, [{"stepId": "a", "operationId": "getPet"}])
    with pytest.raises(DocumentError, match="no value for path parameter 'petId'"):
        _run(path, {})

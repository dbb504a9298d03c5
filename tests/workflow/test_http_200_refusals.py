"""TikTok's HTTP 200 refusals and PKCE, as the runner sees them (``httpx2.MockTransport``).

A status-only success criterion must not pass on TikTok's error body; the shipped workflow's
criteria read the body; a PKCE refusal of the code exchange says what to do about it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx2
import pytest

from loginkit.specs import specs_dir
from loginkit.workflow.document import load_document
from loginkit.workflow.errors import StepFailed
from loginkit.workflow.runner import WorkflowRunner
from tests.workflow.fakes import TOKEN_RESPONSE, write_workflow
from tests.workflow.published import published_workflow
from tests.workflow.test_runner import INPUTS

SHIPPED = specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml"
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "Authorization code is expired.",
    "log_id": "L1",
}
PKCE_REFUSED = {
    "error": "invalid_request",
    "error_description": "Code verifier or code challenge is invalid.",
    "log_id": "L2",
}
PROFILE = {
    "data": {"user": {"display_name": "Ada"}},
    "error": {"code": "ok", "message": "", "log_id": "L3"},
}


class Recorder:
    """Answers the profile as TikTok, and every other call with ``token_body`` (HTTP 200)."""

    def __init__(self, token_body: dict[str, Any]) -> None:
        self.token_body = token_body
        self.forms: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/v2/user/info/":
            return httpx2.Response(200, json=PROFILE)
        self.forms.append(parse_qs(request.content.decode()))
        return httpx2.Response(200, json=self.token_body)


def run(path: Path, recorder: Recorder, inputs: dict[str, Any] = INPUTS) -> dict[str, Any]:
    with httpx2.Client(transport=httpx2.MockTransport(recorder)) as client:
        return WorkflowRunner(load_document(path), client=client).run(None, inputs)


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return published_workflow(tmp_path)


def test_the_shipped_workflow_checks_the_body_not_only_the_status() -> None:
    with pytest.raises(StepFailed) as caught:
        run(SHIPPED, Recorder(INVALID_GRANT))
    lines = str(caught.value).splitlines()
    assert lines[:3] == [
        "step 'exchangeCode' failed: success criterion "
        "`$response.body#/access_token != null` was not met",
        "response: HTTP 200",
        "error: invalid_grant: Authorization code is expired.",
    ]
    assert len(lines) == 4  # no PKCE hint for a used code


def test_the_published_workflow_fails_at_exchange_code_instead_of_running_on(
    published: Path,
) -> None:
    """Its only criterion is `$statusCode == 200`; TikTok's 200 refusal must not pass it."""
    recorder = Recorder(INVALID_GRANT)
    with pytest.raises(StepFailed) as caught:
        run(published, recorder)
    assert caught.value.step_id == "exchangeCode"
    first, status, summary, _body = str(caught.value).splitlines()
    assert first == (
        "step 'exchangeCode' failed: success criterion `$statusCode == 200` held, but the body is "
        "TikTok's OAuth error: TikTok answers OAuth refusals with HTTP 200, so check the body too "
        "(e.g. `$response.body#/access_token != null`)"
    )
    assert (status, summary) == (
        "response: HTTP 200",
        "error: invalid_grant: Authorization code is expired.",
    )


def test_a_pkce_refusal_without_a_verifier_names_pkce_and_the_switch(published: Path) -> None:
    with pytest.raises(StepFailed) as caught:
        run(published, Recorder(PKCE_REFUSED))
    hint = str(caught.value).splitlines()[-1]
    assert hint.startswith("hint: TikTok requires PKCE for web apps, and this request sent no ")
    assert "codeVerifier input" in hint
    assert "--no-require-pkce-for-web" in hint


def test_the_shipped_workflow_sends_the_verifier_only_when_given() -> None:
    recorder = Recorder(TOKEN_RESPONSE)
    assert run(SHIPPED, recorder)["displayName"] == "Ada"
    assert run(SHIPPED, recorder, INPUTS | {"codeVerifier": "v" * 43})["accessToken"] == "act.T"
    without, with_verifier = recorder.forms
    assert "code_verifier" not in without
    assert with_verifier["code_verifier"] == ["v" * 43]


def test_a_refused_verifier_is_explained_as_a_mismatch() -> None:
    with pytest.raises(StepFailed) as caught:
        run(SHIPPED, Recorder(PKCE_REFUSED), INPUTS | {"codeVerifier": "v" * 43})
    hint = str(caught.value).splitlines()[-1]
    assert hint.startswith("hint: the code_verifier sent does not match the code_challenge")


def token_step(**extra: Any) -> dict[str, Any]:
    return {
        "stepId": "token",
        "operationId": "$sourceDescriptions.auth.shared",
        "requestBody": {"payload": {"code": "c"}},
        **extra,
    }


def test_a_step_without_criteria_fails_on_a_200_refusal(tmp_path: Path) -> None:
    path = write_workflow(tmp_path, [token_step()])
    with pytest.raises(StepFailed, match=r"failed: the 2xx status held, but the body is TikTok"):
        run(path, Recorder(INVALID_GRANT))


def test_criteria_that_read_the_body_decide_alone(tmp_path: Path) -> None:
    """A workflow that expects the refusal says so in its criteria, and then it succeeds."""
    expects_refusal = token_step(
        successCriteria=[{"condition": "$response.body#/error == 'invalid_grant'"}],
        outputs={"logId": "$response.body#/log_id"},
    )
    path = write_workflow(
        tmp_path, [expects_refusal], outputs={"logId": "$steps.token.outputs.logId"}
    )
    assert run(path, Recorder(INVALID_GRANT)) == {"logId": "L1"}

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from loginkit.specs import specs_dir
from loginkit.workflow.document import load_document
from loginkit.workflow.errors import DocumentError

SEED = specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml"


def test_the_seed_workflow_is_modelled() -> None:
    document = load_document(SEED)
    flow = document.workflow("oauth-login-and-profile")
    assert [s.name for s in document.sources] == ["loginKitApi", "displayApi"]
    assert [s.step_id for s in flow.steps] == ["exchangeCode", "getProfile"]
    exchange, profile = flow.steps
    assert exchange.operation_id == "exchangeToken"
    assert exchange.request_body is not None
    assert exchange.request_body.content_type == "application/x-www-form-urlencoded"
    assert exchange.success_criteria[0].condition == "$statusCode == 200"
    header = profile.parameters[0]
    assert (header.name, header.location) == ("Authorization", "header")
    assert header.value == "Bearer $steps.exchangeCode.outputs.accessToken"
    assert list(flow.outputs) == ["accessToken", "refreshToken", "openId", "displayName"]
    assert document.workflow(None) is flow


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "flow.yml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_schema_violations_name_their_location(tmp_path: Path) -> None:
    raw = yaml.safe_load(SEED.read_text())
    raw["workflows"][0]["steps"][1]["parameters"][0]["in"] = "body"
    del raw["info"]["version"]
    with pytest.raises(DocumentError) as caught:
        load_document(_write(tmp_path, raw))
    message = str(caught.value)
    assert "not a valid Arazzo 1.0 document" in message
    assert "at /info: 'version' is a required property" in message
    assert "/workflows/0/steps/1" in message


def test_unknown_workflow_lists_the_known_ones() -> None:
    with pytest.raises(DocumentError, match="it has: oauth-login-and-profile"):
        load_document(SEED).workflow("nope")


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read"):
        load_document(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("a: [")
    with pytest.raises(DocumentError, match="not valid YAML"):
        load_document(bad)

from __future__ import annotations

from pathlib import Path

import pytest

from loginkit.specs import specs_dir
from loginkit.workflow.document import load_document
from loginkit.workflow.errors import DocumentError
from loginkit.workflow.sources import load_sources
from tests.workflow.fakes import write_workflow

SEED = specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml"


def test_the_seed_operations_resolve_across_its_two_sources() -> None:
    sources = load_sources(load_document(SEED))
    exchange = sources.by_operation_id("exchangeToken")
    profile = sources.by_operation_id("getUserInfo")
    assert (exchange.source, exchange.method, exchange.path) == (
        "loginKitApi",
        "POST",
        "/v2/oauth/token/",
    )
    assert exchange.server_url == "https://open.tiktokapis.com"
    assert exchange.request_content_types == ("application/x-www-form-urlencoded",)
    assert (profile.source, profile.method, profile.path) == ("displayApi", "GET", "/v2/user/info/")
    # The authorize page is served from www.tiktok.com (a path-level server).
    assert sources.by_operation_id("authorize").server_url == "https://www.tiktok.com"


def test_operation_ids_duplicated_across_sources_must_be_qualified(tmp_path: Path) -> None:
    sources = load_sources(
        load_document(write_workflow(tmp_path, [{"stepId": "a", "operationId": "getPet"}]))
    )
    with pytest.raises(DocumentError, match=r"several sources \(pets, auth\)"):
        sources.by_operation_id("shared")
    assert (
        sources.by_operation_id("$sourceDescriptions.auth.shared").server_url == "https://auth.test"
    )
    with pytest.raises(DocumentError, match="no source description 'nope'"):
        sources.by_operation_id("$sourceDescriptions.nope.shared")
    with pytest.raises(DocumentError, match="no operation with operationId 'missing'"):
        sources.by_operation_id("missing")


def test_server_variables_take_their_defaults(tmp_path: Path) -> None:
    sources = load_sources(
        load_document(write_workflow(tmp_path, [{"stepId": "a", "operationId": "getPet"}]))
    )
    assert sources.by_operation_id("getPet").server_url == "https://eu.pets.test/api"


def test_operation_path(tmp_path: Path) -> None:
    sources = load_sources(
        load_document(write_workflow(tmp_path, [{"stepId": "a", "operationId": "getPet"}]))
    )
    operation = sources.by_operation_path(
        "{$sourceDescriptions.pets.url}#/paths/~1pets~1{petId}/put"
    )
    assert (operation.operation_id, operation.method, operation.path) == (
        "updatePet",
        "PUT",
        "/pets/{petId}",
    )
    with pytest.raises(DocumentError):
        sources.by_operation_path("{$sourceDescriptions.pets.url}#/paths/~1pets~1{petId}/delete")
    with pytest.raises(DocumentError):
        sources.by_operation_path("{$sourceDescriptions.pets.url}#/info")


def test_missing_and_remote_sources_are_refused(tmp_path: Path) -> None:
    path = write_workflow(tmp_path, [{"stepId": "a", "operationId": "getPet"}])
    (tmp_path / "auth.yml").unlink()
    with pytest.raises(DocumentError, match="cannot read"):
        load_sources(load_document(path))
    path.write_text(path.read_text().replace("auth.yml", "https://example.test/auth.yml"))
    with pytest.raises(DocumentError, match="is remote"):
        load_sources(load_document(path))

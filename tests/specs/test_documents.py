"""The shipped API descriptions are valid and consistent with each other and with TikTok's facts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from loginkit.core.scopes import USER_FIELDS
from loginkit.specs import specs_dir
from loginkit.workflow.document import arazzo_schema, load_document
from loginkit.workflow.sources import load_sources

REPO = Path(__file__).resolve().parents[2]
LOGIN_KIT = "openapi/tiktok-login-kit-openapi.yml"
DISPLAY = "openapi/tiktok-display-openapi.yml"
WORKFLOW = "arazzo/tiktok-for-developers-oauth-login-and-profile-workflow.yml"


def _load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((specs_dir() / name).read_text())
    return document


def test_repository_specs_is_a_relative_link_to_the_package_data() -> None:
    link = REPO / "specs"
    assert link.is_symlink()
    assert os.readlink(link) == "src/loginkit/specs"
    assert (link / WORKFLOW).resolve() == (specs_dir() / WORKFLOW).resolve()


@pytest.mark.parametrize("name", [LOGIN_KIT, DISPLAY])
def test_openapi_documents_are_valid_openapi_3_1(name: str) -> None:
    document = _load(name)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_workflow_is_valid_arazzo_and_its_sources_resolve_in_the_repository() -> None:
    raw = _load(WORKFLOW)
    jsonschema.Draft202012Validator(arazzo_schema()).validate(raw)
    document = load_document(REPO / "specs" / WORKFLOW)
    sources = load_sources(document)
    assert set(sources.documents) == {"loginKitApi", "displayApi"}
    for step in document.workflow(None).steps:
        assert sources.for_step(step).operation_id == step.operation_id


def test_the_arazzo_schema_rejects_what_the_specification_forbids() -> None:
    raw = _load(WORKFLOW)
    raw["workflows"][0]["steps"][0]["operationPath"] = "{$sourceDescriptions.loginKitApi.url}#/x"
    errors = list(jsonschema.Draft202012Validator(arazzo_schema()).iter_errors(raw))
    assert errors, "a step with both operationId and operationPath must be invalid"


def test_the_operations_the_workflow_and_gateway_use_exist() -> None:
    ids = {
        op["operationId"]: (path, method)
        for doc in (_load(LOGIN_KIT), _load(DISPLAY))
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    assert ids == {
        "authorize": ("/v2/auth/authorize/", "get"),
        "exchangeToken": ("/v2/oauth/token/", "post"),
        "refreshToken": ("/v2/oauth/token/refresh/", "post"),
        "revokeToken": ("/v2/oauth/revoke/", "post"),
        "getUserInfo": ("/v2/user/info/", "get"),
    }


def test_token_endpoint_documents_the_three_grants_and_pkce() -> None:
    schemas = _load(LOGIN_KIT)["components"]["schemas"]
    grants = {
        name: schemas[name]["properties"]["grant_type"]["enum"]
        for name in ("TokenRequest", "RefreshTokenGrantRequest", "ClientCredentialsRequest")
    }
    assert grants == {
        "TokenRequest": ["authorization_code"],
        "RefreshTokenGrantRequest": ["refresh_token"],
        "ClientCredentialsRequest": ["client_credentials"],
    }
    assert "code_verifier" in schemas["TokenRequest"]["properties"]
    assert set(schemas["OAuthError"]["required"]) == {"error", "error_description", "log_id"}


def test_oauth_bodies_are_form_encoded_only() -> None:
    for path in ("/v2/oauth/token/", "/v2/oauth/token/refresh/", "/v2/oauth/revoke/"):
        content = _load(LOGIN_KIT)["paths"][path]["post"]["requestBody"]["content"]
        assert list(content) == ["application/x-www-form-urlencoded"]


def test_the_refresh_alias_is_labelled_as_not_tiktok() -> None:
    operation = _load(LOGIN_KIT)["paths"]["/v2/oauth/token/refresh/"]["post"]
    assert operation["x-loginkit-alias-of"] == "/v2/oauth/token/"
    assert "Not a TikTok endpoint" in operation["description"]


def test_display_api_documents_every_user_field_with_its_type() -> None:
    user = _load(DISPLAY)["components"]["schemas"]["User"]["properties"]
    assert set(user) == set(USER_FIELDS)
    types = {name: spec["type"] for name, spec in user.items()}
    assert types["is_verified"] == "boolean"
    assert {n for n, t in types.items() if t == "integer"} == {
        "follower_count",
        "following_count",
        "likes_count",
        "video_count",
    }
    fields = _load(DISPLAY)["paths"]["/v2/user/info/"]["get"]["parameters"][0]
    assert (fields["name"], fields["in"], fields["required"]) == ("fields", "query", True)
    assert _load(DISPLAY)["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_documented_examples_validate_against_the_schemas() -> None:
    """TikTok's own examples (facts §3.1, §3.3, §5, §6.2) fit the documented schemas."""
    login = _load(LOGIN_KIT)
    display = _load(DISPLAY)
    token = {
        "access_token": "act.example12345Example12345Example",
        "expires_in": 86400,
        "open_id": "afd97af1-b87b-48b9-ac98-410aghda5344",
        "refresh_expires_in": 31536000,
        "refresh_token": "rft.example12345Example12345Example",
        "scope": "user.info.basic,video.list",
        "token_type": "Bearer",
    }
    client = {
        "access_token": "clt.example12345Example12345Example",
        "expires_in": 7200,
        "token_type": "Bearer",
    }
    error = {
        "error": "invalid_request",
        "error_description": "The request parameters are malformed.",
        "log_id": "202206221854370101130062072500FFA2",
    }
    user_info = {
        "data": {
            "user": {
                "avatar_url": "https://p19-sign.tiktokcdn-us.com/a.jpeg",
                "open_id": "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
                "union_id": "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1",
            }
        },
        "error": {"code": "ok", "message": "", "log_id": "20220829194722CBE87ED59D524E727021"},
    }
    api_error = {
        "data": {},
        "error": {
            "code": "access_token_invalid",
            "message": "Access token is invalid, please refresh token and retry",
            "log_id": "20220829194722CBE87ED59D524E727021",
        },
    }

    def check(document: dict[str, Any], schema: str, instance: object) -> None:
        wrapper = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
        jsonschema.Draft202012Validator(wrapper).validate(instance)

    check(login, "TokenResponse", token)
    check(login, "ClientTokenResponse", client)
    check(login, "OAuthError", error)
    check(login, "RevokeTokenResponse", {})
    check(display, "UserInfoResponse", user_info)
    check(display, "ErrorResponse", api_error)
    with pytest.raises(jsonschema.ValidationError):
        check(login, "ClientTokenResponse", token)

from __future__ import annotations

import pytest

from loginkit.specs import specs_dir
from loginkit.workflow.document import load_document
from loginkit.workflow.errors import InputError
from loginkit.workflow.inputs import apply_defaults, parse_cli_inputs, prepare_inputs

SEED = specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml"
REQUIRED = {"clientKey": "k", "clientSecret": "s", "code": "c", "redirectUri": "https://a/cb/"}


def test_the_seed_default_for_user_fields_is_applied() -> None:
    schema = load_document(SEED).workflow(None).inputs
    inputs = prepare_inputs(schema, REQUIRED)
    assert inputs["userFields"] == (
        "open_id,union_id,avatar_url,display_name,is_verified,follower_count,video_count"
    )
    assert prepare_inputs(schema, REQUIRED | {"userFields": "open_id"})["userFields"] == "open_id"


def test_missing_required_inputs_are_all_named() -> None:
    schema = load_document(SEED).workflow(None).inputs
    with pytest.raises(InputError) as caught:
        prepare_inputs(schema, {"clientKey": "k"})
    message = str(caught.value)
    for name in ("clientSecret", "code", "redirectUri"):
        assert name in message


def test_wrong_types_are_refused() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    with pytest.raises(InputError, match="n: 'x' is not of type 'integer'"):
        prepare_inputs(schema, {"n": "x"})


def test_nested_defaults() -> None:
    schema = {
        "type": "object",
        "properties": {
            "opts": {"type": "object", "properties": {"n": {"default": 2}}, "default": {}}
        },
    }
    assert apply_defaults(schema, {}) == {"opts": {"n": 2}}
    assert apply_defaults(schema, {"opts": {"n": 5}}) == {"opts": {"n": 5}}


def test_cli_inputs_are_json_unless_declared_strings() -> None:
    schema = {
        "properties": {
            "code": {"type": "string"},
            "n": {"type": "integer"},
            "on": {"type": "boolean"},
        }
    }
    parsed = parse_cli_inputs(schema, ["code=123", "n=5", "on=true", "other=x=y"])
    assert parsed == {"code": "123", "n": 5, "on": True, "other": "x=y"}
    with pytest.raises(InputError, match="expected key=value"):
        parse_cli_inputs(schema, ["novalue"])

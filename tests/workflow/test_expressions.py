from __future__ import annotations

import pytest

from loginkit.workflow.errors import ExpressionError
from loginkit.workflow.expressions import Exchange, Scope, evaluate, interpolate, stringify


def _scope() -> Scope:
    return Scope(
        inputs={"clientKey": "awkey", "userFields": "open_id,display_name", "nested": {"a": 1}},
        sources={"loginKitApi": "../openapi/login.yml"},
        steps={"exchangeCode": {"accessToken": "act.abc", "expiresIn": 86400}},
        workflow_id="flow",
        exchange=Exchange(
            url="https://open.tiktokapis.com/v2/user/info/",
            method="GET",
            request_headers={"Authorization": "Bearer act.abc"},
            request_query={"fields": "open_id"},
            request_path={},
            request_body=None,
            status=200,
            response_headers={"content-type": "application/json", "x-tt-logid": "L1"},
            response_body={"data": {"user": {"open_id": "o-1", "tags": ["x", "y"]}}},
        ),
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("$inputs.clientKey", "awkey"),
        ("$inputs.nested.a", 1),
        ("$inputs.notGiven", None),
        ("$steps.exchangeCode.outputs.accessToken", "act.abc"),
        ("$steps.exchangeCode.outputs.expiresIn", 86400),
        ("$statusCode", 200),
        ("$method", "GET"),
        ("$url", "https://open.tiktokapis.com/v2/user/info/"),
        ("$response.body#/data/user/open_id", "o-1"),
        ("$response.body#/data/user/tags/1", "y"),
        ("$response.body#/data/user/missing", None),
        ("$response.header.X-TT-LogId", "L1"),
        ("$request.header.authorization", "Bearer act.abc"),
        ("$request.query.fields", "open_id"),
        ("$sourceDescriptions.loginKitApi.url", "../openapi/login.yml"),
        ("$workflows.flow.inputs.clientKey", "awkey"),
    ],
)
def test_evaluates_runtime_expressions(expression: str, expected: object) -> None:
    assert evaluate(expression, _scope()) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "$steps.later.outputs.x",
        "$steps.exchangeCode.outputs.nope",
        "$steps.exchangeCode.accessToken",
        "$response.query.x",
        "$workflows.other.outputs.x",
        "$sourceDescriptions.unknown.url",
        "inputs.clientKey",
    ],
)
def test_refuses_expressions_that_refer_to_nothing(expression: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(expression, _scope())


def test_whole_expression_keeps_its_json_type() -> None:
    assert interpolate("$steps.exchangeCode.outputs.expiresIn", _scope()) == 86400


def test_bare_expression_after_text_is_substituted_as_in_the_seed() -> None:
    value = interpolate("Bearer $steps.exchangeCode.outputs.accessToken", _scope())
    assert value == "Bearer act.abc"


def test_embedded_expressions_in_braces() -> None:
    value = interpolate(
        "key={$inputs.clientKey}&n={$steps.exchangeCode.outputs.expiresIn}", _scope()
    )
    assert value == "key=awkey&n=86400"


def test_bare_expression_does_not_swallow_a_full_stop() -> None:
    assert interpolate("Key is $inputs.clientKey.", _scope()) == "Key is awkey."


def test_literals_and_structures() -> None:
    payload = {"grant_type": "authorization_code", "list": ["$inputs.clientKey", 3], "price": "$5"}
    assert interpolate(payload, _scope()) == {
        "grant_type": "authorization_code",
        "list": ["awkey", 3],
        "price": "$5",
    }


def test_response_expressions_need_a_response() -> None:
    scope = _scope()
    scope.exchange = None
    with pytest.raises(ExpressionError, match="no request or response"):
        evaluate("$statusCode", scope)


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (True, "true"), (3, "3"), ({"a": [1]}, '{"a":[1]}'), ("s", "s")],
)
def test_stringify(value: object, text: str) -> None:
    assert stringify(value) == text

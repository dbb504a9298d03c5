from __future__ import annotations

import pytest

from loginkit.workflow.criteria import criterion_holds, describe
from loginkit.workflow.document import Criterion
from loginkit.workflow.errors import ExpressionError
from loginkit.workflow.expressions import Exchange, Scope


def _scope(status: int = 200, body: object = None) -> Scope:
    return Scope(
        inputs={"limit": 5},
        exchange=Exchange(
            url="u",
            method="POST",
            request_headers={},
            request_query={},
            request_path={},
            request_body=None,
            status=status,
            response_headers={},
            response_body={"access_token": "act.x", "count": 3, "items": [1, 2]}
            if body is None
            else body,
        ),
    )


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ("$statusCode == 200", True),
        ("$statusCode != 200", False),
        ("$statusCode >= 200 && $statusCode < 300", True),
        ("$statusCode == 400 || $statusCode == 200", True),
        ("!($statusCode == 200)", False),
        ("$response.body#/access_token != null", True),
        ("$response.body#/error == null", True),
        ("$response.body#/access_token == 'act.x'", True),
        ('$response.body#/access_token == "act.y"', False),
        ("$response.body#/count < $inputs.limit", True),
        ("$response.body#/count == '3'", True),
        ("$response.body#/missing > 1", False),
        ("true", True),
        ("$response.body#/items", True),
    ],
)
def test_simple_conditions(condition: str, holds: bool) -> None:
    assert criterion_holds(Criterion(condition), _scope()) is holds


@pytest.mark.parametrize(
    "condition", ["$statusCode ==", "($statusCode == 200", "200 200", "$statusCode = 200"]
)
def test_malformed_conditions_are_refused(condition: str) -> None:
    with pytest.raises(ExpressionError):
        criterion_holds(Criterion(condition), _scope())


def test_regex_criterion_applies_to_its_context() -> None:
    assert criterion_holds(Criterion("^act\\.", "$response.body#/access_token", "regex"), _scope())
    assert not criterion_holds(
        Criterion("^rft\\.", "$response.body#/access_token", "regex"), _scope()
    )


def test_jsonpath_criterion_holds_when_something_matches() -> None:
    holds = Criterion("$.items[?(@ > 1)]", "$response.body", "jsonpath")
    fails = Criterion("$.items[?(@ > 5)]", "$response.body", "jsonpath")
    assert criterion_holds(holds, _scope())
    assert not criterion_holds(fails, _scope())


def test_typed_criteria_need_a_context_and_xpath_is_unsupported() -> None:
    with pytest.raises(ExpressionError, match="needs a context"):
        criterion_holds(Criterion("^a", None, "regex"), _scope())
    with pytest.raises(ExpressionError, match="not supported"):
        criterion_holds(Criterion("/a", "$response.body", "xpath"), _scope())


def test_describe_quotes_the_condition() -> None:
    assert describe(Criterion("$statusCode == 200")) == "`$statusCode == 200`"
    assert "regex on `$statusCode`" in describe(Criterion("^2", "$statusCode", "regex"))

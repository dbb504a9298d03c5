"""Arazzo Criterion Objects: ``simple`` conditions, ``regex`` and ``jsonpath``.

A simple condition is a small boolean language: runtime expressions and literals (numbers,
``'strings'``, ``true``, ``false``, ``null``) compared with ``== != < <= > >=``, combined with
``&& || !`` and parentheses, e.g. ``$statusCode == 200 && $response.body#/access_token != null``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext.parser import parse as parse_jsonpath

from loginkit.workflow.document import Criterion
from loginkit.workflow.errors import ExpressionError
from loginkit.workflow.expressions import Scope, evaluate

__all__ = ["criterion_holds", "describe"]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<op>==|!=|<=|>=|&&|\|\||[<>!()])
    | (?P<number>-?\d+(?:\.\d+)?)
    | '(?P<single>(?:[^'\\]|\\.)*)'
    | "(?P<double>(?:[^"\\]|\\.)*)"
    | (?P<expression>\$[A-Za-z][^\s()!=<>&|]*)
    | (?P<word>true|false|null)\b
    )""",
    re.VERBOSE,
)
_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str


def _tokenize(condition: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(condition):
        if condition[position:].isspace():
            break
        match = _TOKEN.match(condition, position)
        if match is None or match.end() == position:
            raise ExpressionError(
                f"cannot read condition {condition!r} at {condition[position:]!r}"
            )
        kind = match.lastgroup or ""
        tokens.append(_Token(kind, match[kind]))
        position = match.end()
    return tokens


def _compare(left: Any, op: str, right: Any) -> bool:
    if isinstance(left, int | float) and isinstance(right, str):
        right = _number(right, right)
    elif isinstance(right, int | float) and isinstance(left, str):
        left = _number(left, left)
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    try:
        return bool(
            {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
        )
    except TypeError:  # e.g. null < 1: not comparable, so the condition does not hold
        return False


def _number(text: str, fallback: Any) -> Any:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return fallback


class _Parser:
    """Recursive descent: or := and ('||' and)*; and := unary ('&&' unary)*; unary := '!' unary
    | comparison; comparison := primary (op primary)?; primary := '(' or ')' | literal | $expr."""

    def __init__(self, condition: str, scope: Scope) -> None:
        self.condition = condition
        self.tokens = _tokenize(condition)
        self.position = 0
        self.scope = scope

    def parse(self) -> bool:
        result = self._or()
        if self.position != len(self.tokens):
            raise ExpressionError(
                f"unexpected {self.tokens[self.position].text!r} in {self.condition!r}"
            )
        return bool(result)

    def _peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> _Token:
        token = self._peek()
        if token is None:
            raise ExpressionError(f"condition {self.condition!r} ends too early")
        self.position += 1
        return token

    def _accept(self, *ops: str) -> str | None:
        token = self._peek()
        if token is not None and token.kind == "op" and token.text in ops:
            self.position += 1
            return token.text
        return None

    def _or(self) -> Any:
        value = self._and()
        while self._accept("||"):
            right = self._and()
            value = bool(value) or bool(right)
        return value

    def _and(self) -> Any:
        value = self._unary()
        while self._accept("&&"):
            right = self._unary()
            value = bool(value) and bool(right)
        return value

    def _unary(self) -> Any:
        if self._accept("!"):
            return not self._unary()
        return self._comparison()

    def _comparison(self) -> Any:
        left = self._primary()
        op = self._accept("==", "!=", "<=", ">=", "<", ">")
        return left if op is None else _compare(left, op, self._primary())

    def _primary(self) -> Any:
        if self._accept("("):
            value = self._or()
            if not self._accept(")"):
                raise ExpressionError(f"missing ')' in {self.condition!r}")
            return value
        token = self._take()
        if token.kind == "number":
            return _number(token.text, token.text)
        if token.kind in ("single", "double"):
            return re.sub(r"\\(.)", r"\1", token.text)
        if token.kind == "word":
            return _WORDS[token.text]
        if token.kind == "expression":
            return evaluate(token.text, self.scope)
        raise ExpressionError(f"unexpected {token.text!r} in {self.condition!r}")


def criterion_holds(criterion: Criterion, scope: Scope) -> bool:
    if criterion.type == "simple":
        return _Parser(criterion.condition, scope).parse()
    if criterion.context is None:
        raise ExpressionError(
            f"a {criterion.type} criterion needs a context: {criterion.condition!r}"
        )
    context = evaluate(criterion.context, scope)
    if criterion.type == "regex":
        try:
            return (
                re.search(criterion.condition, "" if context is None else str(context)) is not None
            )
        except re.error as exc:
            raise ExpressionError(f"bad regex {criterion.condition!r}: {exc}") from exc
    if criterion.type == "jsonpath":
        try:
            return bool(parse_jsonpath(criterion.condition).find(context))
        except (JSONPathError, TypeError, ValueError, KeyError) as exc:
            raise ExpressionError(f"bad JSONPath {criterion.condition!r}: {exc}") from exc
    raise ExpressionError(f"{criterion.type} criteria are not supported")


def describe(criterion: Criterion) -> str:
    """The criterion as the user wrote it, for failure messages."""
    if criterion.type == "simple":
        return f"`{criterion.condition}`"
    return f"`{criterion.condition}` ({criterion.type} on `{criterion.context}`)"

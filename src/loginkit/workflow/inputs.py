"""Workflow inputs: typed from the command line, completed with the schema's defaults, validated."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import jsonschema

from loginkit.workflow.errors import InputError

__all__ = ["apply_defaults", "parse_cli_inputs", "prepare_inputs"]


def apply_defaults(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` with every absent property that has a ``default`` filled in, at any depth."""
    if not isinstance(value, dict):
        return value
    completed = dict(value)
    for name, subschema in schema.get("properties", {}).items():
        if not isinstance(subschema, Mapping):
            continue
        if name not in completed and "default" in subschema:
            completed[name] = copy.deepcopy(subschema["default"])
        if name in completed:
            completed[name] = apply_defaults(subschema, completed[name])
    return completed


def prepare_inputs(schema: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a workflow runs with; ``InputError`` lists every way they break the schema."""
    inputs: dict[str, Any] = apply_defaults(schema, dict(given))
    validator = jsonschema.Draft202012Validator(schema)
    problems = sorted(validator.iter_errors(inputs), key=lambda e: list(e.absolute_path))
    if problems:
        lines = [
            f"  {'.'.join(str(p) for p in e.absolute_path) or '(inputs)'}: {e.message}"
            for e in problems
        ]
        raise InputError(
            "the inputs do not match the workflow's input schema:\n" + "\n".join(lines)
        )
    return inputs


def _declared_types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def parse_cli_inputs(schema: Mapping[str, Any], pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; a value is read as JSON unless its property is declared a string."""
    inputs: dict[str, Any] = {}
    properties = schema.get("properties", {})
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--input {pair!r}: expected key=value")
        types = _declared_types(properties.get(key, {}))
        if "string" in types or not types:
            inputs[key] = raw
            continue
        try:
            inputs[key] = json.loads(raw)
        except json.JSONDecodeError:
            inputs[key] = raw  # the schema check then says what type was expected
    return inputs

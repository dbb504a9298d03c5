"""Reading our OpenAPI documents in tests: local $refs resolved, responses checked against them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import jsonschema
import yaml

from loginkit.specs import specs_dir

DOCUMENTS = ("openapi/tiktok-login-kit-openapi.yml", "openapi/tiktok-display-openapi.yml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((specs_dir() / name).read_text())
    return document


def dereference(value: Any, document: dict[str, Any]) -> Any:
    """``value`` with every local ``$ref`` replaced by its target (our documents have no cycles)."""
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str) and value["$ref"].startswith("#/"):
            target: Any = document
            for token in value["$ref"][2:].split("/"):
                target = target[token.replace("~1", "/").replace("~0", "~")]
            rest = {k: v for k, v in value.items() if k != "$ref"}
            return dereference({**target, **rest}, document)
        return {k: dereference(v, document) for k, v in value.items()}
    if isinstance(value, list):
        return [dereference(v, document) for v in value]
    return value


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, dereferenced operation) for every operation, path parameters included."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operation = dereference(item[method], document)
                shared = dereference(item.get("parameters", []), document)
                operation["parameters"] = shared + operation.get("parameters", [])
                yield path, method, operation


def operation(operation_id: str) -> dict[str, Any]:
    for name in DOCUMENTS:
        for _, _, op in operations(load(name)):
            if op.get("operationId") == operation_id:
                return op
    raise KeyError(operation_id)


def assert_conforms(operation_id: str, response: httpx2.Response) -> Any:
    """The response's status, media type and body are among those documented; returns the body."""
    documented = operation(operation_id)["responses"]
    status = str(response.status_code)
    assert status in documented, f"{operation_id}: HTTP {status} is not documented: {response.text}"
    content = documented[status].get("content")
    if not content:
        return None
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    assert media_type in content, f"{operation_id} {status}: {media_type} not in {list(content)}"
    if media_type != "application/json":
        return response.text
    body = response.json()
    jsonschema.Draft202012Validator(content[media_type]["schema"]).validate(body)
    return body

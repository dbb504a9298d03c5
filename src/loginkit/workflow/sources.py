"""Find a step's operation in the workflow's OpenAPI source descriptions.

Steps name an operation by ``operationId`` (unique across all sources, or qualified as
``$sourceDescriptions.<name>.<operationId>``) or by ``operationPath``
(``{$sourceDescriptions.<name>.url}#/paths/~1v2~1user~1info~1/get``). Source URLs are resolved
relative to the Arazzo document, as the specification says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from loginkit.workflow.document import ArazzoDocument, Step, read_structured_file
from loginkit.workflow.errors import DocumentError, ExpressionError
from loginkit.workflow.pointer import resolve_pointer

__all__ = ["Operation", "SourceSet", "load_sources"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_QUALIFIED_ID = re.compile(r"^\$sourceDescriptions\.(?P<source>[A-Za-z0-9_\-]+)\.(?P<op>.+)$")
_OPERATION_PATH = re.compile(
    r"^\{\$sourceDescriptions\.(?P<source>[A-Za-z0-9_\-]+)\.url\}#(?P<pointer>/.*)$"
)
_SERVER_VARIABLE = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True, slots=True)
class Operation:
    source: str
    operation_id: str | None
    method: str
    path: str
    server_url: str
    """The operation's first server (operation, path or document level), variables at defaults."""
    request_content_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceSet:
    """The OpenAPI documents of one Arazzo document, indexed by source name."""

    documents: Mapping[str, Mapping[str, Any]]

    def operations(self) -> list[Operation]:
        found = []
        for source, document in self.documents.items():
            for path, item in document.get("paths", {}).items():
                for method in HTTP_METHODS:
                    if method in item:
                        found.append(_operation(source, document, path, method))
        return found

    def by_operation_id(self, operation_id: str) -> Operation:
        qualified = _QUALIFIED_ID.match(operation_id)
        source = qualified["source"] if qualified else None
        wanted = qualified["op"] if qualified else operation_id
        if source is not None and source not in self.documents:
            raise DocumentError(f"operationId {operation_id!r}: no source description {source!r}")
        matches = [
            op
            for op in self.operations()
            if op.operation_id == wanted and (source is None or op.source == source)
        ]
        if not matches:
            raise DocumentError(f"no operation with operationId {wanted!r} in the sources")
        if len(matches) > 1:
            names = ", ".join(op.source for op in matches)
            raise DocumentError(
                f"operationId {wanted!r} is in several sources ({names}); "
                f"write it as $sourceDescriptions.<name>.{wanted}"
            )
        return matches[0]

    def by_operation_path(self, operation_path: str) -> Operation:
        match = _OPERATION_PATH.match(operation_path)
        if match is None or match["source"] not in self.documents:
            raise DocumentError(f"cannot resolve operationPath {operation_path!r}")
        document = self.documents[match["source"]]
        tokens = match["pointer"].split("/")[1:]
        if len(tokens) != 3 or tokens[0] != "paths" or tokens[2] not in HTTP_METHODS:
            raise DocumentError(
                f"operationPath {operation_path!r} must point at /paths/<path>/<method>"
            )
        try:
            resolve_pointer(document, match["pointer"])
        except ExpressionError as exc:
            raise DocumentError(f"operationPath {operation_path!r}: {exc}") from exc
        path = tokens[1].replace("~1", "/").replace("~0", "~")
        return _operation(match["source"], document, path, tokens[2])

    def for_step(self, step: Step) -> Operation:
        if step.operation_id is not None:
            return self.by_operation_id(step.operation_id)
        if step.operation_path is not None:
            return self.by_operation_path(step.operation_path)
        raise DocumentError(
            f"step {step.step_id!r} calls a workflow: nested workflows are not supported"
        )


def _server_url(servers: list[Mapping[str, Any]]) -> str:
    server = servers[0]
    variables = server.get("variables", {})

    def default(match: re.Match[str]) -> str:
        return str(variables.get(match[1], {}).get("default", match[0]))

    return _SERVER_VARIABLE.sub(default, str(server["url"]))


def _operation(source: str, document: Mapping[str, Any], path: str, method: str) -> Operation:
    item = document["paths"][path]
    operation = item[method]
    servers = (
        operation.get("servers") or item.get("servers") or document.get("servers") or [{"url": "/"}]
    )
    content = operation.get("requestBody", {}).get("content", {})
    return Operation(
        source=source,
        operation_id=operation.get("operationId"),
        method=method.upper(),
        path=path,
        server_url=_server_url(servers),
        request_content_types=tuple(content),
    )


def _source_path(document: ArazzoDocument, url: str) -> Path:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        raise DocumentError(
            f"source description {url!r} is remote: download it and refer to it by a relative path"
        )
    local = unquote(parts.path) if parts.scheme == "file" else url
    return (document.path.parent / local).resolve()


def load_sources(document: ArazzoDocument) -> SourceSet:
    """Read every OpenAPI source description of ``document``."""
    documents: dict[str, Mapping[str, Any]] = {}
    for source in document.sources:
        if source.type != "openapi":
            raise DocumentError(
                f"source {source.name!r} is of type {source.type!r}: only openapi is supported"
            )
        path = _source_path(document, source.url)
        loaded = read_structured_file(path)
        if not isinstance(loaded, Mapping) or "openapi" not in loaded:
            raise DocumentError(f"source {source.name!r} ({path}) is not an OpenAPI document")
        documents[source.name] = loaded
    return SourceSet(documents)

"""Arazzo 1.0.x documents: loaded from YAML or JSON, checked against the Arazzo JSON Schema.

Only the parts the runner uses become typed objects; the raw mapping stays available for
anything else (``ArazzoDocument.raw``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from loginkit.specs import specs_dir
from loginkit.workflow.errors import DocumentError

__all__ = [
    "Action",
    "ArazzoDocument",
    "Criterion",
    "Parameter",
    "RequestBody",
    "SourceDescription",
    "Step",
    "Workflow",
    "arazzo_schema",
    "load_document",
    "read_structured_file",
]

ARAZZO_SCHEMA = "schemas/arazzo-1.0-schema.yaml"


@dataclass(frozen=True, slots=True)
class SourceDescription:
    name: str
    url: str
    type: str


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: Any
    location: str | None
    """``in``: path, query, header or cookie."""


@dataclass(frozen=True, slots=True)
class RequestBody:
    content_type: str | None
    payload: Any
    replacements: tuple[tuple[str, Any], ...] = ()
    """(JSON pointer into the payload, value) pairs applied after the payload is evaluated."""


@dataclass(frozen=True, slots=True)
class Criterion:
    condition: str
    context: str | None = None
    type: str = "simple"


@dataclass(frozen=True, slots=True)
class Action:
    """A success or failure action: ``end``, ``goto`` (a step of this workflow) or ``retry``."""

    name: str
    type: str
    step_id: str | None = None
    workflow_id: str | None = None
    retry_after: float = 0.0
    retry_limit: int = 1
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    step_id: str
    description: str
    operation_id: str | None
    operation_path: str | None
    workflow_id: str | None
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    success_criteria: tuple[Criterion, ...]
    on_success: tuple[Action, ...]
    on_failure: tuple[Action, ...]
    outputs: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Workflow:
    workflow_id: str
    summary: str
    description: str
    inputs: Mapping[str, Any]
    """The JSON Schema of the inputs (``{}`` when the workflow takes none)."""
    parameters: tuple[Parameter, ...]
    steps: tuple[Step, ...]
    outputs: Mapping[str, str]
    success_actions: tuple[Action, ...] = ()
    failure_actions: tuple[Action, ...] = ()
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArazzoDocument:
    path: Path
    title: str
    sources: tuple[SourceDescription, ...]
    workflows: tuple[Workflow, ...]
    raw: Mapping[str, Any] = field(repr=False)

    def workflow(self, workflow_id: str | None) -> Workflow:
        """The workflow named ``workflow_id``, or the only one when it is None."""
        if workflow_id is None:
            if len(self.workflows) == 1:
                return self.workflows[0]
            names = ", ".join(w.workflow_id for w in self.workflows)
            raise DocumentError(f"{self.path} has several workflows ({names}); choose one")
        for workflow in self.workflows:
            if workflow.workflow_id == workflow_id:
                return workflow
        names = ", ".join(w.workflow_id for w in self.workflows)
        raise DocumentError(f"no workflow {workflow_id!r} in {self.path} (it has: {names})")


def read_structured_file(path: Path) -> Any:
    """A YAML or JSON file (JSON is YAML) as plain data."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise DocumentError(f"{path} is not valid YAML or JSON: {exc}") from exc


@cache
def arazzo_schema() -> Mapping[str, Any]:
    """The OpenAPI Initiative's Arazzo 1.0 JSON Schema (vendored in ``loginkit/specs``)."""
    schema: Mapping[str, Any] = read_structured_file(specs_dir() / ARAZZO_SCHEMA)
    return schema


def _validate(raw: Any, path: Path) -> None:
    validator = jsonschema.Draft202012Validator(arazzo_schema())
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        shown = [
            f"  at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors[:10]
        ]
        raise DocumentError(f"{path} is not a valid Arazzo 1.0 document:\n" + "\n".join(shown))


def _parameter(raw: Mapping[str, Any]) -> Parameter:
    if "reference" in raw:
        raise DocumentError(
            f"reusable parameter {raw['reference']!r}: components are not supported"
        )
    return Parameter(raw["name"], raw["value"], raw.get("in"))


def _criterion(raw: Mapping[str, Any]) -> Criterion:
    kind = raw.get("type", "simple")
    if isinstance(kind, Mapping):  # criterion expression type object: {type, version}
        kind = kind["type"]
    return Criterion(raw["condition"], raw.get("context"), str(kind))


def _action(raw: Mapping[str, Any]) -> Action:
    if "reference" in raw:
        raise DocumentError(f"reusable action {raw['reference']!r}: components are not supported")
    return Action(
        name=raw["name"],
        type=raw["type"],
        step_id=raw.get("stepId"),
        workflow_id=raw.get("workflowId"),
        retry_after=float(raw.get("retryAfter", 0)),
        retry_limit=int(raw.get("retryLimit", 1)),
        criteria=tuple(_criterion(c) for c in raw.get("criteria", ())),
    )


def _request_body(raw: Mapping[str, Any] | None) -> RequestBody | None:
    if raw is None:
        return None
    replacements = tuple((r["target"], r["value"]) for r in raw.get("replacements", ()))
    return RequestBody(raw.get("contentType"), raw.get("payload"), replacements)


def _step(raw: Mapping[str, Any]) -> Step:
    return Step(
        step_id=raw["stepId"],
        description=raw.get("description", ""),
        operation_id=raw.get("operationId"),
        operation_path=raw.get("operationPath"),
        workflow_id=raw.get("workflowId"),
        parameters=tuple(_parameter(p) for p in raw.get("parameters", ())),
        request_body=_request_body(raw.get("requestBody")),
        success_criteria=tuple(_criterion(c) for c in raw.get("successCriteria", ())),
        on_success=tuple(_action(a) for a in raw.get("onSuccess", ())),
        on_failure=tuple(_action(a) for a in raw.get("onFailure", ())),
        outputs=dict(raw.get("outputs", {})),
    )


def _workflow(raw: Mapping[str, Any]) -> Workflow:
    inputs = raw.get("inputs", {})
    if "$ref" in inputs:
        raise DocumentError(f"workflow {raw['workflowId']!r}: $ref inputs are not supported")
    return Workflow(
        workflow_id=raw["workflowId"],
        summary=raw.get("summary", ""),
        description=raw.get("description", ""),
        inputs=inputs,
        parameters=tuple(_parameter(p) for p in raw.get("parameters", ())),
        steps=tuple(_step(s) for s in raw["steps"]),
        outputs=dict(raw.get("outputs", {})),
        success_actions=tuple(_action(a) for a in raw.get("successActions", ())),
        failure_actions=tuple(_action(a) for a in raw.get("failureActions", ())),
        depends_on=tuple(raw.get("dependsOn", ())),
    )


def load_document(path: Path) -> ArazzoDocument:
    """Read, schema-check and model an Arazzo document; ``DocumentError`` says what is wrong."""
    raw = read_structured_file(path)
    _validate(raw, path)
    return ArazzoDocument(
        path=path.resolve(),
        title=raw["info"]["title"],
        sources=tuple(
            SourceDescription(s["name"], s["url"], s.get("type", "openapi"))
            for s in raw["sourceDescriptions"]
        ),
        workflows=tuple(_workflow(w) for w in raw["workflows"]),
        raw=raw,
    )

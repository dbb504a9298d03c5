"""Run an Arazzo workflow over HTTP: steps in order, success criteria, actions, outputs.

Every step calls an OpenAPI operation of one of the workflow's source descriptions. ``server``
replaces every operation's server URL, so one flag points a whole workflow at the emulator.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx2

from loginkit.workflow.criteria import criterion_holds, describe
from loginkit.workflow.document import Action, ArazzoDocument, Parameter, Step, Workflow
from loginkit.workflow.errors import DocumentError, StepFailed
from loginkit.workflow.expressions import Exchange, Scope, interpolate, stringify
from loginkit.workflow.hints import criteria_read_the_body, pkce_hint, status_only_reason
from loginkit.workflow.inputs import prepare_inputs
from loginkit.workflow.pointer import set_pointer
from loginkit.workflow.sources import Operation, SourceSet, load_sources

__all__ = ["WorkflowRunner"]

MAX_STEP_RUNS = 1000
"""Bounds goto loops and retries: a workflow that runs more steps than this is stopped."""


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    url: str
    headers: dict[str, str]
    query: dict[str, str]
    path: dict[str, str]
    body: Any
    content: bytes | None


class WorkflowRunner:
    def __init__(
        self,
        document: ArazzoDocument,
        *,
        client: httpx2.Client,
        server: str | None = None,
        sources: SourceSet | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.document = document
        self.sources = sources if sources is not None else load_sources(document)
        self.client = client
        self.server = server.rstrip("/") if server else None
        self.sleep = sleep

    def run(self, workflow_id: str | None, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The workflow's outputs; raises ``WorkflowError`` subclasses on any failure."""
        workflow = self.document.workflow(workflow_id)
        if workflow.depends_on:
            raise DocumentError(f"workflow {workflow.workflow_id!r}: dependsOn is not supported")
        scope = Scope(
            inputs=prepare_inputs(workflow.inputs, inputs),
            sources={s.name: s.url for s in self.document.sources},
            workflow_id=workflow.workflow_id,
        )
        self._run_steps(workflow, scope)
        scope.exchange = None
        for name, expression in workflow.outputs.items():
            scope.outputs[name] = interpolate(expression, scope)
        return dict(scope.outputs)

    # ---- control flow -------------------------------------------------------------------------

    def _run_steps(self, workflow: Workflow, scope: Scope) -> None:
        positions = {step.step_id: i for i, step in enumerate(workflow.steps)}
        index, attempts = 0, 0
        for _ in range(MAX_STEP_RUNS):
            if index >= len(workflow.steps):
                return
            step = workflow.steps[index]
            failure = self._run_step(workflow, step, scope)
            actions = (
                (step.on_success or workflow.success_actions)
                if failure is None
                else (step.on_failure or workflow.failure_actions)
            )
            action = next(
                (a for a in actions if all(criterion_holds(c, scope) for c in a.criteria)), None
            )
            if failure is not None and (action is None or action.type == "end"):
                raise failure
            if failure is not None and action is not None and action.type == "retry":
                attempts += 1
                if attempts > action.retry_limit:
                    raise failure
                self.sleep(action.retry_after)
                continue
            attempts = 0
            if action is None:
                index += 1
            elif action.type == "end":
                return
            else:
                index = self._goto(action, positions, step)
        raise StepFailed(
            workflow.steps[index].step_id, f"more than {MAX_STEP_RUNS} steps ran: stopped"
        )

    @staticmethod
    def _goto(action: Action, positions: Mapping[str, int], step: Step) -> int:
        if action.step_id is None or action.step_id not in positions:
            target = action.step_id or f"workflow {action.workflow_id}"
            raise DocumentError(
                f"step {step.step_id!r}, action {action.name!r}: cannot go to {target!r} "
                "(only steps of the same workflow)"
            )
        return positions[action.step_id]

    # ---- one step -----------------------------------------------------------------------------

    def _run_step(self, workflow: Workflow, step: Step, scope: Scope) -> StepFailed | None:
        """Send the step's request; None when its criteria hold, else the failure to report."""
        operation = self.sources.for_step(step)
        scope.exchange = None
        request = self._build_request(
            operation, _merged(workflow.parameters, step.parameters), step, scope
        )
        try:
            response = self.client.request(
                request.method,
                request.url,
                params=request.query,
                headers=request.headers,
                content=request.content,
            )
        except httpx2.HTTPError as exc:
            raise StepFailed(
                step.step_id, f"{request.method} {request.url} could not be sent: {exc}"
            ) from exc
        body = _response_body(response)
        scope.exchange = Exchange(
            url=request.url,
            method=request.method,
            request_headers=request.headers,
            request_query=request.query,
            request_path=request.path,
            request_body=request.body,
            status=response.status_code,
            response_headers={k.lower(): v for k, v in response.headers.items()},
            response_body=body,
        )
        failed = self._failed_criterion(step, scope)
        if failed is not None:
            return StepFailed(
                step.step_id,
                failed,
                status=response.status_code,
                body=body,
                hint=pkce_hint(scope.exchange),
            )
        scope.steps[step.step_id] = {
            name: interpolate(expression, scope) for name, expression in step.outputs.items()
        }
        return None

    @staticmethod
    def _failed_criterion(step: Step, scope: Scope) -> str | None:
        """Why the step failed, or None. Criteria that never read the body cannot tell TikTok's
        HTTP 200 refusals from success, so such a step also fails on TikTok's error body."""
        exchange = scope.exchange
        assert exchange is not None
        if not step.success_criteria:
            status = exchange.status
            if not 200 <= status < 300:
                return f"HTTP {status} is not a 2xx status"
            return status_only_reason(exchange, "the 2xx status")
        for criterion in step.success_criteria:
            if not criterion_holds(criterion, scope):
                return f"success criterion {describe(criterion)} was not met"
        if criteria_read_the_body(step.success_criteria):
            return None
        held = ", ".join(describe(criterion) for criterion in step.success_criteria)
        return status_only_reason(exchange, f"success criterion {held}")

    def _build_request(
        self, operation: Operation, parameters: list[Parameter], step: Step, scope: Scope
    ) -> _Request:
        headers: dict[str, str] = {}
        query: dict[str, str] = {}
        path: dict[str, str] = {}
        cookies: list[str] = []
        for parameter in parameters:
            value = interpolate(parameter.value, scope)
            if value is None:
                continue  # an optional input left out: send nothing rather than an empty value
            text = stringify(value)
            if parameter.location == "header":
                headers[parameter.name] = text
            elif parameter.location == "query":
                query[parameter.name] = text
            elif parameter.location == "path":
                path[parameter.name] = text
            elif parameter.location == "cookie":
                cookies.append(f"{parameter.name}={quote(text, safe='')}")
            else:
                raise DocumentError(
                    f"step {step.step_id!r}: parameter {parameter.name!r} needs 'in'"
                )
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        body, content, content_type = self._body(operation, step, scope)
        if content_type is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        return _Request(
            method=operation.method,
            url=(self.server or operation.server_url.rstrip("/"))
            + _fill_path(operation.path, path, step),
            headers=headers,
            query=query,
            path=path,
            body=body,
            content=content,
        )

    @staticmethod
    def _body(
        operation: Operation, step: Step, scope: Scope
    ) -> tuple[Any, bytes | None, str | None]:
        """(evaluated payload, encoded bytes, content type) of the step's request body."""
        if step.request_body is None:
            return None, None, None
        content_type = step.request_body.content_type or next(
            iter(operation.request_content_types), "application/json"
        )
        payload = interpolate(copy.deepcopy(step.request_body.payload), scope)
        for target, value in step.request_body.replacements:
            set_pointer(payload, target, interpolate(value, scope))
        media_type = content_type.split(";")[0].strip().lower()
        if media_type == "application/x-www-form-urlencoded" and isinstance(payload, Mapping):
            form = {k: stringify(v) for k, v in payload.items() if v is not None}
            encoded = urlencode(form).encode()
        elif isinstance(payload, str):
            encoded = payload.encode()
        elif isinstance(payload, bytes):
            encoded = payload
        else:
            encoded = json.dumps(payload).encode()
        return payload, encoded, content_type


def _merged(
    workflow_level: tuple[Parameter, ...], step_level: tuple[Parameter, ...]
) -> list[Parameter]:
    """Step parameters override workflow parameters of the same name and location."""
    merged = {(p.name, p.location): p for p in workflow_level}
    merged.update({(p.name, p.location): p for p in step_level})
    return list(merged.values())


def _fill_path(template: str, values: Mapping[str, str], step: Step) -> str:
    def fill(name: str) -> str:
        if name not in values:
            raise DocumentError(f"step {step.step_id!r}: no value for path parameter {name!r}")
        return quote(values[name], safe="")

    parts = template.split("{")
    filled = [parts[0]]
    for part in parts[1:]:
        name, _, rest = part.partition("}")
        filled.append(fill(name) + rest)
    return "".join(filled)


def _response_body(response: httpx2.Response) -> Any:
    """JSON when the body is JSON, else the text."""
    if "json" in response.headers.get("content-type", ""):
        try:
            return response.json()
        except ValueError:
            pass
    return response.text

"""The MCP server: one tool per capability tool, on the official MCP SDK (``MCPServer``).

Each tool's input schema is the TikTok request it forwards (``tiktok_forms``), not the
capability's untyped ``body: object``; its annotations follow the capability's ``hints``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal, cast

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from loginkit.gateway.capability import Capability, McpAdapter, McpTool
from loginkit.gateway.redaction import redact
from loginkit.gateway.tiktok_forms import FormField, request_fields
from loginkit.gateway.upstream import Upstream, UpstreamError, UpstreamReply

ToolFunction = Callable[..., Awaitable[dict[str, Any]]]


def build_mcp_server(
    capability: Capability,
    adapter: McpAdapter,
    upstream: Upstream,
    *,
    optional_fields: frozenset[str] = frozenset(),
) -> MCPServer:
    server: MCPServer = MCPServer(
        adapter.namespace,
        title=capability.label,
        description=adapter.description or capability.description,
    )
    for tool in adapter.tools:
        server.add_tool(
            tool_function(tool, upstream, optional_fields=optional_fields),
            name=tool.name,
            description=tool.description,
            annotations=ToolAnnotations(
                title=tool.description,
                read_only_hint=tool.hints.read_only,
                destructive_hint=tool.hints.destructive,
                idempotent_hint=tool.hints.idempotent,
                open_world_hint=tool.hints.open_world,
            ),
        )
    return server


def tool_function(
    tool: McpTool, upstream: Upstream, *, optional_fields: frozenset[str]
) -> ToolFunction:
    """A typed tool function: its signature (hence input schema) is the upstream's form."""
    fields = request_fields(tool.operation.path)

    async def call(**arguments: Any) -> dict[str, Any]:
        if fields is None:
            form = {
                name: str(value)
                for parameter in tool.operation.body_parameters
                for name, value in arguments[parameter].items()
            }
        else:
            form = {name: value for name, value in arguments.items() if value is not None}
        try:
            reply = await upstream.call(tool.operation, form)
        except UpstreamError as exc:
            raise ToolError(f"gateway error: {json.dumps(exc.to_body())}") from exc
        if refusal := _refusal(reply):
            raise ToolError(refusal)
        result = tool.output.extract(reply.body)
        return result if isinstance(result, dict) else {"result": result}

    if fields is None:
        parameters = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=dict[str, str | int | float]
            )
            for name in tool.operation.body_parameters
        ]
    else:
        parameters = _ordered(
            [_parameter(field, optional=field.name in optional_fields) for field in fields]
        )
    # MCPServer reads the signature (pydantic builds the input schema from it).
    call.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters, return_annotation=dict[str, Any]
    )
    call.__name__ = tool.name.replace("-", "_")
    call.__doc__ = tool.description
    return call


def _parameter(field: FormField, *, optional: bool) -> inspect.Parameter:
    described = Field(description=field.description)
    if field.constant is not None:
        annotation: Any = Annotated[cast(Any, Literal)[field.constant], described]
        default: Any = field.constant
    elif field.required and not optional:
        annotation, default = Annotated[str, described], inspect.Parameter.empty
    else:
        annotation, default = Annotated[str | None, described], None
    return inspect.Parameter(
        field.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _ordered(parameters: list[inspect.Parameter]) -> list[inspect.Parameter]:
    # Keyword-only parameters may come in any order; required first reads better in schemas.
    return sorted(parameters, key=lambda p: p.default is not inspect.Parameter.empty)


def _refusal(reply: UpstreamReply) -> str | None:
    """TikTok's refusal as tool-error text, or None; some refusals arrive with HTTP 200."""
    if reply.ok:
        return None
    body = reply.body if isinstance(reply.body, dict) else {}
    error = body.get("error")
    carried = {
        "status": reply.status,
        "error": error if isinstance(error, str) else "upstream_error",
        "error_description": body.get("error_description", ""),
        "log_id": body.get("log_id", ""),
    }
    return redact(f"TikTok refused the request: {json.dumps(carried)}")

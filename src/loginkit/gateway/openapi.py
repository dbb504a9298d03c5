"""The REST adapter's own OpenAPI 3.1 document, served at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from loginkit.gateway.capability import Capability, RestAdapter
from loginkit.gateway.tiktok_forms import request_schema

_TIKTOK_ERROR = {
    "type": "object",
    "description": "TikTok's refusal, passed through unchanged.",
    "properties": {
        "error": {"type": "string"},
        "error_description": {"type": "string"},
        "log_id": {"type": "string"},
    },
    "required": ["error"],
}
_GATEWAY_ERROR = {
    "type": "object",
    "description": "The gateway's own error: the upstream is down, too slow or not speaking JSON.",
    "properties": {
        "error": {"type": "string"},
        "error_description": {"type": "string"},
        "upstream": {"type": "string", "description": "The upstream base URL."},
    },
    "required": ["error", "error_description", "upstream"],
}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def rest_openapi(
    capability: Capability, adapter: RestAdapter, *, optional_fields: frozenset[str]
) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for operation in adapter.operations:
        schema = request_schema(operation.operation.path, optional=optional_fields)
        paths.setdefault(operation.path, {})[operation.method.lower()] = {
            "operationId": operation.name or operation.operation.name,
            "summary": operation.description,
            "description": (
                f"Forwarded to upstream {operation.operation.method} {operation.operation.path} "
                "as application/x-www-form-urlencoded; the upstream's status and JSON come back "
                "unchanged."
            ),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": schema},
                    "application/x-www-form-urlencoded": {"schema": schema},
                },
            },
            "responses": {
                "200": {
                    "description": (
                        "The upstream's JSON answer. TikTok answers OAuth refusals with HTTP 200 "
                        "too, as a TikTokError body: an `error` field means refused."
                    ),
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "400": _json("TikTokError", "Refused by TikTok, or a body the gateway can't read."),
                "401": _json("TikTokError", "Refused by TikTok (client authentication)."),
                "502": _json("GatewayError", "The upstream is unreachable or answered non-JSON."),
                "504": _json("GatewayError", "The upstream did not answer in time."),
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{capability.label} (loginkit gateway)",
            "version": "1.0.0",
            "description": adapter.description or capability.description,
        },
        "paths": paths,
        "components": {"schemas": {"TikTokError": _TIKTOK_ERROR, "GatewayError": _GATEWAY_ERROR}},
    }

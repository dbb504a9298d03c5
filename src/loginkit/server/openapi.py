"""``/openapi.json``: what this server serves, from the OpenAPI documents loginkit ships.

The TikTok-facing operations come verbatim from ``specs/openapi/*.yml`` (the same documents the
Arazzo workflow runs on), re-pointed at this server; the control API is described here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from loginkit.server.context import settings
from loginkit.specs import specs_dir

__all__ = ["openapi_document", "openapi_json"]

SOURCES = ("tiktok-login-kit-openapi.yml", "tiktok-display-openapi.yml")

_JSON_OBJECT = {"type": "object", "additionalProperties": True}
_CONTROL_ERROR = {"$ref": "#/components/schemas/ControlError"}


def _control_operation(summary: str, request: bool, status: str = "200") -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": ["Emulator control"],
        "summary": summary,
        "security": [{"adminToken": []}],
        "responses": {
            status: {
                "description": "OK",
                "content": {"application/json": {"schema": _JSON_OBJECT}},
            },
            "400": {
                "description": "Invalid request",
                "content": {"application/json": {"schema": _CONTROL_ERROR}},
            },
            "401": {
                "description": "Admin token missing or wrong",
                "content": {"application/json": {"schema": _CONTROL_ERROR}},
            },
        },
    }
    if request:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _JSON_OBJECT}},
        }
    return operation


CONTROL_PATHS: dict[str, dict[str, Any]] = {
    "/emulator/apps": {
        "post": _control_operation("Register an app", request=True, status="201"),
        "get": _control_operation("List apps", request=False),
    },
    "/emulator/apps/{client_key}": {
        "parameters": [
            {"name": "client_key", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "get": _control_operation("Show an app", request=False),
        "delete": _control_operation("Delete an app and its tokens", request=False, status="204"),
    },
    "/emulator/apps/{client_key}/secret": {
        "parameters": [
            {"name": "client_key", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "post": _control_operation("Rotate the client secret", request=False),
    },
    "/emulator/users": {
        "post": _control_operation("Create a test user", request=True, status="201"),
        "get": _control_operation("List test users", request=False),
    },
    "/emulator/authorize": {"post": _control_operation("Approve or deny as a user", request=True)},
    "/emulator/clock": {
        "get": _control_operation("Read the emulator's clock", request=False),
        "post": _control_operation("Advance the emulator's clock", request=True),
    },
    "/emulator/reset": {
        "post": _control_operation("Delete everything but the admin token", request=False)
    },
}


def _merge_components(target: dict[str, Any], source: dict[str, Any], origin: str) -> None:
    for section, entries in source.items():
        merged = target.setdefault(section, {})
        for name, value in entries.items():
            if name in merged and merged[name] != value:
                raise ValueError(f"{origin}: component {section}/{name} differs between documents")
            merged[name] = value


@cache
def openapi_document(base_url: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "loginkit TikTok Login Kit emulator",
            "version": "v2",
            "description": "TikTok Login Kit v2, Display API user info and the control API.",
        },
        "servers": [{"url": base_url}],
        "paths": {},
        "components": {
            "schemas": {
                "ControlError": {
                    "type": "object",
                    "required": ["error", "error_description", "log_id"],
                    "properties": {
                        k: {"type": "string"} for k in ("error", "error_description", "log_id")
                    },
                }
            },
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
        },
    }
    for name in SOURCES:
        source = yaml.safe_load((specs_dir() / "openapi" / name).read_text(encoding="utf-8"))
        for path, item in source["paths"].items():
            item = {k: v for k, v in item.items() if k != "servers"}  # all of it is served here
            document["paths"][path] = item
        _merge_components(document["components"], source.get("components", {}), name)
        document.setdefault("tags", []).extend(
            t for t in source.get("tags", []) if t not in document.get("tags", [])
        )
    document["paths"].update(CONTROL_PATHS)
    return document


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document(settings(request).base_url))

"""Small OpenAPI and Arazzo documents for runner tests, written to a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TOKEN_RESPONSE: dict[str, Any] = {
    "access_token": "act.T",
    "expires_in": 86400,
    "open_id": "o-1",
    "refresh_expires_in": 31536000,
    "refresh_token": "rft.R",
    "scope": "user.info.basic",
    "token_type": "Bearer",
}
"""TikTok's documented success answer of the code exchange."""


def write_sources(folder: Path) -> None:
    """Two sources: ``pets`` (JSON API with a path parameter) and ``auth`` (form token endpoint)."""
    (folder / "pets.yml").write_text(
        yaml.safe_dump(
            {
                "openapi": "3.1.0",
                "info": {"title": "Pets", "version": "1"},
                "servers": [
                    {
                        "url": "https://{region}.pets.test/api",
                        "variables": {"region": {"default": "eu"}},
                    }
                ],
                "paths": {
                    "/pets/{petId}": {
                        "get": {
                            "operationId": "getPet",
                            "responses": {"200": {"description": "ok"}},
                        },
                        "put": {
                            "operationId": "updatePet",
                            "requestBody": {"content": {"application/json": {"schema": {}}}},
                            "responses": {"200": {"description": "ok"}},
                        },
                    },
                    "/token": {
                        "post": {
                            "operationId": "shared",
                            "responses": {"200": {"description": "ok"}},
                        }
                    },
                },
            }
        )
    )
    (folder / "auth.yml").write_text(
        yaml.safe_dump(
            {
                "openapi": "3.1.0",
                "info": {"title": "Auth", "version": "1"},
                "servers": [{"url": "https://auth.test"}],
                "paths": {
                    "/token": {
                        "post": {
                            "operationId": "shared",
                            "requestBody": {
                                "content": {"application/x-www-form-urlencoded": {"schema": {}}}
                            },
                            "responses": {"200": {"description": "ok"}},
                        }
                    }
                },
            }
        )
    )


def write_workflow(folder: Path, steps: list[dict[str, Any]], **workflow: Any) -> Path:
    write_sources(folder)
    document = {
        "arazzo": "1.0.1",
        "info": {"title": "Test", "version": "1"},
        "sourceDescriptions": [
            {"name": "pets", "url": "./pets.yml", "type": "openapi"},
            {"name": "auth", "url": "auth.yml", "type": "openapi"},
        ],
        "workflows": [{"workflowId": "flow", "steps": steps, **workflow}],
    }
    path = folder / "flow.arazzo.yml"
    path.write_text(yaml.safe_dump(document))
    return path

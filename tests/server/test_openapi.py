"""The emulator publishes what it serves at /openapi.json."""

from __future__ import annotations

import httpx2
from openapi_spec_validator import validate

from tests.support.emulator import EmulatorProcess


def test_openapi_document_is_valid_and_points_here(emulator: EmulatorProcess) -> None:
    document = httpx2.get(f"{emulator.base_url}/openapi.json").json()
    validate(document)
    assert document["servers"] == [{"url": emulator.base_url}]
    for path in ("/v2/oauth/token/", "/v2/oauth/revoke/", "/v2/user/info/", "/v2/auth/authorize/"):
        assert path in document["paths"]
        assert "servers" not in document["paths"][path]


def test_every_documented_operation_is_served(emulator: EmulatorProcess) -> None:
    document = httpx2.get(f"{emulator.base_url}/openapi.json").json()
    for path, item in document["paths"].items():
        concrete = path.replace("{client_key}", "awnosuchapp00000")
        for method in ("get", "post", "delete"):
            if method in item:
                response = httpx2.request(method.upper(), f"{emulator.base_url}{concrete}")
                assert response.status_code not in (404, 405) or "{" in path, (method, path)

"""The emulator's JSON responses are rendered by orjson; the bytes are the ones Starlette's own
``JSONResponse`` writes (TikTok's byte-for-byte field order, compact, UTF-8 unescaped)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.responses import JSONResponse as StarletteJSONResponse

from loginkit.server.responses import JSONResponse

BODIES: list[Any] = [
    {
        "access_token": "act.example",
        "expires_in": 86400,
        "open_id": "-000abc",
        "refresh_expires_in": 31536000,
        "refresh_token": "rft.example",
        "scope": "user.info.basic,user.info.profile",
        "token_type": "Bearer",
    },
    {"error": "invalid_grant", "error_description": "Code is expired.", "log_id": "2"},
    {
        "data": {"user": {"display_name": "Amélie 🌱 \"q\" \\ </script>", "is_verified": True}},
        "error": {"code": "ok", "message": "", "log_id": "20261201"},
    },
    {"data": [1, 2.5, None, False], "nested": {"empty": {}, "list": []}},
]


@pytest.mark.parametrize("body", BODIES)
def test_same_bytes_as_starlette(body: Any) -> None:
    assert JSONResponse(body).body == StarletteJSONResponse(body).body

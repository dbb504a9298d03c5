"""TikTok's documented answers, verbatim from /work/shared/tiktok-wire-facts.md (§3-§6)."""

from __future__ import annotations

from typing import Any

TOKEN_RESPONSE: dict[str, Any] = {
    "access_token": "act.example12345Example12345Example",
    "expires_in": 86400,
    "open_id": "afd97af1-b87b-48b9-ac98-410aghda5344",
    "refresh_expires_in": 31536000,
    "refresh_token": "rft.example12345Example12345Example",
    "scope": "user.info.basic,video.list",
    "token_type": "Bearer",
}

CLIENT_TOKEN_RESPONSE: dict[str, Any] = {
    "access_token": "clt.example12345Example12345Example",
    "expires_in": 7200,
    "token_type": "Bearer",
}

MALFORMED_ERROR: dict[str, Any] = {
    "error": "invalid_request",
    "error_description": "The request parameters are malformed.",
    "log_id": "202206221854370101130062072500FFA2",
}

REDIRECT_MISMATCH_ERROR: dict[str, Any] = {
    "error": "invalid_request",
    "error_description": "Redirect_uri is not matched with the uri when requesting code.",
    "log_id": "202206221854370101130062072500FFA2",
}

USER_INFO_RESPONSE: dict[str, Any] = {
    "data": {
        "user": {
            "avatar_url": "https://p19-sign.tiktokcdn-us.com/tos-avt-0068-tx/"
            "b17f0e4b3a4f4a50993cf72cda8b88b8~c5_168x168.jpeg",
            "open_id": "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
            "union_id": "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1",
        }
    },
    "error": {"code": "ok", "message": "", "log_id": "20220829194722CBE87ED59D524E727021"},
}

USER_INFO_TOKEN_INVALID: dict[str, Any] = {
    "data": {},
    "error": {
        "code": "access_token_invalid",
        "message": "Access token is invalid, please refresh token and retry",
        "log_id": "20220829194722CBE87ED59D524E727021",
    },
}

CODE = "wFPH5DePZMb07BPJ...ELY*0!6410"
"""The documented code example: ``*``, ``!`` and ``.`` must reach TikTok intact."""

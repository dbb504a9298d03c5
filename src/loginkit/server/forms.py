"""Reading request parameters strictly: form bodies for OAuth endpoints, single-valued queries.

TikTok's v2 token endpoints accept ``application/x-www-form-urlencoded`` and nothing else
(migration guide, FAQ 4). Duplicate parameters, broken percent-encoding, bad UTF-8 and oversized
bodies are refused with TikTok's ``invalid_request`` rather than guessed at.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from starlette.requests import Request

from loginkit.core.errors import InvalidRequest, RequestTooLarge

__all__ = ["FORM_CONTENT_TYPE", "parse_params", "read_form", "read_query"]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_BROKEN_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def parse_params(raw: str) -> dict[str, str]:
    """Decode ``a=1&b=2`` into single values; raises ``InvalidRequest`` on anything ambiguous."""
    if _BROKEN_PERCENT.search(raw):
        raise InvalidRequest(detail="broken percent-encoding in the request parameters")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest(detail=f"undecodable request parameters: {exc}") from exc
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise InvalidRequest(f"Parameter {name} is duplicated.", detail=f"duplicate {name!r}")
        params[name] = value
    return params


def read_query(request: Request) -> dict[str, str]:
    """The query string, read as ``parse_params`` reads it, straight from the ASGI scope (building
    ``request.url`` cost more than parsing); kept for the request log."""
    try:
        raw = request.scope["query_string"].decode()
    except UnicodeDecodeError as exc:
        raise InvalidRequest(detail="the query string is not UTF-8") from exc
    query = parse_params(raw)
    request.state.query = query
    return query


async def read_form(request: Request, max_bytes: int) -> dict[str, str]:
    content_types = request.headers.getlist("content-type")
    if len(content_types) > 1:
        # A framework's form helper plus a hand-set header: TikTok refuses the request.
        raise InvalidRequest.not_form(
            detail=f"{len(content_types)} Content-Type headers",
            rule="request.content_type_duplicated",
            explanation=f"The request has {len(content_types)} Content-Type headers; TikTok "
            "refuses that even when one is the form type. Send one (a form helper usually sets "
            "it already: drop the hand-set header).",
        )
    media_type = (content_types or [""])[0].split(";")[0].strip().lower()
    if media_type != FORM_CONTENT_TYPE:
        request.state.form = await _refused_body_params(request, max_bytes)
        raise InvalidRequest.not_form(
            detail=f"content-type {media_type or '(none)'!r}",
            explanation=f"The body was sent as {media_type or 'no Content-Type'}; TikTok's "
            f"OAuth endpoints read only {FORM_CONTENT_TYPE} bodies (parameters sent otherwise "
            "are not seen). Send the parameters as a form.",
        )
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise RequestTooLarge(f"The request body exceeds {max_bytes} bytes.")
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(detail="request body is not percent-encoded ASCII") from exc
    form = parse_params(text)
    request.state.form = form  # shown, masked, in the request log
    return form


async def _refused_body_params(request: Request, max_bytes: int) -> dict[str, str]:
    """The string fields of a JSON (or unlabelled form) body that is refused: the request log
    still shows what was sent and by which app."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            return {}
    try:
        data = json.loads(body)
    except ValueError:
        return dict(parse_qsl(body.decode("latin-1")))
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)}

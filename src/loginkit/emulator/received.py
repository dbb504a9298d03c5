"""What a request carried, as the request log keeps it: parameters with secrets masked, and the
app it concerns.

Only what the handler already read is used (the query string, the form ``read_form`` parsed, the
Authorization header), so recording does no I/O.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from loginkit.core.masking import SECRET_PARAMS, mask
from loginkit.core.observations import Observations
from loginkit.emulator.request_log import RequestLog

__all__ = ["ANSWER_OF", "client_of", "received_params"]

ANSWER_OF = "error_body_of:"
"""Observation prefix: the presented token quotes the error answer of this log_id."""


def received_params(request: Request) -> dict[str, str]:
    parsed = getattr(request.state, "query", None)  # the handler's own reading (``read_query``)
    if isinstance(parsed, dict):
        params = dict(parsed)
    else:
        query: bytes = request.scope.get("query_string", b"")
        params = dict(parse_qsl(query.decode(errors="replace"), keep_blank_values=True))
    form = getattr(request.state, "form", None)
    if isinstance(form, dict):
        params.update(form)
    masked = {k: mask(v) if k in SECRET_PARAMS else v for k, v in params.items()}
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, credentials = authorization.partition(" ")
        masked["Authorization"] = f"{scheme} {mask(credentials.strip())}".strip()
    return masked


def client_of(
    request: Request, log: RequestLog, params: dict[str, str], observed: Observations
) -> str | None:
    """The client_key the request named (or misnamed ``client_id``), the app of its bearer token,
    or the app of the request whose error answer it presents as a token."""
    named: str | None = getattr(request.state, "client_key", None)
    found = named or params.get("client_key") or params.get("client_id") or observed.client_key
    if found:
        return found
    for tag in observed.tags:
        if tag.startswith(ANSWER_OF):
            answered = log.find(tag.removeprefix(ANSWER_OF))
            if answered is not None:
                return answered.client_key
    return None

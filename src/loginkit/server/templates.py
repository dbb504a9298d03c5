"""Jinja2 pages, with the headers every page sends (no framing, a strict CSP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

__all__ = ["render"]

_templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self' http: https:"
    ),
    "X-Frame-Options": "DENY",
    # Not "no-referrer": with it, browsers post our own forms with "Origin: null", which the
    # same-origin check of server/security.py must refuse.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    response = _templates.TemplateResponse(request, template, context, status_code=status)
    response.headers.update(PAGE_HEADERS)
    return response

"""What every portal page shares: the access guard, CSRF on every POST, flash notices."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from loginkit.server.endpoint import Family, endpoint
from loginkit.server.security import CsrfError, check_csrf, csrf_token, portal_admin_granted
from loginkit.server.templates import render

__all__ = ["field", "open_on_loopback", "page", "redirect", "render_page"]

PageHandler = Callable[..., Awaitable[Response]]


def page(handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
    """Guard a portal handler: sign-in required, and a POST must carry the session's CSRF token.

    A POST handler receives the parsed form as its second argument.
    """

    @wraps(handler)
    async def guarded(request: Request) -> Response:
        if not portal_admin_granted(request):
            return RedirectResponse(
                "/portal/login?next=" + quote(request.url.path), status_code=303
            )
        if request.method != "POST":
            return await handler(request)
        form = await request.form()
        try:
            check_csrf(request, form)
        except CsrfError as exc:
            return render(request, "portal/denied.html", {"reason": str(exc)}, status=403)
        return await handler(request, form)

    return endpoint(Family.CONTROL)(guarded)


def open_on_loopback(request: Request) -> bool:
    """Let in without signing in: ``loginkit up`` (``make run``) and a browser on this machine."""
    return request.session.get("admin") is not True and portal_admin_granted(request)


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def redirect(path: str, request: Request, notice: str | None = None) -> RedirectResponse:
    if notice:
        request.session["notice"] = notice
    return RedirectResponse(path, status_code=303)


def when(epoch: float) -> str:
    """A timestamp as the portal shows it (UTC, to the second)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def render_page(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> Response:
    context = {
        "csrf": csrf_token(request),
        "when": when,
        "notice": request.session.pop("notice", None),
        "section": request.url.path.split("/")[2] if request.url.path.count("/") > 1 else "",
        "open_on_loopback": open_on_loopback(request),
        **context,
    }
    return render(request, template, context, status=status)

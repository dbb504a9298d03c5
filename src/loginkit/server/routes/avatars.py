"""``/avatars/<user_id>.svg``: the emulator's stand-in for TikTok's avatar CDN.

Initials on a colour: both come from the query (``bg``, ``initials``) when the persona chose
them, else from the user's display name and a colour derived from the user_id.
"""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.server.context import service
from loginkit.server.personas import initials

__all__ = ["routes"]

PALETTE = ("fe2c55", "25f4ee", "7c5cff", "ff9f1c", "2ec4b6", "e71d36", "3a86ff", "8338ec")
_HEX = re.compile(r"^[0-9a-fA-F]{6}$")


async def avatar(request: Request) -> Response:
    user_id = request.path_params["user_id"]
    colour = request.query_params.get("bg", "")
    if not _HEX.match(colour):
        colour = PALETTE[hashlib.sha256(user_id.encode()).digest()[0] % len(PALETTE)]
    letters = request.query_params.get("initials", "")[:2]
    if not letters:
        user = await service(request).store.get_user(user_id)
        letters = initials(user.display_name) if user else "?"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
        f'<rect width="100" height="100" fill="#{colour}"/>'
        '<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="system-ui,sans-serif" '
        f'font-size="40" font-weight="600" fill="#fff">{escape(letters)}</text></svg>'
    )
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=300"}
    )


routes = [Route("/avatars/{user_id}.svg", avatar, methods=["GET"])]

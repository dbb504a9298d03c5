"""Test users ("personas") from forms: the login page's quick sign-up and the portal's editor.

Every Display API field can be set. Without an avatar URL a persona gets the emulator's own
avatar: its initials on a colour of its choosing, served at ``/avatars/<user_id>.svg``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request

from loginkit.core.models import User
from loginkit.core.secrets import new_id
from loginkit.core.store import AlreadyExists
from loginkit.emulator.runtime import admin_store
from loginkit.server.context import service, settings

__all__ = ["COUNT_FIELDS", "avatar_path", "avatar_src", "initials", "persona_from_form"]

USERNAME = re.compile(r"^[a-z0-9._]{2,24}$")
COLOUR = re.compile(r"^#?[0-9a-fA-F]{6}$")
COUNT_FIELDS = ("follower_count", "following_count", "likes_count", "video_count")
MAX_TEXT = 200


def initials(display_name: str) -> str:
    words = [w for w in re.split(r"\s+", display_name.strip()) if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def avatar_path(user_id: str, colour: str, letters: str) -> str:
    return f"/avatars/{user_id}.svg?" + urlencode({"bg": colour.lstrip("#"), "initials": letters})


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _read_fields(
    form: FormData, user_id: str, base_url: str
) -> tuple[dict[str, object], list[str]]:
    errors: list[str] = []
    username = _text(form, "username").lstrip("@").lower()
    if not USERNAME.match(username):
        errors.append("Username: 2 to 24 characters, letters, digits, '.' or '_'.")
    display_name = _text(form, "display_name") or username
    if len(display_name) > 64:
        errors.append("Display name: at most 64 characters.")
    fields: dict[str, object] = {"username": username, "display_name": display_name}
    colour = _text(form, "avatar_colour")
    avatar_url = _text(form, "avatar_url")
    if avatar_url and not avatar_url.startswith(("https://", "http://")):
        errors.append("Avatar URL: an http(s) address, or leave it empty for initials.")
    elif colour and not COLOUR.match(colour):
        errors.append("Avatar colour: a hex colour such as #fe2c55.")
    elif colour or not avatar_url:
        letters = _text(form, "avatar_initials")[:2].upper() or initials(display_name)
        avatar_url = base_url + avatar_path(user_id, colour or "#25f4ee", letters)
    fields["avatar_url"] = avatar_url
    if "bio_description" in form:
        bio = _text(form, "bio_description")
        if len(bio) > MAX_TEXT:
            errors.append(f"Bio: at most {MAX_TEXT} characters.")
        fields["bio_description"] = bio
    if "profile" in form:  # the portal's full editor, where an unticked box means False
        fields["is_verified"] = form.get("is_verified") == "on"
    for name in COUNT_FIELDS:
        if name in form:
            raw = _text(form, name) or "0"
            if not raw.isdigit():
                errors.append(f"{name.replace('_', ' ').capitalize()}: a whole number ≥ 0.")
            else:
                fields[name] = int(raw)
    return fields, errors


async def persona_from_form(
    request: Request, form: FormData, existing: User | None = None
) -> User | list[str]:
    """Create (or, given ``existing``, update) a persona; returns it, or the form's errors."""
    user_id = existing.user_id if existing else new_id()
    fields, errors = _read_fields(form, user_id, settings(request).base_url)
    if errors:
        return errors
    try:
        if existing is None:
            user = User(
                user_id=user_id,
                created_at=service(request).clock.now(),
                **fields,  # type: ignore[arg-type]
            )
            await service(request).store.create_user(user)
        else:
            user = replace(existing, **fields)  # type: ignore[arg-type]
            await admin_store(request).update_user(user)
    except AlreadyExists:
        return [f"Username: {fields['username']} is taken."]
    return user


def avatar_src(base_url: str, user: User) -> str:
    """The avatar to show on our own pages: never a third-party image (the CSP allows none)."""
    if user.avatar_url.startswith(base_url + "/avatars/"):
        return user.avatar_url.removeprefix(base_url)
    return f"/avatars/{user.user_id}.svg"

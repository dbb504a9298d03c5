"""``--login-as``: get an authorization code from the emulator's control API before a run.

The user is found by username; the scopes requested are those the workflow's user ``fields``
need (TikTok's field → scope table), and the user grants all of them unless told otherwise, so a
narrower grant reproduces TikTok's scope refusal at the profile step. A workflow with an input
sent as ``code_verifier`` gets a code minted with PKCE (S256), as TikTok requires for web apps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from loginkit.core.scopes import BASIC_SCOPE, USER_FIELDS, format_scopes, split_commas
from loginkit.workflow.document import Workflow
from loginkit.workflow.errors import ControlApiError
from loginkit.workflow.expressions import is_expression
from loginkit.workflow.hints import NO_PKCE_SWITCH, oauth_error

__all__ = ["fields_inputs", "obtain_code", "scopes_for_fields", "verifier_input"]


def fields_inputs(workflow: Workflow) -> list[str]:
    """Names of the inputs passed as a ``fields`` query parameter (``$inputs.<name>``)."""
    names = []
    for step in workflow.steps:
        for parameter in step.parameters:
            value = parameter.value
            if (
                parameter.name == "fields"
                and parameter.location == "query"
                and is_expression(value)
            ):
                root, _, name = str(value).strip().partition(".")
                if root == "$inputs" and name not in names:
                    names.append(name)
    return names


def verifier_input(workflow: Workflow) -> str | None:
    """The input a step sends as the form field ``code_verifier`` (``$inputs.<name>``), if any."""
    for step in workflow.steps:
        payload = step.request_body.payload if step.request_body is not None else None
        value = payload.get("code_verifier") if isinstance(payload, Mapping) else None
        if is_expression(value):
            root, _, name = str(value).strip().partition(".")
            if root == "$inputs" and name:
                return name
    return None


def scopes_for_fields(field_lists: Iterable[str]) -> tuple[str, ...]:
    """``user.info.basic`` plus every scope the comma-separated user fields need."""
    needed = {BASIC_SCOPE}
    for fields in field_lists:
        needed.update(USER_FIELDS[f] for f in split_commas(fields) if f in USER_FIELDS)
    return tuple(split_commas(format_scopes(needed)))


def _control(
    client: httpx2.Client, method: str, url: str, admin_token: str, json: Any = None
) -> Any:
    try:
        response = client.request(
            method, url, json=json, headers={"Authorization": f"Bearer {admin_token}"}
        )
    except httpx2.HTTPError as exc:
        raise ControlApiError(f"the control API at {url} cannot be reached: {exc}") from exc
    if response.status_code >= 300 or _refusal(response) is not None:
        raise ControlApiError(
            f"the control API refused {method} {url}: HTTP {response.status_code} {response.text}"
        )
    return response.json()


def _refusal(response: httpx2.Response) -> str | None:
    try:
        return oauth_error(response.json())
    except ValueError:
        return None


def _user_id(client: httpx2.Client, base_url: str, admin_token: str, username: str) -> str:
    users: list[Mapping[str, Any]] = _control(
        client, "GET", f"{base_url}/emulator/users", admin_token
    )
    for user in users:
        if user.get("username") == username:
            return str(user["user_id"])
    known = ", ".join(sorted(str(u.get("username")) for u in users)) or "none"
    raise ControlApiError(f"the emulator has no user {username!r} (users: {known})")


def obtain_code(
    client: httpx2.Client,
    base_url: str,
    admin_token: str,
    *,
    username: str,
    client_key: str,
    redirect_uri: str,
    requested: tuple[str, ...],
    granted: tuple[str, ...],
    code_challenge: str | None = None,
) -> str:
    """Sign ``username`` in to the app and approve ``granted``; returns the (decoded) code.

    ``code_challenge`` (S256) binds the code to a verifier; without it the emulator refuses web
    apps unless it runs with ``--no-require-pkce-for-web``, and that refusal is explained.
    """
    base_url = base_url.rstrip("/")
    body = {
        "user_id": _user_id(client, base_url, admin_token, username),
        "approve": list(granted),
        "client_key": client_key,
        "redirect_uri": redirect_uri,
        "scope": ",".join(requested),
        "state": "loginkit-workflow",
        "response_type": "code",
    }
    if code_challenge is not None:
        body |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
    try:
        result = _control(client, "POST", f"{base_url}/emulator/authorize", admin_token, body)
    except ControlApiError as exc:
        if code_challenge is None and "code_challenge" in str(exc):
            raise ControlApiError(
                f"{exc} — the emulator requires PKCE for web apps, as TikTok does, and this "
                "workflow sends no code_verifier (no input feeds it). Run loginkit's shipped "
                "workflow, whose codeVerifier input --login-as fills in, or start the emulator "
                f"with {NO_PKCE_SWITCH}"
            ) from exc
        raise
    query = parse_qs(urlsplit(str(result.get("redirect_to", ""))).query)
    if "code" not in query:
        raise ControlApiError(f"the emulator did not issue a code: {result}")
    return query["code"][0]

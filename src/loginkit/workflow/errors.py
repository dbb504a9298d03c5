"""What can go wrong running an Arazzo workflow, each with a message fit for the terminal."""

from __future__ import annotations

import json

__all__ = [
    "ControlApiError",
    "DocumentError",
    "ExpressionError",
    "InputError",
    "StepFailed",
    "WorkflowError",
    "api_error_summary",
]


class WorkflowError(Exception):
    """Base of every workflow refusal; ``str(error)`` is the whole message for the user."""


class DocumentError(WorkflowError):
    """The Arazzo document or one of its source descriptions is invalid or cannot be resolved."""


class ControlApiError(WorkflowError):
    """The emulator's control API refused to sign a user in (``--login-as``)."""


class InputError(WorkflowError):
    """The inputs do not satisfy the workflow's input schema."""


class ExpressionError(WorkflowError):
    """A runtime expression is malformed or refers to something that does not exist."""


def api_error_summary(body: object) -> str | None:
    """``code: description`` from an OAuth error body (``{error, error_description}``) or a
    v2 API envelope (``{error: {code, message}}``); None when the body carries no error."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, str):
        return f"{error}: {body.get('error_description', '')}".rstrip(": ")
    if isinstance(error, dict) and error.get("code") not in (None, "ok"):
        return f"{error.get('code')}: {error.get('message', '')}".rstrip(": ")
    return None


class StepFailed(WorkflowError):
    """A step's success criteria did not hold, or its request could not be sent; ``hint`` says
    what TikTok's answer means when the answer alone does not (a last ``hint:`` line)."""

    def __init__(
        self,
        step_id: str,
        reason: str,
        *,
        status: int | None = None,
        body: object = None,
        hint: str | None = None,
    ) -> None:
        self.step_id = step_id
        self.reason = reason
        self.status = status
        self.body = body
        self.hint = hint
        lines = [f"step {step_id!r} failed: {reason}"]
        if status is not None:
            lines.append(f"response: HTTP {status}")
            summary = api_error_summary(body)
            if summary:
                lines.append(f"error: {summary}")
            lines.append(body if isinstance(body, str) else json.dumps(body, ensure_ascii=False))
        if hint:
            lines.append(f"hint: {hint}")
        super().__init__("\n".join(lines))

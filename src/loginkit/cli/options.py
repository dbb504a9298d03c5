"""Click options made from ``Settings`` fields, and the settings a command's options resolve to.

An option exists for every field of the given groups; it has no default of its own (the field's
default shows in ``--help``), so an option not given leaves the ``LOGINKIT_*`` variable, the
``.env`` file or the field's default in force.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from loginkit.config import Group, Settings

__all__ = ["settings_from_context", "settings_options"]

F = TypeVar("F", bound=Callable[..., Any])

def _group(info: FieldInfo) -> Group:
    extra = info.json_schema_extra
    return Group(str(extra["group"])) if isinstance(extra, dict) else Group.SERVER


def _value_type(annotation: Any) -> Any:
    """``int`` of ``int | None``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (value_type,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return value_type
    return annotation


def _click_type(value_type: Any) -> Any:
    if isinstance(value_type, type) and issubclass(value_type, Enum):
        return click.Choice([member.value for member in value_type])
    if value_type is Path:
        return click.Path(dir_okay=False, path_type=Path)
    return {int: click.INT, float: click.FLOAT}.get(value_type, click.STRING)


def _option(name: str, info: FieldInfo) -> Callable[[F], F]:
    value_type = _value_type(info.annotation)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    declaration = str(extra.get("option") or f"--{name.replace('_', '-')}")
    if value_type is bool and "/" not in declaration:
        declaration = f"{declaration}/--no-{declaration.removeprefix('--')}"
    default = info.get_default(call_default_factory=False)
    if isinstance(default, Enum):
        default = default.value
    elif isinstance(default, bool):
        default = "on" if default else "off"
    shown = "" if info.default_factory is not None or default is None else f" [default: {default}]"
    help_text = f"{info.description}{shown} [env: {Settings.env_name(name)}]"
    return click.option(
        declaration,
        name,
        type=None if value_type is bool else _click_type(value_type),
        default=None,
        help=help_text,
    )


def settings_options(*groups: Group) -> Callable[[F], F]:
    """One option per ``Settings`` field of ``groups`` (and of ``Group.SHARED``)."""
    wanted = {*groups, Group.SHARED}
    names = [n for n, info in Settings.model_fields.items() if _group(info) in wanted]

    def decorate(f: F) -> F:
        for name in reversed(names):
            f = _option(name, Settings.model_fields[name])(f)
        return f

    return decorate


def settings_from_context(ctx: click.Context, **fixed: Any) -> Settings:
    """The settings: environment and ``.env``, overlaid by the options given, then ``fixed``.

    A value no setting accepts is a usage error (exit status 2) naming its option or variable.
    """
    given = {
        name: value
        for name, value in ctx.params.items()
        if name in Settings.model_fields
        and ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    }
    try:
        return Settings.load(**given, **fixed)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = _field_of(str(error["loc"][0]) if error["loc"] else "")
        options = {p.name: p.opts[0] for p in ctx.command.params if p.opts}
        where = options.get(field, field) if field in given else Settings.env_name(field)
        message = str(error["msg"]).removeprefix("Value error, ")
        raise click.BadParameter(message, ctx=ctx, param_hint=f"'{where}'") from None


def _field_of(location: str) -> str:
    """The field an error location names: the field itself or its variable (an alias)."""
    if location in Settings.model_fields:
        return location
    for name in Settings.model_fields:
        if Settings.env_name(name).lower() == location.lower():
            return name
    return location

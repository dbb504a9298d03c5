"""``loginkit workflow run|list``: Arazzo workflows from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import httpx2

from loginkit.core import pkce
from loginkit.core.scopes import BASIC_SCOPE, split_commas
from loginkit.specs import specs_dir
from loginkit.workflow.document import ArazzoDocument, Workflow, load_document
from loginkit.workflow.errors import InputError, WorkflowError
from loginkit.workflow.inputs import apply_defaults, parse_cli_inputs
from loginkit.workflow.login_as import (
    fields_inputs,
    obtain_code,
    scopes_for_fields,
    verifier_input,
)
from loginkit.workflow.runner import WorkflowRunner

__all__ = ["workflow"]


def _document(file: str) -> ArazzoDocument:
    """``file`` as given, or the name of a workflow file shipped in ``loginkit/specs/arazzo``."""
    path = Path(file)
    if not path.exists():
        bundled = specs_dir() / "arazzo"
        for candidate in (bundled / file, bundled / f"{file}.yml"):
            if candidate.exists():
                path = candidate
                break
    return load_document(path)


def _login_as(
    client: httpx2.Client,
    flow: Workflow,
    inputs: dict[str, Any],
    *,
    server: str | None,
    username: str,
    admin_token: str | None,
    grant: str | None,
) -> None:
    """Put a fresh authorization code for ``username`` into the ``code`` input, minted with
    PKCE when the workflow can send a verifier (given as an input, or made up here)."""
    if server is None:
        raise InputError("--login-as needs --server (the emulator's base URL)")
    if not admin_token:
        raise InputError("--login-as needs --admin-token or LOGINKIT_ADMIN_TOKEN")
    missing = [n for n in ("clientKey", "redirectUri") if not inputs.get(n)]
    if missing:
        raise InputError(f"--login-as needs the inputs {', '.join(missing)} (--input name=value)")
    completed = apply_defaults(flow.inputs, inputs)
    requested = scopes_for_fields(str(completed.get(n) or "") for n in fields_inputs(flow))
    granted = tuple(dict.fromkeys((BASIC_SCOPE, *split_commas(grant)))) if grant else requested
    challenge = None
    verifier_name = verifier_input(flow)
    if verifier_name is not None:
        # hex S256: what TikTok's desktop docs require, and TikTok's web authorize accepts it.
        given = inputs.get(verifier_name)
        verifier = str(given) if given else pkce.create_verifier()
        inputs[verifier_name] = verifier
        challenge = pkce.create_challenge(verifier, "hex")
    inputs["code"] = obtain_code(
        client,
        server,
        admin_token,
        username=username,
        client_key=str(inputs["clientKey"]),
        redirect_uri=str(inputs["redirectUri"]),
        requested=tuple(dict.fromkeys((*requested, *granted))),
        granted=granted,
        code_challenge=challenge,
    )


@click.group("workflow")
def workflow() -> None:
    """Run Arazzo 1.0 workflows (e.g. the bundled oauth-login-and-profile) against TikTok or the
    emulator."""


@workflow.command("run")
@click.argument("file")
@click.option("--workflow", "workflow_id", help="The workflowId to run (default: the only one).")
@click.option("--input", "pairs", multiple=True, metavar="KEY=VALUE", help="A workflow input.")
@click.option(
    "--server", metavar="URL", help="Send every step here instead of the documents' servers."
)
@click.option(
    "--login-as",
    "username",
    metavar="USERNAME",
    help="Get the code input from the emulator's control API, signed in as this user; with "
    "PKCE (and the verifier input filled in) when the workflow sends a code_verifier.",
)
@click.option(
    "--grant",
    metavar="SCOPES",
    help=f"With --login-as: the scopes the user grants (comma-separated; {BASIC_SCOPE} always). "
    "Default: every scope the workflow's user fields need.",
)
@click.option("--admin-token", envvar="LOGINKIT_ADMIN_TOKEN", help="The emulator's admin token.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds per HTTP request.")
def run(
    file: str,
    workflow_id: str | None,
    pairs: tuple[str, ...],
    server: str | None,
    username: str | None,
    grant: str | None,
    admin_token: str | None,
    timeout: float,
) -> None:
    """Run a workflow of FILE and print its outputs as JSON."""
    try:
        document = _document(file)
        flow = document.workflow(workflow_id)
        inputs = parse_cli_inputs(dict(flow.inputs), list(pairs))
        with httpx2.Client(timeout=timeout) as client:
            if username is not None:
                _login_as(
                    client,
                    flow,
                    inputs,
                    server=server,
                    username=username,
                    admin_token=admin_token,
                    grant=grant,
                )
            runner = WorkflowRunner(document, client=client, server=server)
            outputs = runner.run(flow.workflow_id, inputs)
    except WorkflowError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(outputs, indent=2, ensure_ascii=False))


def _describe_input(name: str, schema: Any, required: bool) -> str:
    schema = schema if isinstance(schema, dict) else {}
    notes = [str(schema.get("type", "any"))]
    if required:
        notes.append("required")
    if "default" in schema:
        notes.append(f"default: {schema['default']}")
    description = f"  {schema['description']}" if schema.get("description") else ""
    return f"    {name} ({', '.join(notes)}){description}"


@workflow.command("list")
@click.argument("file")
def list_workflows(file: str) -> None:
    """Show the workflows of FILE with their inputs, steps and outputs."""
    try:
        document = _document(file)
    except WorkflowError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{document.title} ({document.path})")
    for flow in document.workflows:
        click.echo(f"\n{flow.workflow_id}: {flow.summary}".rstrip(": "))
        required = set(flow.inputs.get("required", ()))
        click.echo("  inputs:")
        for name, schema in flow.inputs.get("properties", {}).items():
            click.echo(_describe_input(name, schema, name in required))
        click.echo("  steps:")
        for step in flow.steps:
            target = step.operation_id or step.operation_path or f"workflow {step.workflow_id}"
            click.echo(f"    {step.step_id} -> {target}")
        click.echo(f"  outputs: {', '.join(flow.outputs) or '(none)'}")

"""``loginkit serve`` (the emulator) and ``loginkit up`` (everything for local development).

Both open the database and load the seeds first, then bind their ports, and only then print
the banner: a start-up failure is one line and a non-zero exit, never a half-started server.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click
from uvicorn.supervisors import Multiprocess

from loginkit.cli.extras import require_extras_for
from loginkit.cli.options import settings_from_context, settings_options
from loginkit.cli.ports import listen, run_servers
from loginkit.config import DEV_ADMIN_TOKEN, Group, Settings

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette

    from loginkit.server.startup import RunningEmulator

__all__ = ["WORKER_SETTINGS_ENV", "app_from_env", "serve", "up"]

WORKER_SETTINGS_ENV = "LOGINKIT_WORKER_SETTINGS"
"""The resolved settings (JSON) that ``serve --workers N`` hands its worker processes."""
WORKER_START_SECONDS = 60


def _banner(settings: Settings) -> list[str]:
    from loginkit.emulator.seed import demo_seed

    lines = [
        f"loginkit emulator  {settings.base_url}",
        f"  authorize        {settings.base_url}/v2/auth/authorize/",
        f"  token            {settings.base_url}/v2/oauth/token/",
        f"  user info        {settings.base_url}/v2/user/info/",
        f"  database         {settings.database_url}",
        f"  admin token      {settings.admin_token}",
    ]
    if settings.seed_demo:
        demo = demo_seed(settings.base_url)
        for app in demo.apps:
            lines.append(
                f"  demo app         {app.name} ({app.platform.value}): "
                f"client_key={app.client_key} client_secret={app.client_secret}"
            )
        lines.append(f"  test users       {', '.join(u.username for u in demo.users)}")
    return lines


async def _start(settings: Settings) -> RunningEmulator:
    from loginkit.server.startup import StartupError, start_emulator

    try:
        running = await start_emulator(settings)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None
    _freeze_startup_objects()
    return running


def _freeze_startup_objects() -> None:
    """Leave what start-up built (modules, schema, settings, pools) out of every later garbage
    collection: a full collection walked all of it while requests waited, which was the
    token endpoints' p99 (40 ms at c=16 against a p50 of 3 ms). No collection first: it found
    nothing to free after start-up and cost 38 ms of it."""
    gc.freeze()


def _uvicorn_server(app: Any, settings: Settings, port: int) -> uvicorn.Server:
    import uvicorn

    config = uvicorn.Config(
        app,
        host=settings.host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        log_config=None,
    )
    return uvicorn.Server(config)


@click.command()
@settings_options(Group.SERVER, Group.POLICY)
@click.pass_context
def serve(ctx: click.Context, /, **_options: Any) -> None:
    """Run the TikTok-compatible authorization server.

    Every option is also a LOGINKIT_* variable (shown with each option) and may sit in a .env
    file in the working directory; options given here win.
    """
    from loginkit.server.logging import configure_logging

    settings = settings_from_context(ctx)
    require_extras_for(settings)
    configure_logging()
    if settings.workers > 1:
        _serve_workers(settings)
        return
    with _stopped_quietly():
        run_servers(_serve_one(settings))


async def _serve_one(settings: Settings) -> None:
    from loginkit.server.app import create_app

    running = await _start(settings)
    try:
        sock = listen(settings.host, settings.port, "the emulator", "--port")
    except BaseException:
        await running.close()
        raise
    server = _uvicorn_server(create_app(settings, started=running), settings, settings.port)
    click.echo("\n".join([*_banner(settings), "Ctrl-C to stop."]), err=True)
    await server.serve(sockets=[sock])


@contextlib.contextmanager
def _stopped_quietly() -> Iterator[None]:
    """Ctrl-C before the server runs (or after it stopped) ends the command without a trace."""
    try:
        yield
    except KeyboardInterrupt:
        raise SystemExit(130) from None


def _serve_workers(settings: Settings) -> None:
    """uvicorn's supervisor (it restarts a worker that dies) over one socket bound here.

    The database is opened, migrated and seeded once here first, so that its errors are
    reported once; the workers get the resolved settings as JSON (``app_from_env``).
    """
    import tempfile

    import uvicorn

    async def check() -> None:
        await (await _start(settings)).close()

    with _stopped_quietly():
        asyncio.run(check())
    sock = listen(settings.host, settings.port, "the emulator", "--port")
    os.environ[WORKER_SETTINGS_ENV] = settings.model_dump_json()
    with tempfile.TemporaryDirectory(prefix="loginkit-metrics-") as metrics_dir:
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_dir)
        config = uvicorn.Config(
            "loginkit.cli.serve:app_from_env",
            factory=True,
            workers=settings.workers,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
        banner = "\n".join([*_banner(settings), "Ctrl-C to stop."])
        supervisor = _Supervisor(config, [sock], lambda: click.echo(banner, err=True))
        supervisor.run()
    if supervisor.failed:
        raise click.ClickException("a worker process did not start: its error is printed above")


class _Supervisor(Multiprocess):
    """uvicorn's supervisor, calling ``on_ready`` once every worker serves."""

    def __init__(
        self, config: uvicorn.Config, sockets: list[socket.socket], on_ready: Callable[[], None]
    ) -> None:
        super().__init__(config, sockets)
        self.on_ready = on_ready

        self.failed = False

    def init_processes(self) -> None:
        super().init_processes()
        deadline = time.monotonic() + WORKER_START_SECONDS
        pending = list(self.processes)
        while pending and not self.signal_queue:
            if time.monotonic() > deadline or not all(p.process.is_alive() for p in pending):
                self.failed = True
                self.should_exit.set()  # ``run`` stops the others instead of restarting this one
                return
            pending = [p for p in pending if not p.is_ready(timeout=0.5)]
        if not pending:
            self.on_ready()


def app_from_env() -> Starlette:
    """The app of one ``serve --workers`` process, from the settings its supervisor resolved."""
    from loginkit.server.app import create_app
    from loginkit.server.logging import configure_logging

    configure_logging()
    app = create_app(Settings.model_validate_json(os.environ[WORKER_SETTINGS_ENV]))
    _freeze_startup_objects()
    return app


@click.command()
@settings_options(Group.SERVER, Group.POLICY, Group.GATEWAY)
@click.option(
    "--gateway/--no-gateway",
    "with_gateway",
    default=True,
    show_default=True,
    help="Also serve the OAuth capability as REST (port 8080) and MCP (port 9090).",
)
@click.pass_context
def up(ctx: click.Context, /, with_gateway: bool, **_options: Any) -> None:
    """Everything for local development in one process: the emulator, the demo, the gateway.

    The admin token is loginkit-dev-admin-token unless --admin-token or LOGINKIT_ADMIN_TOKEN
    says otherwise; from this machine the portal needs no sign-in.
    """
    from loginkit.server.logging import configure_logging

    settings = settings_from_context(ctx, portal_open_on_loopback=True)
    if "admin_token" not in settings.model_fields_set:
        settings = settings.model_copy(update={"admin_token": DEV_ADMIN_TOKEN})
    require_extras_for(settings, gateway=with_gateway)
    configure_logging()
    with _stopped_quietly():
        run_servers(_serve_everything(settings, with_gateway))


def _demo_app(settings: Settings) -> Any:
    """The client kit's demo, wired to the seeded demo app of this emulator."""
    from loginkit.client.demo import create_demo_app
    from loginkit.emulator.seed import demo_seed

    demo = demo_seed(settings.base_url).apps[0]
    return create_demo_app(
        base_url=settings.base_url,
        client_key=demo.client_key,
        client_secret=demo.client_secret or "",
        redirect_uri=demo.redirect_uris[0],
    )


def _authorize_example(settings: Settings) -> list[str]:
    """A ready-made authorize URL for the demo web app, with PKCE (S256, base64url)."""
    from urllib.parse import urlencode

    from loginkit.core.pkce import create_challenge, create_verifier
    from loginkit.emulator.seed import demo_seed

    demo = demo_seed(settings.base_url).apps[0]
    verifier = create_verifier(64)
    query = urlencode(
        {
            "client_key": demo.client_key,
            "response_type": "code",
            "scope": "user.info.basic",
            "redirect_uri": demo.redirect_uris[0],
            "state": "try-it",
            "code_challenge": create_challenge(verifier, "base64url"),
            "code_challenge_method": "S256",
        }
    )
    return [
        f"  try it           {settings.base_url}/v2/auth/authorize/?{query}",
        f"  code_verifier    {verifier}  (send it with the code to /v2/oauth/token/)",
    ]


async def _serve_everything(settings: Settings, with_gateway: bool) -> None:
    from loginkit.server.app import create_app

    running = await _start(settings)
    sockets: list[socket.socket] = []
    try:
        sockets.append(listen(settings.host, settings.port, "the emulator", "--port"))
        emulator = create_app(settings, started=running)
        banner = _banner(settings)
        if settings.seed_demo:
            emulator.mount("/demo", _demo_app(settings))
            banner.append(f"  demo app page    {settings.base_url}/demo/")
            banner.extend(_authorize_example(settings))
        banner.append(f"  portal           {settings.base_url}/portal/")
        servers = [_uvicorn_server(emulator, settings, settings.port)]
        if not with_gateway:
            click.echo("\n".join([*banner, "Ctrl-C to stop."]), err=True)
            await servers[0].serve(sockets=sockets)
            return
    except BaseException:
        for sock in sockets:
            sock.close()
        await running.close()
        raise
    await _serve_with_gateway(settings, servers, sockets, banner, running)


async def _serve_with_gateway(
    settings: Settings,
    servers: list[uvicorn.Server],
    sockets: list[socket.socket],
    banner: list[str],
    running: RunningEmulator,
) -> None:
    from loginkit.gateway import build_gateway, load_capability
    from loginkit.gateway.service import MCP_PATH, serve_together

    gateway = build_gateway(
        load_capability(settings.capability),
        host=settings.host,
        upstream=settings.upstream or settings.base_url,
        rest_port=settings.rest_port,
        mcp_port=settings.mcp_port,
    )
    # The MCP SDK turns the root logger to INFO; keep the console to our own JSON lines.
    logging.getLogger().setLevel(logging.WARNING)
    try:
        for app, port, label, option in (
            (gateway.rest_app, gateway.rest_port, "gateway REST ", "--rest-port"),
            (gateway.mcp_app, gateway.mcp_port, "gateway MCP  ", "--mcp-port"),
        ):
            if app is not None and port is not None:
                sockets.append(listen(settings.host, port, f"the {label.strip()}", option))
                servers.append(_uvicorn_server(app, settings, port))
                suffix = MCP_PATH if "MCP" in label else "/v1/v2/oauth/token"
                banner.append(f"  {label}    http://{settings.host}:{port}{suffix}")
        click.echo("\n".join([*banner, "Ctrl-C to stop."]), err=True)
        await serve_together(servers, sockets)
    except BaseException:
        for sock in sockets:
            sock.close()
        if not servers[0].started:
            await running.close()  # the lifespan never ran; otherwise it closed it
        raise
    finally:
        await gateway.aclose()

"""``loginkit serve`` (the emulator) and ``loginkit up`` (everything for local development)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from loginkit.config import DEFAULT_DATABASE_URL, Settings
from loginkit.core.policy import IdShapes, LifetimeProfile, Policy, ScopeError

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["app_from_env", "serve", "settings_from_options", "up"]


def _policy_options(f: Any) -> Any:
    options = [
        click.option(
            "--profile",
            type=click.Choice([p.value for p in LifetimeProfile]),
            default="classic",
            envvar="LOGINKIT_PROFILE",
            show_default=True,
            help="Token lifetimes: classic (24 h / 365 d) or 2026 (2 h / 180 d).",
        ),
        click.option(
            "--access-token-lifetime",
            type=click.IntRange(min=1),
            default=None,
            envvar="LOGINKIT_ACCESS_TOKEN_LIFETIME",
            help="Seconds; overrides the profile.",
        ),
        click.option(
            "--refresh-token-lifetime",
            type=click.IntRange(min=1),
            default=None,
            envvar="LOGINKIT_REFRESH_TOKEN_LIFETIME",
            help="Seconds; overrides the profile.",
        ),
        click.option(
            "--require-pkce-for-web/--no-require-pkce-for-web",
            default=True,
            envvar="LOGINKIT_REQUIRE_PKCE_FOR_WEB",
            show_default=True,
            help="Refuse web apps' authorize requests without an S256 code_challenge, as TikTok "
            "does in practice.",
        ),
        click.option(
            "--auto-auth/--no-auto-auth",
            default=True,
            envvar="LOGINKIT_AUTO_AUTH",
            show_default=True,
            help="Send a signed-in user who already granted every requested scope straight "
            "back with a fresh code, as TikTok does (disable_auto_auth=1 in the URL opts out).",
        ),
        click.option(
            "--revoke-on-refresh-reuse/--no-revoke-on-refresh-reuse",
            default=True,
            envvar="LOGINKIT_REVOKE_ON_REFRESH_REUSE",
            show_default=True,
            help="Revoke the whole grant when a rotated refresh token is presented.",
        ),
        click.option(
            "--strict",
            is_flag=True,
            envvar="LOGINKIT_STRICT",
            help="Refuse loopback http redirect URIs for web apps.",
        ),
        click.option(
            "--oauth-errors-http-200/--no-oauth-errors-http-200",
            default=True,
            envvar="LOGINKIT_OAUTH_ERRORS_HTTP_200",
            show_default=True,
            help="Answer /v2/oauth/token/ and /v2/oauth/revoke/ errors with HTTP 200, as TikTok "
            "does in practice (429 and 5xx stay real); --no-... gives 400/401.",
        ),
        click.option(
            "--scope-error",
            type=click.Choice([e.value for e in ScopeError]),
            default=ScopeError.SCOPE_NOT_AUTHORIZED.value,
            envvar="LOGINKIT_SCOPE_ERROR",
            show_default=True,
            help="The Display API's answer to a field whose scope was not granted: "
            "scope_not_authorized (401, as TikTok does) or scope_permission_missed (400).",
        ),
        click.option(
            "--id-shapes",
            type=click.Choice([s.value for s in IdShapes]),
            default=IdShapes.TIKTOK.value,
            envvar="LOGINKIT_ID_SHAPES",
            show_default=True,
            help="Shapes of tokens, codes and open_ids: tiktok (as issued today) or classic "
            "(the docs' examples).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _scale_options(f: Any) -> Any:
    options = [
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=1,
            envvar="LOGINKIT_WORKERS",
            show_default=True,
            help="Server processes sharing the database (PostgreSQL recommended above 1).",
        ),
        click.option(
            "--redis-url",
            envvar="LOGINKIT_REDIS_URL",
            help="redis://HOST:PORT/DB: share rate limits across processes (default: memory).",
        ),
        click.option(
            "--rate-limit-user-info",
            default="600/minute",
            envvar="LOGINKIT_RATE_LIMIT_USER_INFO",
            show_default=True,
            help="Per client, moving window, e.g. 600/minute; 'off' disables.",
        ),
        click.option(
            "--rate-limit-token",
            default="1200/minute",
            envvar="LOGINKIT_RATE_LIMIT_TOKEN",
            show_default=True,
            help="Per client on /v2/oauth/token/; 'off' disables.",
        ),
        click.option(
            "--rate-limit-revoke",
            default="600/minute",
            envvar="LOGINKIT_RATE_LIMIT_REVOKE",
            show_default=True,
            help="Per client on /v2/oauth/revoke/; 'off' disables.",
        ),
        click.option(
            "--auth-failures-per-minute",
            type=click.IntRange(min=1),
            default=10,
            envvar="LOGINKIT_AUTH_FAILURES_PER_MINUTE",
            show_default=True,
            help="Failed client authentications per client_key (x10 per address).",
        ),
        click.option(
            "--db-pool-size",
            type=click.IntRange(min=1),
            default=10,
            envvar="LOGINKIT_DB_POOL_SIZE",
            show_default=True,
            help="PostgreSQL connections per process (as many again under bursts).",
        ),
        click.option(
            "--db-timeout",
            type=click.FloatRange(min=0.1),
            default=5.0,
            envvar="LOGINKIT_DB_TIMEOUT",
            show_default=True,
            help="Seconds before an unreachable database is answered with 503.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _check_database_url(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from loginkit.storage import SUPPORTED_SCHEMES

    if not value.startswith(SUPPORTED_SCHEMES):
        raise click.BadParameter(f"{value!r}: use sqlite:///PATH or postgresql://USER@HOST/DB")
    return value


def _server_options(f: Any) -> Any:
    options = [
        click.option("--host", default="127.0.0.1", envvar="LOGINKIT_HOST", show_default=True),
        click.option(
            "--port",
            type=click.IntRange(0, 65535),
            default=8000,
            envvar="LOGINKIT_PORT",
            show_default=True,
        ),
        click.option(
            "--database-url",
            default=DEFAULT_DATABASE_URL,
            envvar="LOGINKIT_DATABASE_URL",
            show_default=True,
            callback=_check_database_url,
            help="sqlite:///PATH or postgresql://USER@HOST/DB",
        ),
        click.option(
            "--admin-token",
            envvar="LOGINKIT_ADMIN_TOKEN",
            help="Bearer token of the control API; generated if not given.",
        ),
        click.option(
            "--public-url",
            envvar="LOGINKIT_PUBLIC_URL",
            help="Base URL clients use (default http://HOST:PORT).",
        ),
        click.option(
            "--seed",
            "seed_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            envvar="LOGINKIT_SEED",
            help="YAML file of apps and users to load.",
        ),
        click.option(
            "--no-demo",
            is_flag=True,
            envvar="LOGINKIT_NO_DEMO",
            help="Do not load the demo apps and users into an empty database.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return _scale_options(_policy_options(f))


def settings_from_options(options: dict[str, Any]) -> Settings:
    policy = Policy(
        profile=LifetimeProfile(options["profile"]),
        access_token_lifetime=options["access_token_lifetime"],
        refresh_token_lifetime=options["refresh_token_lifetime"],
        require_pkce_for_web=options["require_pkce_for_web"],
        revoke_grant_on_refresh_reuse=options["revoke_on_refresh_reuse"],
        strict_redirect_uris=options["strict"],
        oauth_errors_http_200=options["oauth_errors_http_200"],
        scope_error=ScopeError(options["scope_error"]),
        id_shapes=IdShapes(options["id_shapes"]),
        auto_authorize=options["auto_auth"],
    )
    return Settings(
        host=options["host"],
        port=options["port"],
        database_url=options["database_url"],
        admin_token=options["admin_token"] or secrets.token_urlsafe(24),
        public_url=options["public_url"],
        policy=policy,
        seed_demo=not options["no_demo"],
        seed_file=options["seed_file"],
        workers=options["workers"],
        redis_url=options["redis_url"],
        rate_limit_user_info=options["rate_limit_user_info"],
        rate_limit_token=options["rate_limit_token"],
        rate_limit_revoke=options["rate_limit_revoke"],
        auth_failures_per_minute=options["auth_failures_per_minute"],
        db_pool_size=options["db_pool_size"],
        db_timeout=options["db_timeout"],
    )


def _banner(settings: Settings) -> str:
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
        for app in demo_seed(settings.base_url)["apps"]:
            lines.append(
                f"  demo app         {app['name']} ({app['platform']}): "
                f"client_key={app['client_key']} client_secret={app['client_secret']}"
            )
        users = ", ".join(u["username"] for u in demo_seed(settings.base_url)["users"])
        lines.append(f"  test users       {users}")
    return "\n".join(lines)


@click.command()
@_server_options
def serve(**options: Any) -> None:
    """Run the TikTok-compatible authorization server."""
    import uvicorn

    from loginkit.server.app import create_app
    from loginkit.server.logging import configure_logging

    settings = settings_from_options(options)
    configure_logging()
    _check_startup(settings)
    click.echo(_banner(settings), err=True)
    if settings.workers > 1:
        _serve_workers(settings)
        return
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )


def _check_startup(settings: Settings) -> None:
    """A missing or changed secret key, or an unreachable database, as one line and exit 1."""
    import asyncio

    from loginkit.server.startup import StartupError, check_startup

    try:
        asyncio.run(check_startup(settings))
    except StartupError as exc:
        raise click.ClickException(str(exc)) from exc


def _serve_workers(settings: Settings) -> None:
    """uvicorn's supervisor: it restarts a worker that dies. Workers rebuild the settings
    from ``LOGINKIT_*`` variables (``app_from_env``), so every option is exported first."""
    import tempfile

    import uvicorn

    ctx = click.get_current_context()
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if isinstance(param.envvar, str) and value is not None:
            os.environ[param.envvar] = str(value).lower() if isinstance(value, bool) else str(value)
    os.environ["LOGINKIT_ADMIN_TOKEN"] = settings.admin_token  # the same generated token for all
    with tempfile.TemporaryDirectory(prefix="loginkit-metrics-") as metrics_dir:
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_dir)
        uvicorn.run(
            "loginkit.cli.serve:app_from_env",
            factory=True,
            workers=settings.workers,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )


def app_from_env() -> Starlette:
    """The app of one ``serve --workers`` process, configured by ``LOGINKIT_*`` variables."""
    from loginkit.server.app import create_app
    from loginkit.server.logging import configure_logging

    configure_logging()
    with serve.make_context("serve", []) as ctx:
        return create_app(settings_from_options(ctx.params))


@click.command()
@_server_options
@click.option(
    "--gateway/--no-gateway",
    "with_gateway",
    default=True,
    show_default=True,
    help="Also serve the OAuth capability as REST (port 8080) and MCP (port 9090).",
)
def up(with_gateway: bool, **options: Any) -> None:
    """Everything for local development in one process: the emulator and the gateway."""
    import asyncio

    from loginkit.server.logging import configure_logging

    # The portal needs no sign-in from this machine's own browser during local development.
    settings = dataclasses.replace(settings_from_options(options), portal_open_on_loopback=True)
    configure_logging()
    _check_startup(settings)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_everything(settings, with_gateway))


def _demo_app(settings: Settings) -> Any:
    """The client kit's demo, wired to the seeded demo app of this emulator."""
    from loginkit.client.demo import create_demo_app
    from loginkit.emulator.seed import demo_seed

    demo = demo_seed(settings.base_url)["apps"][0]
    return create_demo_app(
        base_url=settings.base_url,
        client_key=demo["client_key"],
        client_secret=demo["client_secret"],
        redirect_uri=demo["redirect_uris"][0],
    )


async def _serve_everything(settings: Settings, with_gateway: bool) -> None:
    import uvicorn

    from loginkit.gateway import build_gateway, load_capability
    from loginkit.gateway.service import MCP_PATH, serve_together
    from loginkit.server.app import create_app

    def server(app: Any, port: int) -> uvicorn.Server:
        config = uvicorn.Config(
            app, host=settings.host, port=port, log_level="warning", access_log=False
        )
        return uvicorn.Server(config)

    emulator = create_app(settings)
    banner = [_banner(settings)]
    if settings.seed_demo:
        emulator.mount("/demo", _demo_app(settings))
        banner.append(f"  demo app page    {settings.base_url}/demo/")
    banner.append(f"  portal           {settings.base_url}/portal/")
    servers = [server(emulator, settings.port)]
    gateway = build_gateway(load_capability(), host=settings.host, upstream=settings.base_url)
    # The MCP SDK turns the root logger to INFO; keep the console to our own JSON lines.
    logging.getLogger().setLevel(logging.WARNING)
    try:
        if with_gateway:
            for app, port, label in (
                (gateway.rest_app, gateway.rest_port, "gateway REST "),
                (gateway.mcp_app, gateway.mcp_port, "gateway MCP  "),
            ):
                if app is not None and port is not None:
                    servers.append(server(app, port))
                    suffix = MCP_PATH if "MCP" in label else "/v1/v2/oauth/token"
                    banner.append(f"  {label}    http://{settings.host}:{port}{suffix}")
        click.echo("\n".join(banner), err=True)
        await serve_together(servers)
    finally:
        await gateway.aclose()

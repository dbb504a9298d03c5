"""Terminal commands: ``loginkit login``, ``whoami``, ``refresh``, ``logout``.

``login`` runs TikTok's desktop flow: PKCE (hex S256, as TikTok's desktop docs require), a
loopback redirect on a free port, the browser (or a printed URL), then stores the tokens in the
OS keyring or a 0600 file. Against the emulator (``--base-url``) the emulator's seeded desktop
app is used unless ``--client-key`` says otherwise.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
import sys
import threading
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import click

from loginkit.client._protocol import TIKTOK_API_BASE_URL
from loginkit.client.credentials import SavedLogin, open_store
from loginkit.client.errors import (
    AuthorizationDeniedError,
    CallbackError,
    StateMismatchError,
    TikTokClientError,
)
from loginkit.client.loopback import LoopbackReceiver
from loginkit.client.models import TokenSet, UserProfile
from loginkit.client.pkce import PKCE
from loginkit.client.session import Sessions
from loginkit.client.storage.memory import MemoryTokenStore
from loginkit.client.sync import TikTokClient

__all__ = ["cli", "login", "logout", "refresh", "whoami"]

# The emulator's seeded desktop app; public on purpose (loopback only, never real TikTok).
EMULATOR_CLIENT_KEY = "awloginkitcli001"
EMULATOR_CLIENT_SECRET = "loginkit-cli-secret-0123456789abcdef"  # noqa: S105
DEFAULT_SCOPES = "user.info.basic,user.info.profile,user.info.stats"
PROFILE_FIELDS = ("open_id", "union_id", "display_name", "username", "avatar_url")

_client_key = click.option("--client-key", envvar="LOGINKIT_CLIENT_KEY", help="Your app's key.")
_client_secret = click.option(
    "--client-secret", envvar="LOGINKIT_CLIENT_SECRET", help="Your app's secret (prefer the env)."
)


def _secret_for(base_url: str | None, client_key: str, client_secret: str | None) -> str:
    if client_secret:
        return client_secret
    if base_url and client_key == EMULATOR_CLIENT_KEY:
        return EMULATOR_CLIENT_SECRET
    raise click.UsageError("--client-secret (or LOGINKIT_CLIENT_SECRET) is required")


def _client(base_url: str | None, client_key: str, client_secret: str | None) -> TikTokClient:
    return TikTokClient(
        client_key, _secret_for(base_url, client_key, client_secret), base_url=base_url
    )


@contextmanager
def _spinner(message: str) -> Iterator[None]:
    """A spinner on an interactive stderr; one plain line otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        click.echo(message, err=True)
        yield
        return
    stop = threading.Event()

    def spin() -> None:
        for frame in itertools.cycle("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"):
            click.echo(f"\r{frame} {message}", err=True, nl=False)
            if stop.wait(0.1):
                break
        click.echo("\r" + " " * (len(message) + 2) + "\r", err=True, nl=False)

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _print_profile(profile: UserProfile, tokens: TokenSet) -> None:
    click.echo(
        f"Logged in as {profile.display_name or '?'}"
        + (f" (@{profile.username})" if profile.username else "")
    )
    click.echo(f"  open_id:  {tokens.open_id}")
    click.echo(f"  scopes:   {','.join(tokens.scopes)}")
    click.echo(f"  access token expires:  {tokens.access_expires_at:%Y-%m-%d %H:%M:%S %Z}")
    click.echo(f"  refresh token expires: {tokens.refresh_expires_at:%Y-%m-%d %H:%M:%S %Z}")


def _fields_for(tokens: TokenSet) -> list[str]:
    return [f for f in PROFILE_FIELDS if f != "username" or "user.info.profile" in tokens.scopes]


@click.command()
@click.option("--scopes", default=DEFAULT_SCOPES, show_default=True, help="Comma-separated.")
@click.option(
    "--base-url", envvar="LOGINKIT_BASE_URL", help="An emulator's URL (default: real TikTok)."
)
@_client_key
@_client_secret
@click.option("--no-browser", is_flag=True, help="Print the URL instead of opening a browser.")
@click.option("--timeout", default=300, show_default=True, help="Seconds to wait for the login.")
@click.option("--port", default=0, help="Loopback port (default: any free port).")
@click.option(
    "--pkce-encoding", type=click.Choice(["hex", "base64url"]), default="hex", show_default=True
)
def login(
    scopes: str,
    base_url: str | None,
    client_key: str | None,
    client_secret: str | None,
    no_browser: bool,
    timeout: int,
    port: int,
    pkce_encoding: str,
) -> None:
    """Log in with TikTok in the browser and keep the tokens for this terminal."""
    if client_key is None:
        if not base_url:
            raise click.UsageError("--client-key is required against TikTok")
        client_key = EMULATOR_CLIENT_KEY
    receiver = LoopbackReceiver(port)
    pkce = PKCE.generate("hex" if pkce_encoding == "hex" else "base64url")
    state = secrets.token_urlsafe(32)
    try:
        with _client(base_url, client_key, client_secret) as client:
            url = client.authorization_url(
                [s for s in scopes.split(",") if s],
                state=state,
                pkce=pkce,
                redirect_uri=receiver.redirect_uri,
            )
            click.echo("Open this URL in your browser to log in with TikTok:")
            click.echo(url)
            if not no_browser:
                webbrowser.open(url)
            with _spinner(f"Waiting for TikTok to send you back (up to {timeout} s)…"):
                query = receiver.wait(timeout)
            if query is None:
                raise click.ClickException(f"no login within {timeout} s; run the command again")
            if not hmac.compare_digest(query.get("state", "").encode(), state.encode()):
                raise StateMismatchError("the callback's state is not this login's")
            if query.get("error"):
                kind = (
                    AuthorizationDeniedError if query["error"] == "access_denied" else CallbackError
                )
                raise kind(query["error"], query.get("error_description", ""))
            tokens = client.exchange_code(
                query.get("code", ""),
                redirect_uri=receiver.redirect_uri,
                code_verifier=pkce.verifier,
            )
            store = open_store()
            store.save(SavedLogin(base_url, client_key, tokens))
            profile = client.user_info(tokens.access_token, _fields_for(tokens))
    except TikTokClientError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        receiver.close()
    _print_profile(profile, tokens)
    click.echo(f"Tokens saved in {store.where}.")


def _session(client_secret: str | None) -> tuple[Sessions, SavedLogin]:
    saved = open_store().load()
    if saved is None:
        raise click.ClickException("not logged in; run `loginkit login`")
    client = _client(saved.base_url, saved.client_key, client_secret)
    sessions = Sessions(client, MemoryTokenStore(), refresh_skew=timedelta(minutes=5))
    sessions.start("terminal", saved.tokens)
    return sessions, saved


def _persist(sessions: Sessions, saved: SavedLogin) -> TokenSet:
    tokens = sessions.for_user("terminal").tokens()
    if tokens != saved.tokens:
        open_store().save(SavedLogin(saved.base_url, saved.client_key, tokens))
    return tokens


@click.command()
@_client_secret
def whoami(client_secret: str | None) -> None:
    """Show the logged-in TikTok profile (refreshing the access token if due)."""
    sessions, saved = _session(client_secret)
    try:
        session = sessions.for_user("terminal")
        profile = session.user_info(_fields_for(saved.tokens))
    except TikTokClientError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        _persist(sessions, saved)
        sessions.client.close()
    _print_profile(profile, session.tokens())


@click.command()
@_client_secret
def refresh(client_secret: str | None) -> None:
    """Refresh the access token now (the refresh token rotates)."""
    sessions, saved = _session(client_secret)
    try:
        sessions.for_user("terminal").refresh()
    except TikTokClientError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        tokens = _persist(sessions, saved)
        sessions.client.close()
    click.echo(f"Refreshed; access token expires {tokens.access_expires_at:%Y-%m-%d %H:%M:%S %Z}.")


@click.command()
@_client_secret
def logout(client_secret: str | None) -> None:
    """Revoke the grant at TikTok and forget the tokens."""
    store = open_store()
    saved = store.load()
    if saved is None:
        click.echo("Not logged in.")
        return
    try:
        with _client(saved.base_url, saved.client_key, client_secret) as client:
            client.revoke(saved.tokens.access_token)
    except TikTokClientError as exc:
        raise click.ClickException(f"{exc} (tokens kept; run logout again)") from exc
    store.delete()
    where = saved.base_url or TIKTOK_API_BASE_URL
    click.echo(f"Logged out: the grant is revoked at {where} and the tokens are deleted.")


@click.group()
def cli() -> None:
    """The terminal login commands on their own (``python -m loginkit.cli.login``)."""


for _command in (login, whoami, refresh, logout):
    cli.add_command(_command)

if __name__ == "__main__":
    cli()

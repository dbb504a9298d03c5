"""Commands against a running emulator, and the running modes: banner, signals, up, export."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
import yaml

from tests.cli.support import error_line, loginkit
from tests.support.emulator import EmulatorProcess, free_port

STOP_WITHIN = 10  # seconds: a bound on a hang, not a measurement


@pytest.mark.parametrize(
    "command",
    [("apps", "list"), ("users", "list"), ("export",), ("migrate", "check", "--app", "k")],
)
def test_an_unreachable_control_api(command: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    if command[0] in ("apps", "users"):
        args = [command[0], "--base-url", url, "--admin-token", "t", *command[1:]]
    else:
        args = [*command, "--base-url", url, "--admin-token", "t"]
    line = error_line(loginkit(*args))
    assert f"cannot reach the emulator at {url}" in line and "--base-url" in line


@pytest.mark.parametrize(
    "command",
    [("apps", "list"), ("users", "list"), ("export",), ("migrate", "check", "--app", "k")],
)
def test_a_wrong_admin_token(emulator: EmulatorProcess, command: tuple[str, ...]) -> None:
    target = ["--base-url", emulator.base_url, "--admin-token", "not-the-token"]
    args = [command[0], *target, *command[1:]] if command[0] in ("apps", "users") else [
        *command, *target]
    line = error_line(loginkit(*args))
    assert "refused the admin token" in line and "changes on each start" in line


def test_export_into_a_missing_directory(emulator: EmulatorProcess, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "seed.yaml"
    result = loginkit(
        "export", "--base-url", emulator.base_url, "--admin-token", emulator.admin_token,
        "-o", str(target),
    )  # fmt: skip
    assert str(tmp_path / "missing") in error_line(result, status=2)


def test_export_holds_no_secret_unless_asked(emulator: EmulatorProcess, tmp_path: Path) -> None:
    target = ["--base-url", emulator.base_url, "--admin-token", emulator.admin_token]
    demo_secret = "loginkit-demo-secret-0123456789abcdef"  # the process knows the demo's secret
    plain = loginkit("export", *target)
    assert plain.returncode == 0, plain.stderr
    assert demo_secret not in plain.stdout and "webhook_secret" not in plain.stdout
    exported = next(
        a for a in yaml.safe_load(plain.stdout)["apps"] if a["client_key"] == "awloginkitdemo01"
    )
    assert "client_secret" not in exported and exported["client_secret_hash"]
    assert "warning" not in plain.stderr

    full = loginkit("export", *target, "--include-secrets")
    assert full.returncode == 0, full.stderr
    assert demo_secret in full.stdout
    assert "warning" in full.stderr and "plaintext" in full.stderr


def _start(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LOGINKIT_")}
    return subprocess.Popen(
        [sys.executable, "-m", "loginkit", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=cwd,
        env={**environment, **(env or {})},
    )


def _banner(process: subprocess.Popen[str]) -> list[str]:
    """The banner, read up to its last line ("Ctrl-C to stop.")."""
    assert process.stderr is not None
    lines: list[str] = []
    for line in process.stderr:
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C to stop"):
            return lines
    raise AssertionError(f"no banner: {lines}")


def _stop(process: subprocess.Popen[str], how: signal.Signals) -> int:
    process.send_signal(how)
    try:
        return process.wait(timeout=STOP_WITHIN)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


MODES = {
    "serve": ["serve"],
    "serve --workers 2": ["serve", "--workers", "2"],
    "up": ["up"],
}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_the_banner_comes_once_serving_and_a_signal_stops_it(
    tmp_path: Path, mode: str, how: signal.Signals
) -> None:
    port = free_port()
    args = [*MODES[mode], "--port", str(port), "--database-url", f"sqlite:///{tmp_path}/e.db"]
    if mode == "up":
        args += ["--rest-port", str(free_port()), "--mcp-port", str(free_port())]
    process = _start(args, tmp_path)
    try:
        banner = _banner(process)
        # Printed only once the database is open and the port bound: it answers at once.
        assert httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        assert any("admin token" in line for line in banner)
    finally:
        status = _stop(process, how)
    assert status in (0, 130, -how, 128 + how), status
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_gateway(tmp_path: Path, how: signal.Signals) -> None:
    rest, mcp = free_port(), free_port()
    process = _start(["gateway", "--rest-port", str(rest), "--mcp-port", str(mcp)], tmp_path)
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "gateway for" in line:
                break
    finally:
        status = _stop(process, how)
    assert status in (0, 130, -how, 128 + how), status


def test_up_prints_a_stable_admin_token_and_a_working_authorize_url(tmp_path: Path) -> None:
    port = free_port()
    args = ["up", "--no-gateway", "--port", str(port), "--database-url", f"sqlite:///{tmp_path}/u"]
    process = _start(args, tmp_path)
    try:
        banner = "\n".join(_banner(process))
        assert "admin token      loginkit-dev-admin-token" in banner
        url = re.search(r"try it\s+(\S+)", banner)
        verifier = re.search(r"code_verifier\s+(\S+)", banner)
        assert url and verifier
        assert "code_challenge=" in url.group(1) and "code_challenge_method=S256" in url.group(1)
        page = httpx2.get(url.group(1), timeout=5)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        apps = httpx2.get(
            f"http://127.0.0.1:{port}/emulator/apps",
            headers={"Authorization": "Bearer loginkit-dev-admin-token"},
            timeout=5,
        )
        assert apps.status_code == 200
    finally:
        _stop(process, signal.SIGTERM)


def test_up_keeps_a_given_admin_token(tmp_path: Path) -> None:
    args = ["up", "--no-gateway", "--port", str(free_port()), "--database-url",
            f"sqlite:///{tmp_path}/u"]  # fmt: skip
    process = _start(args, tmp_path, env={"LOGINKIT_ADMIN_TOKEN": "mine-0123456789"})
    try:
        assert "  admin token      mine-0123456789" in _banner(process)
    finally:
        _stop(process, signal.SIGTERM)


def test_serve_generates_an_admin_token_per_start(tmp_path: Path) -> None:
    tokens = []
    for _ in range(2):
        args = ["serve", "--port", str(free_port()), "--database-url", f"sqlite:///{tmp_path}/g"]
        process = _start(args, tmp_path)
        try:
            line = next(line for line in _banner(process) if "admin token" in line)
            tokens.append(line.split()[-1])
        finally:
            _stop(process, signal.SIGTERM)
    assert tokens[0] != tokens[1] and "loginkit-dev-admin-token" not in tokens

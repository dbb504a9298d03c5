"""uvicorn (httptools, uvloop) against granian, serving the same applications, in one run.

``python bench/http_servers.py [--rounds 2]`` (granian must be installed: ``pip install
granian``; loginkit does not depend on it). Each round starts, in turn, both servers with the
trivial endpoint (``bench/trivial_app.py``) and both with the emulator (``loginkit serve``'s
application, SQLite, rate limits off, as in ``make bench``), each pinned to the server core
with one worker, and measures c=16 for 3 s: the trivial endpoint, user info and
client_credentials. Prints the rates and the median granian / uvicorn ratio per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from suite import (
    ADMIN,
    BENCH,
    FIELDS,
    FORM,
    PYTHON,
    Emulator,
    emulator_args,
    form,
    free_port,
    machine,
    server,
    wrk,
)

from loginkit.config import Settings

SERVERS = ("uvicorn", "granian")
SCENARIOS = ("trivial endpoint", "user info", "client_credentials")
GRANIAN = [
    "--interface", "asgi", "--host", "127.0.0.1", "--workers", "1", "--loop", "uvloop",
    "--runtime-mode", "st", "--runtime-threads", "1", "--log-level", "warning", "--no-ws",
]  # fmt: skip


@contextmanager
def trivial(name: str, scratch: Path) -> Iterator[str]:
    port = free_port()
    if name == "uvicorn":
        args = [PYTHON, str(BENCH / "trivial_app.py"), str(port)]
    else:
        args = [PYTHON, "-m", "granian", *GRANIAN, "--port", str(port), "trivial_app:app"]
    url = f"http://127.0.0.1:{port}"
    with server(args, f"{url}/", scratch / f"trivial-{name}.log"):
        yield url


@contextmanager
def emulator(name: str, scratch: Path) -> Iterator[Emulator]:
    port = free_port()
    database = scratch / f"{name}-{port}.sqlite3"
    if name == "uvicorn":
        args = emulator_args(port, database)
    else:
        # The same application object ``serve --workers`` processes build from their settings.
        settings = Settings(
            port=port,
            database_url=f"sqlite:///{database}",
            admin_token=ADMIN,
            seed_demo=False,
            rate_limit_user_info="off",
            rate_limit_token="off",  # noqa: S106 - a rate, not a secret
            rate_limit_revoke="off",
        )
        os.environ["LOGINKIT_WORKER_SETTINGS"] = settings.model_dump_json()
        args = [PYTHON, "-m", "granian", *GRANIAN, "--port", str(port), "--factory"]
        args.append("loginkit.cli.serve:app_from_env")
    with server(args, f"http://127.0.0.1:{port}/healthz", scratch / f"emulator-{name}.log"):
        running = Emulator(port)
        asyncio.run(running.setup())
        yield running


def measure(scratch: Path, name: str) -> dict[str, float]:
    rates: dict[str, float] = {}
    with trivial(name, scratch) as url:
        wrk(url, 16, seconds=1)
        rates["trivial endpoint"] = wrk(url, 16)["rps"]
    with emulator(name, scratch) as running:
        token = asyncio.run(running.mint_tokens(1))[0]["access_token"]
        info = {"path": f"/v2/user/info/?fields={FIELDS}"}
        headers = {"Authorization": f"Bearer {token}"}
        wrk(running.url, 16, seconds=1, headers=headers, **info)
        rates["user info"] = wrk(running.url, 16, headers=headers, **info)["rps"]
        body = form({**running.credentials(), "grant_type": "client_credentials"})
        timed = {"method": "POST", "path": "/v2/oauth/token/", "headers": FORM, "body": body}
        rates["client_credentials"] = wrk(running.url, 16, **timed)["rps"]
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    if shutil.which("granian", path=str(Path(PYTHON).parent)) is None:
        sys.exit("bench/http_servers.py: granian is not installed (pip install granian)")
    runs: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="loginkit-servers-") as tmp:
        os.environ["PYTHONPATH"] = str(BENCH)  # granian imports trivial_app from here
        for round_ in range(options.rounds):
            for name in SERVERS if round_ % 2 == 0 else reversed(SERVERS):
                for scenario, rps in measure(Path(tmp), name).items():
                    runs.setdefault((scenario, name), []).append(rps)
                    print(f"  {scenario:<20} {name:<8} {rps:8.0f} rps", file=sys.stderr)
    lines = [
        "# uvicorn and granian, the same applications, one run",
        "",
        machine(),
        "",
        f"c=16, 3 s per figure, {options.rounds} rounds, the servers taking turns.",
        "",
        "| scenario | uvicorn rps (runs) | granian rps (runs) | median granian / uvicorn |",
        "|---|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        uvicorn, granian = runs[(scenario, "uvicorn")], runs[(scenario, "granian")]
        shown = [" / ".join(f"{rps:.0f}" for rps in figures) for figures in (uvicorn, granian)]
        ratio = statistics.median(granian) / statistics.median(uvicorn)
        lines.append(f"| {scenario} | {shown[0]} | {shown[1]} | {ratio:.2f}x |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

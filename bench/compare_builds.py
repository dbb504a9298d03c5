"""Two builds of loginkit, the same scenarios, interleaved in one run.

``python bench/compare_builds.py --before /path/to/old/src --after src [--rounds 3]`` starts
``loginkit serve`` (SQLite, as in ``make bench``) once per build, each importing loginkit from
its own source tree (``PYTHONPATH``, ahead of the installed package), then measures exchange,
refresh, client_credentials and user info on one build and the other in turn, ``--rounds``
times. Taking turns spreads this machine's noise over both builds; the table prints every run
and the median, and beside the rate the server's CPU time per request (user + system, from
``/proc``), which other processes competing for the machine disturb less than the rate, and
wrk's p99 latency.

The "before" tree is typically a second worktree: ``git worktree add /tmp/before <commit>``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from suite import (
    FIELDS,
    FORM,
    Emulator,
    Plan,
    emulator_args,
    form,
    free_port,
    machine,
    server,
    spare,
    wrk,
)

SCENARIOS = ("exchange (authorization_code)", "refresh", "client_credentials", "user info")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(emulator: Emulator, scenario: str, c: int, plan: Plan, pid: int) -> dict[str, float]:
    """wrk's figures for one run of ``scenario`` at concurrency ``c``, and ``cpu_us``: the
    server's CPU time per request during the timed window (inputs are minted before it)."""
    credentials = emulator.credentials()
    items = plan.items[c] + spare(c)
    timed: dict[str, Any] = {"method": "POST", "path": "/v2/oauth/token/", "headers": FORM}
    if scenario == "user info":
        token = asyncio.run(emulator.mint_tokens(1))[0]["access_token"]
        timed = {"path": f"/v2/user/info/?fields={FIELDS}", "seconds": plan.seconds}
        timed["headers"] = {"Authorization": f"Bearer {token}"}
    elif scenario == "client_credentials":
        timed |= {"seconds": plan.seconds}
        timed["body"] = form({**credentials, "grant_type": "client_credentials"})
    elif scenario == "refresh":
        timed["bodies"] = [
            form(
                {**credentials, "grant_type": "refresh_token", "refresh_token": t["refresh_token"]}
            )
            for t in asyncio.run(emulator.mint_tokens(items))
        ]
    else:
        codes = asyncio.run(emulator.mint_codes(items))
        timed["bodies"] = [form(emulator.exchange_form(code)) for code in codes]
    began = cpu_seconds(pid)
    stats = wrk(emulator.url, c, **timed)
    stats["cpu_us"] = (cpu_seconds(pid) - began) / stats["requests"] * 1e6
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="source tree (…/src)")
    parser.add_argument("--after", type=Path, required=True, help="source tree (…/src)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    plan, c = Plan(), options.concurrency
    builds = {"before": options.before.resolve(), "after": options.after.resolve()}
    rates: dict[tuple[str, str], list[float]] = {}
    cpu_us: dict[tuple[str, str], list[float]] = {}
    p99_ms: dict[tuple[str, str], list[float]] = {}
    pids: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="loginkit-compare-") as tmp, ExitStack() as stack:
        emulators: dict[str, Emulator] = {}
        for name, source in builds.items():
            port = free_port()
            os.environ["PYTHONPATH"] = str(source)
            args = emulator_args(port, Path(tmp) / f"{name}.sqlite3")
            health = f"http://127.0.0.1:{port}/healthz"
            process, _ = stack.enter_context(server(args, health, Path(tmp) / name))
            pids[name] = process.pid
            emulators[name] = Emulator(port)
            asyncio.run(emulators[name].setup())
            measure(
                emulators[name], "exchange (authorization_code)", c, plan, pids[name]
            )  # warm-up
        for round_ in range(options.rounds):
            for scenario in SCENARIOS:
                for name in builds if round_ % 2 == 0 else reversed(list(builds)):
                    stats = measure(emulators[name], scenario, c, plan, pids[name])
                    used = stats["cpu_us"]
                    rates.setdefault((scenario, name), []).append(stats["rps"])
                    cpu_us.setdefault((scenario, name), []).append(used)
                    p99_ms.setdefault((scenario, name), []).append(stats["p99_ms"])
                    print(
                        f"  {scenario:<32} {name:<6} {stats['rps']:8.0f} rps {used:6.0f} µs CPU",
                        file=sys.stderr,
                    )
    lines = [
        f"# Two builds, interleaved: {builds['before']} vs {builds['after']}",
        "",
        machine(),
        "",
        f"c={c}, {options.rounds} rounds, the builds taking turns (order alternating per round).",
        "",
        "| scenario | before rps (runs) | after rps (runs) | median rps after / before"
        " | before CPU µs/request | after CPU µs/request | median CPU after / before"
        " | before p99 ms | after p99 ms | median p99 after / before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        row = [scenario]
        for figures in (rates, cpu_us, p99_ms):
            before, after = figures[(scenario, "before")], figures[(scenario, "after")]
            row += [
                " / ".join(f"{value:.0f}" if value >= 100 else f"{value:.1f}" for value in before),
                " / ".join(f"{value:.0f}" if value >= 100 else f"{value:.1f}" for value in after),
                f"{statistics.median(after) / statistics.median(before):.2f}x",
            ]
        lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if options.out is not None:
        options.out.write_text(text)


if __name__ == "__main__":
    main()

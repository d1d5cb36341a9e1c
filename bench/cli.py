"""Benchmark: how long the `prism` command takes to start, beside Python and Typer alone.

    python bench/cli.py [--runs N] [--no-write]

Each command runs in a fresh process (as a user's shell runs it), N times; the median wall time is
reported. `python -c "import typer"` is the floor any Typer CLI pays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _report import machine, publish

COMMANDS = [
    ("`python -c pass`", [sys.executable, "-c", "pass"], "floor: the interpreter"),
    ("`python -c 'import typer'`", [sys.executable, "-c", "import typer"], "floor: any Typer CLI"),
    ("`prism --version`", [sys.executable, "-m", "prism", "--version"], ""),
    ("`prism --help`", [sys.executable, "-m", "prism", "--help"], "lists every command, imports none"),
    ("`prism serve --help`", [sys.executable, "-m", "prism", "serve", "--help"], "imports one command"),
    ("`prism personas list`", [sys.executable, "-m", "prism", "personas", "list"], "reads the YAML files"),
]


HOME = tempfile.mkdtemp(prefix="prism-bench-cli-")  # no real PRISM_HOME is read


def wall_time(command: list[str]) -> float:
    """Return the seconds one run of `command` takes."""
    env = {**os.environ, "PRISM_HOME": HOME}
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/benchmarks.md.")
    args = parser.parse_args()
    for _, command, _ in COMMANDS:  # warm the file cache and the bytecode
        wall_time(command)
    medians = {
        label: statistics.median(wall_time(cmd) for _ in range(args.runs)) for label, cmd, _ in COMMANDS
    }
    typer_floor = medians["`python -c 'import typer'`"]
    lines = [
        "## CLI start-up (`bench/cli.py`)",
        "",
        f"Median wall time of {args.runs} fresh processes each. Machine: {machine()}.",
        "",
        "| command | time | vs `import typer` | notes |",
        "|---|---:|---:|---|",
    ]
    for label, _, note in COMMANDS:
        lines.append(
            f"| {label} | {1000 * medians[label]:.0f} ms | {medians[label] / typer_floor:.2f}x | {note} |"
        )
    lines += [
        "",
        "Commands are imported only when they run (`COMMANDS` in `src/prism/cli/__init__.py`). Before that, "
        "every command module was imported at start-up and `prism --help` took about 0.74 s on this machine.",
    ]
    publish("cli", lines, write=not args.no_write)


if __name__ == "__main__":
    main()

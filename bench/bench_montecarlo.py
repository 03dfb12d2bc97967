"""Benchmark: 10,000 Monte Carlo runs of the default scenario, every issue, sampling included.

Times the compromise, weighted-median, Nash and expected-utility models one by
one and all four in one sweep (the target: at most 60 s), and writes the
figures to the ``## Monte Carlo`` section of docs/benchmarks.md (only that
section is touched).

    .venv/bin/python bench/bench_montecarlo.py --runs 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from pathlib import Path

import numpy as np

from accord.engines.bargaining import model_class
from accord.engines.bargaining.montecarlo import BLOCK, Sampler, simulate
from accord.engines.bargaining.scenario_input import scenario_inputs
from accord.io import load_default_scenario

MODELS = ("compromise", "median", "nash", "expected-utility")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = "## Monte Carlo"


def timed(sampler: Sampler, names: tuple[str, ...], runs: int, repeat: int) -> float:
    """Median seconds of ``repeat`` sweeps of ``runs`` runs through the named models."""
    models = [model_class(name)() for name in names]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = simulate(sampler, models, runs, seed=2019)
        times.append(time.perf_counter() - start)
        assert not np.isnan(result.samples).all()
    return statistics.median(times)


def sampling_only(sampler: Sampler, runs: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for block in range((runs + BLOCK - 1) // BLOCK):
            rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(2019, spawn_key=(block,))))
            sampler.draw(rng, min(BLOCK, runs - block * BLOCK))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def section(rows: list[tuple[str, float]], runs: int, repeat: int, command: str) -> str:
    lines = [
        HEADER,
        "",
        f"{runs:,} Monte Carlo runs of the default scenario (6 parties, 9 issues), every issue, sampling",
        "included, seed 2019, local executor (one process). Median of "
        f"{repeat} sweeps. Target: all four models in at most 60 s.",
        "",
        "```",
        command,
        "```",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}. The machine is shared with other work, so single figures vary by",
        "up to about half; rerun to compare.",
        "",
        "| What | Seconds | Runs per second |",
        "|---|---:|---:|",
    ]
    for label, seconds in rows:
        lines.append(f"| {label} | {seconds:.2f} | {runs / seconds:,.0f} |")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace (or append) the ``## Monte Carlo`` section of docs/benchmarks.md, leaving the rest alone."""
    existing = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(HEADER)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(existing):
        updated = pattern.sub(lambda _: text + "\n", existing, count=1)
    else:
        updated = existing.rstrip("\n") + "\n\n" + text
    DOCS.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args()
    sampler = Sampler.from_inputs(scenario_inputs(load_default_scenario()))
    rows = [("sampling only", sampling_only(sampler, args.runs, args.repeat))]
    for name in MODELS:
        rows.append((f"{name} (with sampling)", timed(sampler, (name,), args.runs, args.repeat)))
        print(f"{rows[-1][0]}: {rows[-1][1]:.2f} s", flush=True)
    rows.append(("all four in one sweep", timed(sampler, MODELS, args.runs, args.repeat)))
    print(f"{rows[-1][0]}: {rows[-1][1]:.2f} s")
    command = f".venv/bin/python bench/bench_montecarlo.py --runs {args.runs} --repeat {args.repeat}"
    text = section(rows, args.runs, args.repeat, command)
    if args.no_write:
        print(text)
    else:
        write_section(text)
        print(f"wrote the {HEADER!r} section of {DOCS}")


if __name__ == "__main__":
    main()

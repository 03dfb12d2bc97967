"""Benchmark: KTAB's spatial model of politics, accord against KTAB's own C++ ``smpc``, side by side.

    ACCORD_BENCH_KTAB_SMPC=/path/to/smpc \\
    .venv/bin/python bench/bench_spatial.py [--inputs dummyData_3Dim,SOE-Pol-Comp,...] [--repeat 5]

KTAB is not a package: the variable names a built ``smpc`` binary (KTAB's
``examples/smp``, built with -O2). It is run on each input in a temporary folder
with ``--logmin`` and a fresh SQLite database (``ACCORD_BENCH_KTAB_CONNSTR``
overrides the connection string); its turn count and final positions are read
back from that database and compared with accord's. Without the variable the
KTAB column shows the figures recorded on this machine type in
../shared/data/bargaining/README.md, and accord's results are checked against
KTAB's recorded runs in ../shared/data/bargaining/ktab/runs-here/.
Ratios are KTAB time / accord time (wall clock), accord's the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from accord.engines.bargaining.spatial import SpatialModel, fast
from accord.io.ktab import read_ktab

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared")).resolve()
KTAB = SHARED / "data" / "bargaining" / "ktab"
#: smpc wall seconds recorded in ../shared/data/bargaining/README.md (2 cores, -O2, --logmin, median of 3).
RECORDED = {
    "dummyData_3Dim": 0.07,
    "SOE-Pol-Comp": 0.71,
    "dummyData-a040": 9.8,
    "dummyData-a080": 84.7,
    "dummyData-a160": 1054.0,
}
#: The a080 figure the speed target is stated against (126 s wall under load).
TARGET_A080 = 126.0
INPUTS = list(RECORDED)


def time_accord(path: Path, backend: str, repeat: int) -> tuple[float, float, SpatialModel]:
    """Median wall and CPU seconds of a full run (reading the file excluded), and the last fitted model."""
    problem = read_ktab(path).problem
    SpatialModel(backend=backend, max_turns=2).fit(problem)  # compile / warm up
    walls, cpus = [], []
    model = SpatialModel(backend=backend, keep_turns=False)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        model = SpatialModel(backend=backend, keep_turns=False).fit(problem)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return float(np.median(walls)), float(np.median(cpus)), model


def recorded_result(name: str, n: int, m: int) -> tuple[int, np.ndarray]:
    """Turn count and full-precision final positions of KTAB's recorded smpc run."""
    text = (KTAB / "runs-here" / f"{name}.final-positions.txt").read_text()
    match = re.search(r"turns\(steps\): (\d+)", text)
    assert match
    final = np.full((n, m), np.nan)
    for line in text.split("## full-precision")[1].splitlines():
        parts = line.split(",")
        if len(parts) == 6 and parts[0].isdigit():
            final[int(parts[0]), int(parts[2])] = float(parts[5])
    return int(match[1]), final


def run_smpc(smpc: str, path: Path, n: int, m: int) -> tuple[float, int, np.ndarray]:
    """Run KTAB's smpc once: (wall seconds, turns, final positions read from its SQLite database)."""
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "ktab.db"
        connstr = os.environ.get("ACCORD_BENCH_KTAB_CONNSTR", f"Driver=QSQLITE;Database={database}")
        start = time.perf_counter()
        subprocess.run(
            [smpc, "--logmin", "--csv", str(path), "--connstr", connstr],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        files = [database] if database.exists() else sorted(Path(tmp).glob("*.db"))
        with sqlite3.connect(files[-1]) as db:
            last = db.execute("SELECT MAX(Turn_t) FROM VectorPosition").fetchone()[0]
            rows = db.execute("SELECT Act_i, Dim_k, Pos_Coord FROM VectorPosition WHERE Turn_t = ?", (last,)).fetchall()
    final = np.full((n, m), np.nan)
    for actor, dim, value in rows:
        final[actor, dim] = value
    return wall, int(last), final


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", default=",".join(INPUTS), help="KTAB CSV inputs (names under ktab/)")
    parser.add_argument("--repeat", type=int, default=5, help="accord runs per input (median reported)")
    parser.add_argument("--ktab-repeat", type=int, default=1, help="smpc runs per input (median reported)")
    parser.add_argument("--numpy", action="store_true", help="also time the numpy backend")
    args = parser.parse_args()
    smpc = os.environ.get("ACCORD_BENCH_KTAB_SMPC")
    print(f"# {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
          f"numba kernels {'on' if fast.AVAILABLE else 'off'}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"# KTAB: {'smpc at ' + smpc + ' (measured)' if smpc else 'figures recorded in the shared README'}")
    header = "| input | actors x dims | turns (accord / KTAB) | max position difference | accord (s) | accord CPU (s) |"
    header += " accord numpy (s) |" if args.numpy else ""
    header += " KTAB smpc (s) | ratio |"
    print(header)
    print("|---|" + "---:|" * (header.count("|") - 2))
    target = ""
    for name in args.inputs.split(","):
        path = KTAB / f"{name}.csv"
        problem = read_ktab(path).problem
        n, m = problem.n_actors, problem.n_issues
        wall, cpu, model = time_accord(path, "auto", args.repeat)
        numpy_cell = ""
        if args.numpy:
            numpy_cell = f" {time_accord(path, 'numpy', max(1, args.repeat // 2))[0]:.3f} |"
        if smpc:
            runs = [run_smpc(smpc, path, n, m) for _ in range(args.ktab_repeat)]
            reference = float(np.median([r[0] for r in runs]))
            turns, final = runs[0][1], runs[0][2]
            source = "measured"
        else:
            reference = RECORDED[name]
            turns, final = recorded_result(name, n, m)
            source = "recorded"
        assert model.forecast_.final_positions is not None
        difference = float(np.abs(model.forecast_.final_positions - final).max())
        print(
            f"| {name} | {n} x {m} | {model.forecast_.rounds} / {turns} | {difference:.2g} | {wall:.3f} | {cpu:.3f} |"
            f"{numpy_cell} {reference:g} ({source}) | {reference / wall:,.0f}x |"
        )
        if name == "dummyData-a080":
            target = f"dummyData-a080 against the target's {TARGET_A080:g} s: {TARGET_A080 / wall:,.0f}x"
        sys.stdout.flush()

    if target:
        print(f"\n{target} (the target asks for at least 10x)")


if __name__ == "__main__":
    main()

"""Speed of accord's exchange model beside the reference package, decide-exchange-model 2025.3.1.

Runs both on the reference inputs (copenhagen: 11 actors x 7 issues; cop21: 15 x 13),
10 rounds with deterministic ties (the package with ``EqualGainModel.ALLOW_RANDOM =
False``, accord with ``tie_break="input"``), and reports the median wall time of
``--repeat`` runs (default 5), the ratio, and the largest difference between
the two forecasts (NBS of the last round's votes).

This script installs nothing. The reference is timed only when ``decide`` is
importable in the interpreter running the script; otherwise accord is timed
alone and the report says so. The package needs Python 3.13; its environment:

    python3.13 -m venv /tmp/bench-exchange-venv
    /tmp/bench-exchange-venv/bin/pip install decide-exchange-model==2025.3.1
    /tmp/bench-exchange-venv/bin/pip install -e /work/main
    /tmp/bench-exchange-venv/bin/python bench/bench_exchange.py

Input files are read from ACCORD_SHARED (default ../shared next to the repository).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from accord.engines.bargaining import BargainingProblem
from accord.engines.bargaining.exchange import ExchangeModel
from accord.io.exchange_input import read_exchange_input

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared"))
DATASETS = ("copenhagen", "cop21")


def median_time(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def reference_runner(path: Path, rounds: int) -> Callable[[], object] | None:
    """A function running the package on ``path`` (NBS per issue name), or None if it is not installed."""
    try:
        from decide.data.modelfactory import ModelFactory  # type: ignore[import-not-found, unused-ignore]
        from decide.data.reader import InputDataFile  # type: ignore[import-not-found, unused-ignore]
        from decide.model.equalgain import EqualGainModel  # type: ignore[import-not-found, unused-ignore]
        from decide.model.observers.observer import Observable  # type: ignore[import-not-found, unused-ignore]
        from decide.model.utils import ModelLoop  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None

    def run() -> dict[str, float]:
        EqualGainModel.ALLOW_RANDOM = False
        model = ModelFactory(InputDataFile.open(path))(model_klass=EqualGainModel, randomized_value="0")
        with tempfile.TemporaryDirectory() as output:
            loop = ModelLoop(model, Observable(model_ref=model, output_directory=Path(output)), 0)
            for _ in range(rounds):
                loop.loop()
        return {issue.name: float(value) for issue, value in model.nbs.items()}

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    print(f"repeat={args.repeat} rounds={args.rounds} (median wall time, seconds)")
    for name in DATASETS:
        path = SHARED / "data" / "bargaining" / "exchange" / f"{name}.csv"
        problem = read_exchange_input(path).problem
        line = f"{name:>10} ({problem.n_actors} x {problem.n_issues}):"
        ours = {}
        for arithmetic in ("float", "decimal"):
            model = ExchangeModel(rounds=args.rounds, tie_break="input", arithmetic=arithmetic)
            seconds, fitted = median_time(partial(model.fit, problem), args.repeat)
            ours[arithmetic] = (seconds, fitted)
            line += f" accord {arithmetic} {seconds:.3f}"
        runner = reference_runner(path, args.rounds)
        if runner is None:
            line += " | decide-exchange-model not importable here: accord alone"
        else:
            seconds, nbs = median_time(runner, args.repeat)
            assert isinstance(nbs, dict)
            values = ours["decimal"][1].forecast_.values  # type: ignore[attr-defined]
            gap = max(abs(nbs[issue] - values[j]) for j, issue in enumerate(problem.issues))
            line += (
                f" | decide-exchange-model {seconds:.3f}"
                f" | ratio float {seconds / ours['float'][0]:.1f}x, decimal {seconds / ours['decimal'][0]:.1f}x"
                f" | max |forecast diff| (decimal) {gap:.1e}"
            )
        print(line, flush=True)
    rng = np.random.default_rng(0)
    for n, m in ((30, 10), (60, 15)):
        synthetic = BargainingProblem.build(
            [f"a{i}" for i in range(n)],
            np.round(rng.uniform(0, 100, (n, m))),
            np.round(rng.uniform(0.1, 1, (n, m)), 2),
            np.round(rng.uniform(0.05, 1, (n, m)), 2),
        )
        seconds, _ = median_time(partial(ExchangeModel(rounds=args.rounds).fit, synthetic), 1)
        print(f"synthetic ({n} x {m}): accord float {seconds:.3f}", flush=True)


if __name__ == "__main__":
    main()

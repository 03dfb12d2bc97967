"""Benchmark: one expected-utility round, accord against the open Python replications, side by side.

    ACCORD_BENCH_BDM_REPLICATION=/path/to/BDM_DecisionModel_Replication \\
    ACCORD_BENCH_BDM_SCHOLZ=/path/to/bdm-scholz-expected-utility-model \\
    .venv/bin/python bench/bench_expected_utility.py [--sizes 10,80,160,320,1000] [--repeat 5]

The references are not packages: each variable names a checkout (dmasad's
GroupDecisionModel, and the Scholz-code port). Their code is copied to a
temporary folder, Python 2 ``print`` statements made calls, and run there; it
is never part of accord. Without a variable, the reference column shows the
figures recorded on this machine type in ../shared/data/bargaining/README.md.
Ratios are reference time / accord time, medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import math
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from accord.engines.bargaining.expected_utility import fast
from accord.engines.bargaining.expected_utility.dynamics import play_round
from accord.engines.bargaining.expected_utility.model import lower_weighted_median

#: Seconds per round recorded in ../shared/data/bargaining/README.md (2 cores).
RECORDED_GROUP = {10: 1.8e-3, 80: 0.46, 160: 3.625, 320: 30.7}  # 160: midpoint of 3.4-3.85 s
RECORDED_SCHOLZ = {10: 0.69, 20: 39.0}
#: Largest sizes at which the references are run live (their cost grows as N^3 and N^6).
LIVE_GROUP_MAX, LIVE_SCHOLZ_MAX = 320, 10


def actors(n: int, seed: int = 0) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, n), rng.uniform(0.1, 1.0, n), rng.uniform(0.1, 1.0, n)


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def accord_round(n: int, mode: str) -> Callable[[], object]:
    x, c, s = actors(n)
    x, w, s = x[None], (c * s)[None], s[None]
    span = np.ptp(x, axis=-1)
    median = lower_weighted_median(x, w)
    return lambda: play_round(x, w, s, span, mode=mode, median=median)  # type: ignore[arg-type]


def load_reference(checkout: str, filename: str, workdir: Path) -> ModuleType:
    """Copy one reference module to ``workdir``, convert Python 2 prints, import it."""
    source = (Path(checkout) / filename).read_text()
    source = re.sub(r"^(\s*)print (?!\()(.*)$", r"\1print(\2)", source, flags=re.M)
    target = workdir / filename
    target.write_text(source)
    spec = importlib.util.spec_from_file_location(target.stem + "_reference", target)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def group_round(module: ModuleType, n: int) -> Callable[[], object]:
    x, c, s = actors(n)

    def run() -> None:
        people = [module.Actor(f"a{i}", None, x[i], c[i], s[i]) for i in range(n)]
        model = module.Model(people, float(x.max()), float(x.min()))
        with contextlib.redirect_stdout(io.StringIO()):
            model.run_model()

    return run


def scholz_round(module: ModuleType, n: int) -> tuple[Callable[[], object], Callable[[], list[float]]]:
    x, c, s = actors(n)
    data = [{"Actor": f"a{i}", "Capability": c[i], "Position": x[i], "Salience": s[i]} for i in range(n)]

    def run() -> list[float]:
        model = module.BDMScholzModel(data, verbose=False)
        model.run_model(num_rounds=1)
        return [actor.x for actor in model.actors]

    return run, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,80,160,320,1000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(v) for v in args.sizes.split(",")]
    group_dir = os.environ.get("ACCORD_BENCH_BDM_REPLICATION")
    scholz_dir = os.environ.get("ACCORD_BENCH_BDM_SCHOLZ")
    workdir = Path(tempfile.mkdtemp(prefix="accord-bench-bdm-"))
    try:
        group = load_reference(group_dir, "GroupDecisionModel.py", workdir) if group_dir else None
        scholz = load_reference(scholz_dir, "bdm_scholz_model.py", workdir) if scholz_dir else None
        cpu = platform.processor() or platform.machine()
        print(f"machine: {cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"numpy {np.__version__}, numba kernel {'on' if fast.available() else 'off'}")
        for mode in ("paper", "scholz-code"):
            accord_round(12, mode)()  # warm up (numba compiles on first use)
            accord_round(40, mode)()
        print("\n| N | accord paper (s) | accord scholz-code (s) | GroupDecisionModel (s) | ratio paper | ratio code |")
        print("|---:|---:|---:|---:|---:|---:|")
        for n in sizes:
            paper = median_time(accord_round(n, "paper"), args.repeat)
            code = median_time(accord_round(n, "scholz-code"), args.repeat)
            if group is not None and n <= LIVE_GROUP_MAX:
                reference, where = median_time(group_round(group, n), 3 if n <= 160 else 1), "measured"
            elif n in RECORDED_GROUP:
                reference, where = RECORDED_GROUP[n], "recorded"
            else:
                reference, where = float("nan"), "-"
            known = not math.isnan(reference)
            ratios = " | ".join(f"{reference / ours:,.0f}x" if known else "-" for ours in (paper, code))
            shown = f"{reference:.4g} ({where})" if known else "-"
            print(f"| {n} | {paper:.4g} | {code:.4g} | {shown} | {ratios} |")
        print("\n| N | accord scholz-code (s) | Scholz-code port (s) | ratio | same positions |")
        print("|---:|---:|---:|---:|:---:|")
        for n in (10, 20):
            code = median_time(accord_round(n, "scholz-code"), args.repeat)
            same = "-"
            if scholz is not None and n <= LIVE_SCHOLZ_MAX:
                run, positions = scholz_round(scholz, n)
                reference, where = median_time(run, 3), "measured"
                x, c, s = actors(n)
                ours = play_round(x[None], (c * s)[None], s[None], np.ptp(x)[None], mode="scholz-code").positions[0]
                same = "yes" if np.allclose(ours, positions(), rtol=0, atol=1e-9) else "NO"
            else:
                reference, where = RECORDED_SCHOLZ[n], "recorded"
            print(f"| {n} | {code:.4g} | {reference:.4g} ({where}) | {reference / code:,.0f}x | {same} |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

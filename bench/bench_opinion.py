"""Opinion-group benchmarks: accord against red-dwarf 0.4.0 on vtaiwan.uberx, the 1M-participant scale run, accuracy.

Run in a virtual environment that has both (red-dwarf is not an accord dependency)::

    python3 -m venv /tmp/bench-opinion-venv
    /tmp/bench-opinion-venv/bin/pip install red-dwarf==0.4.0 -e .
    /tmp/bench-opinion-venv/bin/python bench/bench_opinion.py speed      # pipeline alone and whole wait
    .venv/bin/python bench/bench_opinion.py scale                        # 1,000,000 x 10,000, 50M votes
    /tmp/bench-opinion-venv/bin/python bench/bench_opinion.py accuracy   # ARI against Pol.is's own groups

``speed`` interleaves the two tools run by run (at least 7 runs each) and reports the ratio of
medians: (1) the pipeline alone in one process, from votes in memory to groups, repness and
consensus (red-dwarf: ``run_pipeline(random_state=42)``, statements moderated out passed as
``mod_out_statement_ids``); (2) a user's whole wait, fresh processes: ``accord opinion PATH --json``
against a script that reads the same export with pandas and runs red-dwarf.

``scale`` makes the planted conversation with :mod:`accord.engines.opinion.synthetic`, then
times the path from its arrays to the JSON text (pipeline, repness, consensus, bridging,
``json.dumps``) in a child process pinned to 2 cores under ``/usr/bin/time -v``, which gives
the peak memory; it prints the ARI against the planted groups.

``accuracy`` scores accord and red-dwarf side by side against the ``group-id`` Pol.is itself
assigned (adjusted Rand index over the participants both clustered), running red-dwarf in the
same command where it is installed (from ``participants-votes.csv`` where an export has no
``votes.csv``), else printing the data README's recorded figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared"))
POLIS = SHARED / "data" / "polis"
CONVERSATIONS = [
    "vtaiwan.uberx",
    "brexit-consensus",
    "scoop-hivemind.biodiversity",
    "15-per-hour-seattle",
    "canadian-electoral-reform",
    "football-concussions",
    "london.youth.policing",
    "scoop-hivemind.ubi",
    "scoop-hivemind.freshwater",
]
#: red-dwarf 0.4.0's ARI against Pol.is, from the data README.
RED_DWARF_ARI = [0.826, 0.636, 0.954, 0.459, 1.000, 0.200, 0.122, 0.095, 0.132]

RED_DWARF_SCRIPT = """
import sys
import pandas as pd
from reddwarf.implementations.base import run_pipeline

folder = sys.argv[1]
votes = pd.read_csv(f"{folder}/votes.csv")
votes = votes.sort_values("timestamp", kind="stable").drop_duplicates(["voter-id", "comment-id"], keep="last")
comments = pd.read_csv(f"{folder}/comments.csv")
records = [
    {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": int(t)}
    for p, s, v, t in zip(votes["voter-id"], votes["comment-id"], votes["vote"], votes["timestamp"])
]
mod_out = [int(c) for c in comments.loc[comments["moderated"] == -1, "comment-id"]]
result = run_pipeline(votes=records, mod_out_statement_ids=mod_out, random_state=42)
print(result.participants_df["cluster_id"].value_counts().to_dict())
"""


def red_dwarf_votes(folder: Path) -> tuple[list[dict[str, int]], list[int]]:
    """The export's votes as red-dwarf takes them (the last vote counts), from votes.csv or else the wide file."""
    import csv

    votes: list[dict[str, int]] = []
    if (folder / "votes.csv").exists():
        with (folder / "votes.csv").open(encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                votes.append(
                    {
                        "participant_id": int(r["voter-id"]),
                        "statement_id": int(r["comment-id"]),
                        "vote": int(r["vote"]),
                        "modified": int(r["timestamp"]),
                    }
                )
    else:
        with (folder / "participants-votes.csv").open(encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                for key, cell in r.items():
                    if key.isdigit() and cell.strip():
                        votes.append(
                            {
                                "participant_id": int(r["participant"]),
                                "statement_id": int(key),
                                "vote": int(cell),
                                "modified": 0,
                            }
                        )
    with (folder / "comments.csv").open(encoding="utf-8") as handle:
        mod_out = [int(r["comment-id"]) for r in csv.DictReader(handle) if r["moderated"].strip() == "-1"]
    last: dict[tuple[int, int], dict[str, int]] = {}
    for vote in sorted(votes, key=lambda v: v["modified"]):  # the last vote counts, as in accord
        last[(vote["participant_id"], vote["statement_id"])] = vote
    return list(last.values()), mod_out


def red_dwarf_groups(folder: Path) -> dict[int, int | None] | None:
    """red-dwarf 0.4.0's groups (``run_pipeline(random_state=42)``), or None where it is not installed."""
    try:
        from reddwarf.implementations.base import run_pipeline  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    import warnings

    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    votes, mod_out = red_dwarf_votes(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=42).participants_df
    return {int(i): None if pd.isna(g) else int(g) for i, g in zip(table.index, table["cluster_id"], strict=True)}


def speed(args: argparse.Namespace) -> None:
    from reddwarf.implementations.base import run_pipeline  # type: ignore[import-not-found, unused-ignore]

    from accord.engines.opinion.pipeline import run
    from accord.io.polis import read_polis

    folder = POLIS / args.conversation
    votes, mod_out = red_dwarf_votes(folder)
    matrix = read_polis(folder)
    run(matrix)  # warm both once (imports, caches)
    run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=42)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(args.runs):
        start = time.perf_counter()
        run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=42)
        theirs.append(time.perf_counter() - start)
        start = time.perf_counter()
        run(matrix)
        ours.append(time.perf_counter() - start)
    report("pipeline alone, one process", ours, theirs)

    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "red_dwarf_script.py"
        script.write_text(RED_DWARF_SCRIPT, encoding="utf-8")
        ours, theirs = [], []
        accord = [str(bindir / "accord"), "opinion", str(folder), "--json"]
        red_dwarf = [sys.executable, str(script), str(folder)]
        for _ in range(args.runs):
            theirs.append(wall(red_dwarf))
            ours.append(wall(accord))
        report("whole wait, fresh processes (accord opinion --json vs read + red-dwarf script)", ours, theirs)


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def report(what: str, ours: list[float], theirs: list[float]) -> None:
    mo, mt = statistics.median(ours), statistics.median(theirs)
    print(
        f"{what}: accord median {mo:.3f} s (min {min(ours):.3f}), red-dwarf median {mt:.3f} s "
        f"(min {min(theirs):.3f}), ratio of medians {mt / mo:.1f}x over {len(ours)} interleaved runs"
    )


def scale(args: argparse.Namespace) -> None:
    command = [sys.executable, __file__, "scale-child", str(args.participants), str(args.statements), str(args.votes)]
    env = dict(os.environ, NUMBA_NUM_THREADS="2", OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2")
    done = subprocess.run(
        ["taskset", "-c", "0,1", "/usr/bin/time", "-v", *command], capture_output=True, text=True, env=env, check=True
    )
    print(done.stdout, end="")
    for line in done.stderr.splitlines():
        if "Maximum resident" in line or "Elapsed (wall" in line:
            print(line.strip())


def scale_child(n: int, s: int, k: int) -> None:
    from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped, unused-ignore]

    from accord.engines.opinion.output import result_json
    from accord.engines.opinion.pipeline import run
    from accord.engines.opinion.synthetic import planted

    start = time.perf_counter()
    data = planted(n, s, k, seed=2024)
    made = time.perf_counter()
    print(f"generated {n:,} x {s:,}, {data.matrix.n_votes:,} votes in {made - start:.1f} s")
    steps: dict[str, float] = {}

    def mark(done: int, total: int, what: str) -> None:
        steps.setdefault(what, time.perf_counter())

    result = run(data.matrix, progress=mark)
    ran = time.perf_counter()
    payload = result_json(result)
    built = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sink.write(json.dumps(payload))
    end = time.perf_counter()
    marks = [*steps.values(), ran]
    names = list(steps)
    print("  " + ", ".join(f"{name} {b - a:.1f} s" for name, a, b in zip(names, marks[:-1], marks[1:], strict=False)))
    print(
        f"pipeline {ran - made:.1f} s, bridging and output {built - ran:.1f} s, "
        f"json {end - built:.1f} s: arrays to JSON {end - made:.1f} s"
    )
    ari = adjusted_rand_score(data.groups, result.groups)
    print(f"groups {result.n_groups}, ARI against the planted groups {ari:.4f}")


def accuracy(_: argparse.Namespace) -> None:
    """ARI against Pol.is's group-id; red-dwarf's figure run live where it is installed, else the data README's."""
    from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped, unused-ignore]

    from accord.engines.opinion.pipeline import groups_by_id, run
    from accord.io.polis import read_polis, read_polis_groups

    def ari(polis: dict[Any, int | None], groups: dict[Any, int | None]) -> float:
        both = [p for p, g in groups.items() if g is not None and polis.get(p) is not None]
        return float(adjusted_rand_score([polis[p] for p in both], [groups[p] for p in both]))

    print("| conversation | participants x statements | Pol.is groups | accord groups | accord ARI | red-dwarf ARI |")
    print("|---|---|---|---|---|---|")
    ours_all, theirs_all = [], []
    for name, recorded in zip(CONVERSATIONS, RED_DWARF_ARI, strict=True):
        folder = POLIS / name
        matrix = read_polis(folder)
        result = run(matrix)
        polis = read_polis_groups(folder)
        ours = ari(polis, groups_by_id(result))
        live = red_dwarf_groups(folder)
        theirs = ari(polis, dict(live)) if live is not None else recorded
        ours_all.append(ours)
        theirs_all.append(theirs)
        k_polis = len({g for g in polis.values() if g is not None})
        print(
            f"| {name} | {len(polis):,} x {matrix.shape[1] + len(matrix.moderated_out)} | {k_polis} | "
            f"{result.n_groups} | {ours:.4f} | {theirs:.4f}{'' if live is not None else ' (recorded)'} |"
        )
    print(f"| mean | | | | {sum(ours_all) / len(ours_all):.4f} | {sum(theirs_all) / len(theirs_all):.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("speed")
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--conversation", default="vtaiwan.uberx")
    p = sub.add_parser("scale")
    p.add_argument("--participants", type=int, default=1_000_000)
    p.add_argument("--statements", type=int, default=10_000)
    p.add_argument("--votes", type=int, default=50, help="votes per participant")
    p = sub.add_parser("scale-child")
    p.add_argument("n", type=int)
    p.add_argument("s", type=int)
    p.add_argument("k", type=int)
    sub.add_parser("accuracy")
    args = parser.parse_args()
    if args.mode == "speed":
        speed(args)
    elif args.mode == "scale":
        scale(args)
    elif args.mode == "scale-child":
        scale_child(args.n, args.s, args.k)
    else:
        accuracy(args)


if __name__ == "__main__":
    main()

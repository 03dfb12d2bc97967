"""``accord backtest``: every model's mean absolute error against recorded outcomes (DEU III)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accord.cli.app import app, err, fail, out, usage_error
from accord.errors import AccordError

if TYPE_CHECKING:  # the engines load when the command runs, not when the CLI starts
    from accord.engines.bargaining.backtest import BacktestResult, Score

#: Published figures the backtest is set beside (data README; Thomson et al. 2006; Arregui & Perarnaud 2021).
PUBLISHED = {
    "compromise, DEU III dev half (180 issues)": 21.39,
    "compromise, whole DEU III (351 issues)": 23.64,
    "median position, whole DEU III": 28.37,
    "salience-weighted median, whole DEU III": 28.31,
}


@app.command("backtest")
def backtest_command(
    path: Annotated[Path, typer.Argument(help="The data file (DEU III as redistributed, tab-separated).")],
    data_format: Annotated[str, typer.Option("--format", help="The file's format: deu.")] = "deu",
    capability: Annotated[
        str, typer.Option("--capability", help="none: every actor's capability is 1; gdp: the file's GDP row.")
    ] = "none",
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help="Score only this model (repeatable; published or experimental name)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON on stdout.")] = False,
) -> None:
    """Score every model's forecasts against the outcomes: mean absolute error, fitted parameters out of sample."""
    from accord.engines.bargaining import MODELS
    from accord.engines.bargaining.backtest import EXPERIMENTAL, backtest
    from accord.io.deu import read_deu

    if data_format != "deu":
        usage_error(f"--format must be deu, not {data_format!r}")
    if capability not in ("none", "gdp"):
        usage_error(f"--capability must be none or gdp, not {capability!r}")
    chosen = list(model or [])
    unknown = [m for m in chosen if m not in MODELS and m not in EXPERIMENTAL]
    if unknown:
        usage_error(f"no model called {unknown[0]!r} (known: {', '.join([*MODELS, *EXPERIMENTAL])})")
    try:
        dataset = read_deu(path, capability="gdp" if capability == "gdp" else "none")
        with _progress(enabled=not as_json) as progress:
            result = backtest(
                dataset.cases(),
                models=[m for m in chosen if m in MODELS] if chosen else None,
                experimental=[m for m in chosen if m in EXPERIMENTAL] if chosen else None,
                progress=progress,
            )
    except AccordError as error:
        fail(error)
    unusable = len(dataset.issues) - len(dataset.cases())
    if as_json:
        payload = result.to_dict()
        payload.update(
            source=str(path),
            format=data_format,
            capability=capability,
            issues_in_file=len(dataset.issues),
            excluded_no_outcome=unusable,
            published_baselines=PUBLISHED,
        )
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    _print(result, path, capability, len(dataset.issues), unusable)


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on stderr, one task per model; yields the backtest's progress callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not enabled or not err.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def update(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done)

    with bar:
        yield update


def _print(result: BacktestResult, path: Path, capability: str, in_file: int, unusable: int) -> None:
    from rich.table import Table

    from accord.engines.bargaining.backtest import BASELINE, GAIN_SEED, RESAMPLES

    base = result.scores.get(BASELINE)
    baseline = base.mae if base else None
    table = Table(title=f"Backtest on {path.name}: mean absolute error (0-100 scale)", title_justify="left")
    table.add_column("model", no_wrap=True)
    for column, justify in (("kind", "left"), ("MAE", "right"), ("n", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    table.add_column(f"vs {BASELINE}", justify="right")
    table.add_column("notes", overflow="fold")
    for name, score in result.scores.items():
        mae = "—" if score.mae is None else f"{score.mae:.2f}"
        delta = "" if score.mae is None or baseline is None else f"{score.mae - baseline:+.2f}"
        if score.gain is not None:
            point, low, high = score.gain
            delta = f"{point:+.2f} [{low:+.2f}, {high:+.2f}]"
        table.add_row(name, score.kind, mae, str(score.n_issues), delta, _note(score))
    for name, (value, n) in result.baselines.items():
        delta = "" if value is None or baseline is None else f"{value - baseline:+.2f}"
        table.add_row(name, "yardstick", "—" if value is None else f"{value:.2f}", str(n), delta, "")
    out.print(table)
    out.print(
        f"{len(result.cases)} issues of {len({c.group for c in result.cases})} proposals "
        f"({in_file} in the file; {unusable} without an outcome; {result.excluded} with fewer than "
        f"{result.min_actors} positions); capability: {capability}. Experimental models are fitted leave one "
        f"proposal out. vs {BASELINE}: the MAE difference over the issues both forecast, [90% interval from "
        f"{RESAMPLES:,} bootstrap resamples of proposals, seed {GAIN_SEED}]."
    )
    out.print("Published: " + "; ".join(f"{k} {v:.2f}" for k, v in PUBLISHED.items()))


def _note(score: Score) -> str:
    """Published models: why they have no or fewer forecasts; experimental ones: the median fitted parameters."""
    if score.kind == "published":
        return "; ".join(n.split(":")[0] if n.startswith("not available") else n for n in score.notes)
    shown = {k: v[0] for k, v in score.params.items() if len(score.params) <= 3 or v[2] > 0}
    return ", ".join(f"{k}={v:.3g}" for k, v in shown.items())

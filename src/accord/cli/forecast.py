"""``accord forecast``: where bargaining on each issue is likely to land, with bands, variants and hindsight."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from accord.cli.app import app, fail, out, usage_error
from accord.errors import AccordError

if TYPE_CHECKING:  # the engines load when the command runs, not when the CLI starts
    from accord.engines.bargaining.problem import BargainingProblem
    from accord.model import Scenario

FORMATS = ("scenario", "bdm", "ktab", "exchange")
#: The reader of each table format: (module, function); imported only when used.
READERS = {
    "bdm": ("accord.io.bdm_table", "read_bdm_table"),
    "ktab": ("accord.io.ktab", "read_ktab"),
    "exchange": ("accord.io.exchange_input", "read_exchange_problem"),
}


@app.command()
def forecast(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="A scenario YAML file, or a table: KTAB CSV/XML, Bueno de Mesquita table, exchange-model input. "
            "Default: the brief's case shipped with accord.",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help="A model to run (repeat, or comma-separate). Default: every available model."),
    ] = None,
    variant: Annotated[
        list[str] | None,
        typer.Option("--variant", help="A variant to set beside the base (repeat). Default: all; 'none' for none."),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", min=0, help="Monte Carlo runs for the bands (0: none).")] = 1000,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Seed of the runs. Default: fresh.")] = None,
    executor: Annotated[
        str, typer.Option("--executor", help="Where the runs go: 'local' or 'dask://HOST:PORT'.")
    ] = "local",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="Input format: scenario, bdm, ktab or exchange. Default: detected."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the forecasts as JSON on stdout.")] = False,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="Also write one row per issue, variant and model to this CSV file."),
    ] = None,
) -> None:
    """Forecast each issue with the bargaining models: point, 80% band, variants side by side, outcomes."""
    from accord.engines.bargaining.executor import parse_executor

    if fmt is not None and fmt not in FORMATS:
        usage_error(f"--format is {fmt!r}; expected one of {', '.join(FORMATS)}")
    try:
        parse_executor(executor)
        kind = fmt or detect_format(scenario)
        payload = _run(scenario, kind, _names(model), variant, runs, seed, executor, show_progress=not as_json)
    except AccordError as error:
        fail(error)
    if csv_path is not None:
        from accord.engines.bargaining.scenario_forecast import forecast_rows
        from accord.io.export import write_csv

        write_csv(forecast_rows(payload), csv_path)
    if as_json:
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    _print(payload)


def detect_format(path: Path | None) -> str:
    """The format of an input, from its extension and first line."""
    if path is None:
        return "scenario"
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "scenario"
    if suffix == ".xml":
        return "ktab"
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            first = next((line for line in handle if line.strip()), "")
    except OSError as error:
        raise AccordError(f"cannot read {path}: {error.strerror or error}") from None
    head = first.strip().strip("'\"")
    if head.startswith("#") or suffix in (".tsv", ".dat"):
        return "exchange"
    if first.strip().lower().startswith("actor") and "capability" in first.lower():
        return "bdm"
    if suffix == ".csv":
        return "ktab"
    raise AccordError(f"cannot tell the format of {path}: give --format scenario, bdm, ktab or exchange")


def _names(model: list[str] | None) -> list[str] | None:
    if not model:
        return None
    return [name.strip() for item in model for name in item.split(",") if name.strip()]


def _run(
    path: Path | None,
    kind: str,
    names: list[str] | None,
    variants: list[str] | None,
    runs: int,
    seed: int | None,
    executor: str,
    *,
    show_progress: bool,
) -> dict[str, Any]:
    from accord.engines.bargaining.scenario_forecast import choose_variants, forecast_scenario
    from accord.io import default_scenario_path, load_scenario

    parameters: dict[str, dict[str, Any]] = {}
    subject: Scenario | BargainingProblem
    if kind == "scenario":
        subject = load_scenario(path or default_scenario_path())
        sweeps = 1 + len(choose_variants(subject.variants, variants))
    else:
        if path is None:
            raise AccordError(f"--format {kind} needs an input file")
        subject, parameters = _read_table(kind, path)
        sweeps = 1
    # Models without a batch path run draw by draw: swept (and put through the sensitivity analysis) only
    # when named with --model, so that the default command stays quick.
    from accord.cli.progress import MonteCarloBar

    with MonteCarloBar(runs * sweeps, show_progress and runs > 0) as progress:
        result = forecast_scenario(
            subject,
            models=names,
            variants=variants,
            runs=runs,
            seed=seed,
            executor=executor,
            progress=progress,
            parameters=parameters,
            source=str(path) if path else "default",
            kind=kind,
        )
    return result.to_dict()


def _read_table(kind: str, path: Path) -> tuple[BargainingProblem, dict[str, dict[str, Any]]]:
    from accord.engines.bargaining.problem import BargainingProblem

    module_name, function = READERS[kind]
    reader: Callable[[Path], Any] = getattr(import_module(module_name), function)
    read = reader(path)
    if isinstance(read, BargainingProblem):
        return read, {}
    parameters = getattr(read, "parameters", None) or {}
    return read.problem, ({"spatial": dict(parameters)} if parameters else {})


def _print(payload: dict[str, Any]) -> None:
    from rich.table import Table

    variants = payload["variants"]
    runs = payload["runs"]
    out.print(
        f"[bold]{payload['title']}[/]  models: {', '.join(payload['models'])}  runs: {runs}"
        + (f"  seed: {payload['seed']}" if runs else "")
    )
    for name, reason in payload["skipped"].items():
        out.print(f"[dim]skipped {name}: {reason}[/]")
    for issue_id, issue in payload["issues"].items():
        scale = issue["scale"]
        sq = issue.get("status_quo")
        table = Table(
            title=f"{issue['name']} ({issue_id})",
            caption=f"{scale['low']:g} = {scale['low_label']}; {scale['high']:g} = {scale['high_label']}"
            + (f"; status quo {sq:g}" if sq is not None else ""),
            title_justify="left",
            caption_justify="left",
        )
        table.add_column("Model")
        table.add_column("Forecast", justify="right")
        table.add_column("80% band", justify="right")
        for variant in variants:
            table.add_column(f"{variant} (shift)", justify="right")
        for name, entry in issue["forecasts"].items():
            row = [name, f"{entry['forecast']:.1f}", _band(entry["band"])]
            for variant in variants:
                v = issue["variants"][variant][name]
                row.append(f"{v['forecast']:.1f} ({v['shift']:+.1f}{_shift_band(v['shift_band'])})")
            table.add_row(*row)
        out.print(table)
        for outcome in issue["outcomes"]:
            errors = ", ".join(f"{m} {e:+.1f}" for m, e in outcome["errors"].items())
            out.print(f"  outcome {outcome['date']} [bold]{outcome['value']:g}[/] ({outcome['id']}): error {errors}")
        for name, levers in issue.get("levers", {}).items():
            if levers:
                text = ", ".join(f"{lv['actor']} {lv['kind']} ±{lv['swing']:.1f}" for lv in levers)
                out.print(f"  [dim]{name} moves most with: {text}[/]")
        out.print()


def _band(band: dict[str, float] | None) -> str:
    if band is None:
        return "-"
    return f"{band['low']:.1f}-{band['high']:.1f}"


def _shift_band(band: dict[str, float] | None) -> str:
    return "" if band is None else f", {band['low']:+.1f} to {band['high']:+.1f}"

"""``accord forecast``: where bargaining on each issue is likely to land, with bands, variants and hindsight."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from accord.cli.app import app, err, fail, out, usage_error
from accord.engines.bargaining.problem import BargainingModel, BargainingProblem
from accord.errors import AccordError

if TYPE_CHECKING:
    from accord.engines.bargaining.compare import Comparison, Hindsight, Lever, ProblemForecast
    from accord.engines.bargaining.montecarlo import Band
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


def _models(
    names: list[str] | None, parameters: dict[str, dict[str, Any]]
) -> tuple[list[BargainingModel], dict[str, str]]:
    """Instances of the chosen models (default: every registered one whose module is written)."""
    from accord.engines.bargaining import MODELS, model_class

    chosen = names or list(MODELS)
    unknown = [n for n in chosen if n not in MODELS]
    if unknown:
        raise AccordError(f"no model called {', '.join(map(repr, unknown))} (known: {', '.join(MODELS)})")
    models: list[BargainingModel] = []
    skipped: dict[str, str] = {}
    for name in chosen:
        try:
            cls = model_class(name)
        except (ImportError, AttributeError):
            if names:
                raise AccordError(f"the {name} model is not available in this installation") from None
            skipped[name] = "not available in this installation"
            continue
        models.append(cls(**parameters.get(name, {})))
    return models, skipped


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
    from accord.engines.bargaining.compare import (
        Comparison,
        compare_variants,
        forecast_problem,
        hindsight,
        sensitivity,
    )
    from accord.engines.bargaining.montecarlo import Sampler, resolve_seed
    from accord.engines.bargaining.scenario_input import scenario_inputs
    from accord.io import default_scenario_path, load_scenario

    fixed_seed = resolve_seed(seed)
    parameters: dict[str, dict[str, Any]] = {}
    loaded = None
    problem: BargainingProblem
    if kind == "scenario":
        loaded = load_scenario(path or default_scenario_path())
        chosen_variants = _variants(loaded.variants, variants)
        problem = scenario_inputs(loaded).problem
    else:
        if path is None:
            raise AccordError(f"--format {kind} needs an input file")
        problem, parameters = _read_table(kind, path)
        chosen_variants = []
    models, skipped = _models(names, parameters)
    models = _fitting(models, problem, skipped, strict=names is not None)
    if not models:
        raise AccordError("no model could forecast this input: " + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
    # Models without a batch path run run by run: swept (and put through the sensitivity analysis) only
    # when named with --model, so that the default command stays quick.
    banded = [m.name for m in models if names is not None or callable(getattr(m, "predict_batch", None))]
    with _ProgressBar(runs * (1 + len(chosen_variants)), show_progress and runs > 0) as progress:
        if loaded is not None:
            comparison = compare_variants(
                loaded,
                models,
                chosen_variants,
                runs=runs,
                seed=fixed_seed,
                executor=executor,
                progress=progress,
                banded=banded,
            )
            inputs = scenario_inputs(loaded)
            levers = {m.name: sensitivity(inputs, m) for m in models if m.name in banded}
            outcomes = hindsight(loaded, comparison.base)
        else:
            base = forecast_problem(
                Sampler.fixed_problem(problem),
                models,
                runs=runs,
                seed=fixed_seed,
                executor=executor,
                progress=progress,
                banded=banded,
            )
            comparison, levers, outcomes = Comparison(base), {}, []
    return _payload(
        comparison,
        loaded,
        source=str(path) if path else "default",
        kind=kind,
        runs=runs,
        seed=fixed_seed,
        executor=executor,
        skipped=skipped,
        levers=levers,
        outcomes=outcomes,
    )


def _variants(known: Sequence[Any], wanted: list[str] | None) -> list[str]:
    ids = [v.id for v in known]
    if wanted is None:
        return ids
    if [w.lower() for w in wanted] == ["none"]:
        return []
    for w in wanted:
        if w not in ids:
            raise AccordError(f"no variant {w!r} in this scenario (known: {', '.join(ids) or 'none'})")
    return list(dict.fromkeys(wanted))


def _read_table(kind: str, path: Path) -> tuple[BargainingProblem, dict[str, dict[str, Any]]]:
    module_name, function = READERS[kind]
    try:
        reader: Callable[[Path], Any] = getattr(import_module(module_name), function)
    except (ImportError, AttributeError):
        raise AccordError(f"the {kind} reader ({module_name}.{function}) is not available yet") from None
    read = reader(path)
    if isinstance(read, BargainingProblem):
        return read, {}
    parameters = getattr(read, "parameters", None) or {}
    return read.problem, ({"spatial": dict(parameters)} if parameters else {})


def _fitting(
    models: list[BargainingModel], problem: BargainingProblem, skipped: dict[str, str], *, strict: bool
) -> list[BargainingModel]:
    """The models that take the problem; with ``strict`` (models named by the user), the first refusal fails."""
    from accord.engines.bargaining.problem import ModelInputError

    kept = []
    for model in models:
        try:
            model.fit(problem)
        except ModelInputError as error:
            if strict:
                raise
            skipped[model.name] = str(error)
            continue
        kept.append(model)
    return kept


class _ProgressBar:
    """A Rich progress bar over all runs (base and variants), on stderr, when it is a terminal."""

    def __init__(self, total: int, show: bool) -> None:
        self.total = total
        self.bar = Progress(
            TextColumn("Monte Carlo"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not (show and err.is_terminal),
        )
        self.task = self.bar.add_task("runs", total=total)
        self.offset = 0

    def __enter__(self) -> Callable[[int, int], None]:
        self.bar.start()
        return self.update

    def update(self, done: int, total: int) -> None:
        """One sweep's progress; sweeps (base, then each variant) run one after another."""
        self.bar.update(self.task, completed=self.offset + done)
        if done >= total:
            self.offset += total

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _print(payload: dict[str, Any]) -> None:
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


def _payload(
    comparison: Comparison,
    scenario: Scenario | None,
    *,
    source: str,
    kind: str,
    runs: int,
    seed: int,
    executor: str,
    skipped: dict[str, str],
    levers: dict[str, list[Lever]],
    outcomes: list[Hindsight],
) -> dict[str, Any]:
    """The JSON document of a forecast (also what the terminal tables are drawn from)."""
    from accord.engines.bargaining.compare import top_levers

    base = comparison.base
    problem = base.problem
    issues: dict[str, Any] = {}
    for j, issue_id in enumerate(problem.issues):
        issue = scenario.issue(issue_id) if scenario is not None else None
        sq = None if problem.status_quo is None or np.isnan(problem.status_quo[j]) else float(problem.status_quo[j])
        entry: dict[str, Any] = {
            "name": issue.name if issue else issue_id,
            "scale": {
                "low": float(problem.low[j]),
                "high": float(problem.high[j]),
                "low_label": issue.scale.low_label if issue else "low",
                "high_label": issue.scale.high_label if issue else "high",
            },
            "status_quo": sq,
            "forecasts": {name: _model_entry(base, name, j) for name in base.forecasts},
            "variants": {
                variant: {
                    name: {
                        "forecast": float(other.forecasts[name].values[j]),
                        "shift": float(comparison.shifts[variant, name].values[j]),
                        "band": _band_dict(other.band(name), j),
                        "shift_band": _band_dict(comparison.shifts[variant, name].band, j),
                    }
                    for name in other.forecasts
                }
                for variant, other in comparison.variants.items()
            },
            "levers": {
                name: [
                    {
                        "actor": lv.actor,
                        "issue": lv.issue,
                        "kind": lv.kind,
                        "base": lv.base,
                        "low": lv.low,
                        "high": lv.high,
                        "swing": float(lv.swing[j]),
                    }
                    for lv in top_levers(found, j, 3)
                ]
                for name, found in levers.items()
            },
            "outcomes": [
                {
                    "id": h.outcome,
                    "date": h.date.isoformat(),
                    "value": h.value,
                    "range": list(h.range),
                    "description": h.description,
                    "errors": h.errors,
                    "within_band": h.within_band,
                }
                for h in outcomes
                if h.issue == issue_id
            ],
        }
        issues[issue_id] = entry
    return {
        "scenario": scenario.id if scenario is not None else problem.source or source,
        "title": scenario.title if scenario is not None else source,
        "source": source,
        "format": kind,
        "runs": runs,
        "seed": seed,
        "executor": executor,
        "models": list(base.forecasts),
        "skipped": skipped,
        "variants": list(comparison.variants),
        "actors": list(problem.actors),
        "issues": issues,
    }


def _model_entry(forecast: ProblemForecast, name: str, j: int) -> dict[str, Any]:
    point = forecast.forecasts[name]
    entry: dict[str, Any] = {"forecast": float(point.values[j]), "band": _band_dict(forecast.band(name), j)}
    if point.rounds is not None:
        entry["rounds"] = int(point.rounds)
    if point.final_positions is not None:
        entry["final_positions"] = {
            actor: float(point.final_positions[i, j]) for i, actor in enumerate(forecast.problem.actors)
        }
    return entry


def _band_dict(band: Band | None, j: int) -> dict[str, float | int] | None:
    if band is None:
        return None
    return {
        "median": float(band.median[j]),
        "low": float(band.low[j]),
        "high": float(band.high[j]),
        "failed": int(band.failed[j]),
    }
